// How reports and comparisons read: the pair the summary compares, what is bold, plurals, signs,
// undefined figures and where hop costs come from. Pure: built from an inline blueprint.
import { describe, expect, it } from 'vitest';
import { renderComparison, renderSimulation } from '../../src/cli/render-sim.js';
import { collect } from '../../src/report/collect.js';
import { renderMarkdown, summaryLine } from '../../src/report/markdown.js';
import { analyze } from '../../src/simulate/analytic.js';
import { compare } from '../../src/simulate/compare.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from '../simulate/helpers.js';

// Three layouts, the most split one in the middle: the summary must pick it, not the last.
const SHOP = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop, title: A shop }
system:
  domains:
    web: { operations: { home: { route: GET /, cpu: 1ms, calls: [cart.get] } } }
    cart: { tables: [carts], operations: { get: { internal: true, cpu: 0.5ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
  split:
    units:
      web-svc: { domains: [web], port: 8080, instance: box, workers: 4 }
      cart-svc: { domains: [cart], port: 8081, instance: box }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
  mono-twin:
    units: { app: { domains: "*", port: 8080, instance: box } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 20/s, mix: { web.home: 1 } }
catalog:
  box: { vcpu: 4, usdPerMonth: $10 }
`);

describe('report wording', () => {
  // Built inside each test, not while the file loads: a mutation run (npm run mutate) switches a
  // mutant on when the tests start, so figures computed at collection would never see it.
  const three = () => collect(SHOP, { file: 'shop.yaml', generator: 'test', layouts: ['mono', 'split', 'mono-twin'], scenarios: [], loadtests: [] }).report;

  it('the summary compares the first layout with the most split one, not the last', () => {
    expect(summaryLine(three())).toMatch(/^\*\*split\*\* vs \*\*mono\*\* at 20\/s: [0-9.]+ ms slower per request on average/);
  });

  it('only the cheapest monthly cost is bold; none when all cost the same', () => {
    expect(renderMarkdown(three())).toMatch(/\| monthly cost \| \*\*\$20\*\* \| \$30 \| \*\*\$20\*\* \|/);
    const same = collect(SHOP, { file: 'shop.yaml', generator: 'test', layouts: ['mono', 'mono-twin'], scenarios: [], loadtests: [] }).report;
    expect(renderMarkdown(same)).toMatch(/\| monthly cost \| \$20 \| \$20 \|/);
    expect(summaryLine(same)).toMatch(/the same mean latency/);
  });

  it('"1 error", "0 warnings": plurals agree', () => {
    const r = three();
    r.layouts[0]!.lint.errors = 1;
    r.layouts[0]!.lint.warnings = 1;
    const text = renderMarkdown(r);
    expect(text).toContain('| lint | 1 error, 1 warning | 0 errors, 0 warnings |');
    expect(text).not.toMatch(/\b1 errors\b|\b1 warnings\b/);
  });
});

describe('compare and simulate wording', () => {
  it('no "-0.00" difference, and the Δ column says what minus what', () => {
    const c = compare(SHOP, ['mono', 'mono-twin']);
    const text = renderComparison(c);
    expect(text).toContain('Δ mono-twin − mono');
    expect(text).not.toMatch(/[-−+]0\.00/);
    expect(text).toMatch(/web\.home\s+[0-9.]+\s+[0-9.]+\s+0\s/);
  });

  it('the hop-cost note says the figures are defaults when the layout declares no network, and workers are workers', () => {
    const c = compare(SHOP, ['mono', 'split']);
    expect(c.notes.join('\n')).toMatch(/hop cost in split: .*\(archsim's defaults; set layouts\.split\.network to change them\)/);
    expect(c.notes.join('\n')).not.toMatch(/hop cost in mono/);
    // web-svc has 4 workers and 1 replica: said as such, not "4 replica".
    const why = c.operations[0]!.causes.join('; ');
    expect(why).toContain('4 workers vs 1 replica (web-svc vs app)');
  });

  it('Little’s law is "not defined" for an overloaded system, not "L=- vs λW=- (0.0% apart)"', () => {
    const r = analyze(SHOP, 'mono', { rate: 1e6 });
    const text = renderSimulation(r);
    expect(text).toContain('Little: not defined (overloaded: no steady state)');
    expect(text).not.toMatch(/L=- vs/);
    expect(renderSimulation(analyze(SHOP, 'mono', { rate: 10 }))).toMatch(/Little: L=[0-9.]+ vs λW=[0-9.]+/);
  });

  it('a saturated DES run (finite figures for its window, a line that grows) has no Little check either', () => {
    const saturation = analyze(SHOP, 'mono', { rate: 10 }).saturationThroughput;
    const over = simulate(SHOP, 'mono', { method: 'des', rate: saturation * 1.5, duration: 5_000, seed: 2 });
    expect(over.saturated?.by).toBeDefined();
    expect(Number.isFinite(over.littleCheck.meanInSystem)).toBe(true);
    expect(renderSimulation(over)).toContain('Little: not defined (overloaded: no steady state)');
    const under = simulate(SHOP, 'mono', { method: 'des', rate: saturation * 0.5, duration: 5_000, seed: 2 });
    expect(under.saturated).toBeUndefined();
    expect(renderSimulation(under)).toMatch(/Little: L=[0-9.]+ vs λW=[0-9.]+ \([0-9.]+% apart\)/);
  });
});
