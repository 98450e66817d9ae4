// Rates in the CLI's text are spelled as every table spells one (words.ts rateFigure: whole from
// 100/s, one decimal from 1/s): a rate given as 1k/min printed "16.666666666666668/s" in the load
// test's and the rehearsal's first line; a profile's mean rate (2000.002379823026/s) stays "2000/s"
// in simulate's and compare's headers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderResults } from '../../src/cli/actions/loadtest.js';
import { rehearsalTitle } from '../../src/cli/actions/rehearse.js';
import { renderComparison, renderSimulation } from '../../src/cli/render-sim.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { analyze } from '../../src/simulate/analytic.js';
import { compare } from '../../src/simulate/compare.js';
import { bp } from '../simulate/helpers.js';

const ODD = 1000 / 60;
const MEAN = 2000.002379823026;

describe('rates in the text, spelled once', () => {
  it('loadtest: "open model at 16.7/s"', () => {
    const r = LoadTestResult.parse(JSON.parse(readFileSync(new URL('../fixtures/loadtest/quantchat-monolith-result.json', import.meta.url), 'utf8')));
    r.run.rate = ODD;
    const head = renderResults([r]).split('\n')[0]!;
    expect(head).toMatch(/^monolith — embedded driver, open model at 16\.7\/s, 10 s measured after 0 s warm-up, /);
    r.run.rate = 50;
    expect(renderResults([r]).split('\n')[0]).toContain('open model at 50/s,');
  });

  it('rehearse: "at 16.7/s (capacity 2000/s)"', () => {
    expect(rehearsalTitle({ blueprint: 'quilldocs', from: 'monolith', rateRps: ODD, capacityRps: MEAN, seconds: 30 }, true)).toBe('Rehearsal of quilldocs from monolith at 16.7/s at first (capacity 2000/s), 30 s');
    expect(rehearsalTitle({ blueprint: 'quilldocs', from: 'monolith', rateRps: 47.3, seconds: 12 }, false)).toBe('Rehearsal of quilldocs from monolith at 47.3/s, 12 s');
  });

  it('simulate and compare headers: a profile mean rate of 2000.002379823026/s reads 2000/s', () => {
    const shop = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    shop: { tables: [], operations: { browse: { route: GET /browse, cpu: 0.1ms } } }
layouts:
  one:
    units: { app: { domains: "*", port: 8080, workers: 8 } }
workload: { rate: 2000/s, mix: { shop.browse: 1 } }
`);
    const r = analyze(shop, 'one', { rate: 2000 });
    r.workload.rate = MEAN;
    expect(renderSimulation(r).split('\n')[0]).toBe('shop · one · 2000/s for 60.0 s · analytic M/M/c network');
    const c = compare(shop, ['one'], { scenarios: [] });
    c.rate = MEAN;
    const text = renderComparison(c);
    expect(text).toContain('p95 at 2000/s, ms');
    expect(text).not.toMatch(/2000\.0\d*\/s/);
  });
});
