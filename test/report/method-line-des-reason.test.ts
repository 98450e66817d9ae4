// The method line gives each DES layout's own reason, and the run it made. It said of every
// layout taken from the DES "a station there is revisited by one request at ρ ≥ 0.7", where the
// layout's reason was the event work its requests bring (fixtures/event-work.yaml: pg at 45%,
// two thirds of its work from audit events in the same unit), and the seed, requests and
// replications were on stderr only. Now in the method line (markdown, HTML) and `desRuns` (JSON).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { layoutMethods, parseBaseline } from '../../src/report/baseline.js';
import { renderReport, runReport } from '../../src/report/run.js';

const FILE = join(import.meta.dirname, 'fixtures', 'event-work.yaml');
const REASON = 'pg runs work mostly from events the requests there emit, which arrives with the request that emits it, where the analytic method counts it as independent and understates the waits (−15% to −22% on the mean)';
const METHOD = `Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation); at 400/s in mono from seeded discrete-event runs instead (${REASON}; the load curves stay analytic). Discrete-event runs for the figures at the rate: mono 60000 simulated requests in 3 replications, seed 1.`;

function run() {
  const r = parseBlueprint(readFileSync(FILE, 'utf8'), 'event-work.yaml');
  if (!r.ok) throw new Error('did not parse');
  return runReport(r.blueprint, { file: 'event-work.yaml', generator: 'archsim test', layouts: ['mono'], scenarios: [], loadtests: [], points: 2 });
}

describe('the method line of a layout from the DES', () => {
  const r = run();

  it('gives the layout’s own reason and the run (seed, requests, replications)', () => {
    expect(r.report.method).toBe(METHOD);
    expect(r.report.method).not.toContain('revisited');
  });

  it('the markdown (and so the HTML) shows it under the workload', () => {
    expect(renderReport('md', r)).toContain(`\nWorkload: 400/s of the blueprint's mix. ${METHOD}\n`);
    expect(renderReport('html', r)).toContain('mono 60000 simulated requests in 3 replications, seed 1.');
  });

  it('the JSON has the run beside the method line', () => {
    const json = JSON.parse(renderReport('json', r)) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 5)).toEqual(['schemaVersion', 'generator', 'blueprint', 'method', 'desRuns']);
    expect(json.desRuns).toEqual([{ layout: 'mono', figures: 'at the rate', reason: REASON, requests: 60000, replications: 3, seed: 1 }]);
    // and reads back as a baseline, the runs and the operations' breakdowns kept
    const back = parseBaseline(renderReport('json', r), 'report.json', 'posts');
    expect(back.ok && back.report.desRuns).toEqual(json.desRuns);
    expect(back.ok && back.report.layouts[0]!.operations[0]).toEqual(r.report.layouts[0]!.operations[0]);
  });

  it('a baseline still reads the layout’s method from it, and from the line of before', () => {
    expect(layoutMethods(METHOD)!('mono')).toBe('des');
    const before = 'Latencies and throughputs from the analytic queueing model (exact means for the M/M/c network, percentiles by a gamma approximation); at 400/s in mono from seeded discrete-event runs instead (a station there is revisited by one request at ρ ≥ 0.7, where the analytic revisit model is least accurate; the load curves stay analytic).';
    expect(layoutMethods(before)!('mono')).toBe('des');
  });
});
