// The markdown report of hand-made report data, compared whole: every section (the side-by-side
// table with a fault scenario and the key operations, budgets, the changes since a baseline, lint,
// the readiness checklist, a load-test summary, a diagram, the collapsed details) and the summary
// line in each of its forms. Pure and in milliseconds: the mutation run of src/report affords it
// for every mutant (a real blueprint's report costs seconds).
//
// The figures are chosen so each wording branch shows: the workload is 75% cart.add, 25% cart.view
// at 50/s. mono's mean of the mix is 0.75 × 10 + 0.25 × 4 = 8.5 ms; split has no cart.view, so its
// mean is cart.add's 12.5 ms (weights of the operations it has only): 4 ms slower. Throughput 480
// / 320 = 1.5×. cart.add is the busiest operation, cart.view saturates first alone in mono (300/s
// against 400/s): both get a "max throughput, … alone" row. Success ≥ 0.99 counts as working:
// 0.99 does, 0.9899 does not.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, summaryLine, summaryPair, weightedMean } from '../../src/report/markdown.js';
import type { LayoutReport, Report } from '../../src/report/schema.js';
import { fullReport, layout, mono, op, split, unit } from './report-data.js';
import { layoutFixture, reportFixture } from './fixture.js';

const FULL = `## archsim: Shop

**split** vs **mono** at 50/s: 4 ms slower per request on average, 1.5× the sustainable throughput (480/s vs 320/s), $65.50 vs $40 per month. ❌ 1 of 3 budgets broken. 2 figures changed since the baseline.

Workload: 50/s of the blueprint's mix. Figures made by hand.

|  | mono | split |
| --- | ---: | ---: |
| cart.add p50 / p95 | 8 ms / 30 ms | 9.25 ms / 35 ms |
| cart.view p50 / p95 | 3 ms / 12 ms | — |
| max throughput (workload mix) | 320/s (app) | 480/s (cart) |
| max throughput, cart.add alone | 400/s | 520/s |
| max throughput, cart.view alone | 300/s | — |
| fault: db-down | 1/2 operations keep working | 1/2 operations keep working |
| fault: cache-down | — | 1/1 operations keep working |
| monthly cost | **$40** | $65.50 |
| cost per million requests | $0.31 | $0.51 |
| lint | 0 errors, 1 warning | 1 error, 0 warnings |

### Budgets

|  | budget | layout | value |
| --- | --- | --- | --- |
| ✅ | \`p95(cart.add) < 40ms\` | mono | 30 ms |
| ❌ | \`cost.monthly < 60 USD\` | split | $65.50 |
| ✅ | \`change(throughput) >= 0\` | split | +160/s |

### Changes since the baseline

| layout | change | cause |
| --- | --- | --- |
| mono | p95(cart.add) 25 ms → 30 ms (+5 ms, +20%) | — |
| split | cost.monthly $40 → $65.50 | unit web added (1 × tiny); cart replicas 1 → 2 |

### Lint

| layout | severity | rule | finding |
| --- | --- | --- | --- |
| mono | warning | no-timeout | app calls db \\| without a timeout |
| split | error | cycle | cart calls web calls cart |

### Readiness checklist

Score **3/8**: Stay with the monolith. First to extract: **cart (cart)**. Answered: Team per domain: yes; On-call: no. Derived from the blueprint: Tables owned: yes (each table one domain); Cycles: no (none).

### Measured (load tests)

| layout | driver | operation | throughput | p50 | p95 | errors |
| --- | --- | --- | ---: | ---: | ---: | ---: |
| mono | k6 | cart.add | 49.6/s | 8.12 ms | 31.3 ms | 2 |

### Layout mono

\`\`\`mermaid
flowchart LR
  app --> db
\`\`\`

<details>
<summary>Details: cost items, utilization, latency per operation</summary>

#### mono

| cost item | count | each | per month |
| --- | ---: | ---: | ---: |
| app | 2 | $20 | $40 |
| **total** |  |  | **$40** |

| station | utilization |
| --- | ---: |
| app | 15.6% |

| operation | mean | p50 | p95 | p99 | hops | max alone |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| cart.add | 10 ms | 8 ms | 30 ms | 45 ms | 0 | 400/s |
| cart.view | 4 ms | 3 ms | 12 ms | 18 ms | 0 | 300/s |

#### split

| cost item | count | each | per month |
| --- | ---: | ---: | ---: |
| cart | 2 | $20 | $40 |
| web | 1 | $25.50 | $25.50 |
| **total** |  |  | **$65.50** |

| station | utilization |
| --- | ---: |
| cart | 10.4% |
| web | 6.3% |

| operation | mean | p50 | p95 | p99 | hops | max alone |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| cart.add | 12.5 ms | 9.25 ms | 35 ms | 52.5 ms | 2 | 520/s |

</details>

<sub>archsim test · blueprint shop.yaml</sub>
`;

describe('the markdown report, whole', () => {
  it('every section of a report with budgets, a baseline, faults, a load test and a diagram', () => {
    // A diagram's trailing blank lines are trimmed; a layout without one gets no section.
    expect(renderMarkdown(fullReport(), { diagrams: { mono: 'flowchart LR\n  app --> db\n\n' } })).toBe(FULL);
  });

  it('a single layout without budgets, baseline, load tests or diagrams: those sections are absent', () => {
    const r = fullReport();
    r.layouts = [mono()];
    r.workload = { rateRps: 50, mix: { 'cart.add': 1 } };
    r.budgets = null;
    r.baseline = null;
    r.loadtests = [];
    r.checklist = { score: 0, of: 8, recommendation: 'Stay', firstToExtract: null, derived: [], answered: [] };
    r.layouts[0]!.lint = { errors: 0, warnings: 0, findings: [{ rule: 'style', severity: 'info', message: 'only informative', where: null }] };
    r.layouts[0]!.faultIsolation = [];
    expect(renderMarkdown(r)).toBe(`## archsim: Shop

**mono**: saturates at 320/s (bottleneck app), $40 per month.

Workload: 50/s of the blueprint's mix. Figures made by hand.

|  | mono |
| --- | ---: |
| cart.add p50 / p95 | 8 ms / 30 ms |
| max throughput (workload mix) | 320/s (app) |
| max throughput, cart.add alone | 400/s |
| monthly cost | $40 |
| cost per million requests | $0.31 |
| lint | 0 errors, 0 warnings |

### Lint

No findings.

### Readiness checklist

Score **0/8**: Stay. Questions the blueprint cannot answer count as no: pass \`--answers\` (as for \`archsim checklist\`) to score them.

<details>
<summary>Details: cost items, utilization, latency per operation</summary>

#### mono

| cost item | count | each | per month |
| --- | ---: | ---: | ---: |
| app | 2 | $20 | $40 |
| **total** |  |  | **$40** |

| station | utilization |
| --- | ---: |
| app | 15.6% |

| operation | mean | p50 | p95 | p99 | hops | max alone |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| cart.add | 10 ms | 8 ms | 30 ms | 45 ms | 0 | 400/s |
| cart.view | 4 ms | 3 ms | 12 ms | 18 ms | 0 | 300/s |

</details>

<sub>archsim test · blueprint shop.yaml</sub>
`);
  });

  it('no checklist, no mix: no checklist section and no "alone" rows', () => {
    const r = fullReport();
    r.layouts = [mono()];
    r.workload = { rateRps: 50, mix: {} };
    r.checklist = null;
    const md = renderMarkdown(r);
    expect(md).not.toContain('Readiness checklist');
    expect(md).not.toContain('max throughput, ');
    expect(md).not.toContain('p50 / p95');
    expect(md).toContain('| max throughput (workload mix) | 320/s (app) |\n| fault: db-down | 1/2 operations keep working |\n| monthly cost | $40 |');
    // A report without layouts still renders its frame.
    r.layouts = [];
    expect(summaryLine(r)).toBe('No layouts.');
  });

  it('the key operations: one row when the busiest also saturates first, ties broken by name', () => {
    const r = fullReport();
    // cart.view now the busiest (and still the heaviest alone in mono): one row.
    r.workload.mix = { 'cart.add': 0.25, 'cart.view': 0.75 };
    let md = renderMarkdown(r);
    expect(md).toContain('| max throughput (workload mix) | 320/s (app) | 480/s (cart) |\n| max throughput, cart.view alone | 300/s | — |\n| fault: db-down |');
    // Equal weights and equal throughput alone: the first by name, both times.
    r.workload.mix = { 'cart.view': 0.5, 'cart.add': 0.5 };
    r.layouts[0]!.operations[1]!.maxThroughputRps = 400;
    md = renderMarkdown(r);
    expect(md).toContain('| max throughput (workload mix) | 320/s (app) | 480/s (cart) |\n| max throughput, cart.add alone | 400/s | 520/s |\n| fault: db-down |');
    // An operation of the mix the first layout lacks counts as never saturating, so the other is heaviest;
    // a layout without the operation has no throughput for it (—, not 0/s).
    r.workload.mix = { 'cart.add': 0.4, 'cart.zap': 0.6 };
    md = renderMarkdown(r);
    expect(md).toContain('| max throughput, cart.zap alone | — | — |\n| max throughput, cart.add alone | 400/s | 520/s |\n| fault: db-down |');
    expect(md).toContain('| cart.zap p50 / p95 | — | — |');
  });
});

describe('the summary line', () => {
  const two = (a: Partial<LayoutReport>, b: Partial<LayoutReport>): Report => {
    const r = fullReport();
    r.layouts = [layout('a', { ...mono(), ...a, name: 'a' }), layout('b', { ...mono(), ...b, name: 'b' })];
    r.workload.mix = { 'cart.add': 1 };
    r.budgets = null;
    r.baseline = null;
    return r;
  };
  const addMean = (meanMs: number) => ({ operations: [op('cart.add', meanMs, 1, 1, 1, 0, 1)] });

  it('faster, slower and the same, with the 0.005 ms bound on both sides', () => {
    expect(summaryLine(two(addMean(10), addMean(7.5)))).toBe('**b** vs **a** at 50/s: 2.5 ms faster per request on average, 1× the sustainable throughput (320/s vs 320/s), $40 vs $40 per month.');
    expect(summaryLine(two(addMean(10), addMean(10.004)))).toMatch(/: the same mean latency, /);
    expect(summaryLine(two(addMean(10), addMean(9.996)))).toMatch(/: the same mean latency, /);
    expect(summaryLine(two(addMean(10), addMean(10.0051)))).toMatch(/: 0.01 ms slower per request on average, /);
    expect(summaryLine(two(addMean(10), addMean(9.9949)))).toMatch(/: 0.01 ms faster per request on average, /);
  });

  it('the throughput ratio to two decimals, and a dash when the first layout sustains nothing', () => {
    const sat = (throughputRps: number) => ({ saturation: { throughputRps, bottleneck: 'app', utilizationAtWorkload: 0 } });
    expect(summaryLine(two(sat(300), sat(1000)))).toContain(', 3.33× the sustainable throughput (1000/s vs 300/s), ');
    expect(summaryLine(two(sat(0), sat(1000)))).toContain(', — the sustainable throughput (1000/s vs 0/s), ');
  });

  it('budgets all met, and one figure changed (singular)', () => {
    const r = fullReport();
    r.budgets!.results = r.budgets!.results.filter((b) => b.pass);
    r.baseline!.changes = r.baseline!.changes.slice(0, 1);
    expect(summaryLine(r).endsWith(' per month. ✅ all 2 budgets met. 1 figure changed since the baseline.')).toBe(true);
    r.baseline!.changes = [];
    expect(summaryLine(r).endsWith(' per month. ✅ all 2 budgets met. 0 figures changed since the baseline.')).toBe(true);
    expect(renderMarkdown(r)).toContain('\n### Changes since the baseline\n\nNo figure changed.\n\n### Lint\n');
  });

  it('the pair: the first layout against the most split one, the later on a tie', () => {
    const r = fullReport();
    const three = layout('three', { structure: { gateway: null, broker: null, units: [unit('x', 1), unit('y', 1)], datastores: [] } });
    const wide = layout('wide', { structure: { gateway: null, broker: null, units: [unit('x', 1), unit('y', 1), unit('z', 1)], datastores: [] } });
    r.layouts = [wide, mono(), split(), three];
    // The first stays the reference even though it has the most units.
    expect(summaryPair(r).map((l) => l.name)).toEqual(['wide', 'three']);
    r.layouts = [mono(), three, split()];
    expect(summaryPair(r).map((l) => l.name)).toEqual(['mono', 'split']);
    r.layouts = [mono(), split(), three, mono()];
    expect(summaryPair(r).map((l) => l.name)).toEqual(['mono', 'three']);
  });

  it('the weighted mean: weights of the operations present, zero without any', () => {
    expect(weightedMean(mono(), { 'cart.add': 0.75, 'cart.view': 0.25 })).toBe(8.5);
    expect(weightedMean(split(), { 'cart.add': 0.75, 'cart.view': 0.25 })).toBe(12.5);
    expect(weightedMean(mono(), { 'cart.add': 2, 'cart.view': 2 })).toBe(7);
    expect(weightedMean(mono(), { other: 1 })).toBe(0);
  });
});

describe('the summary line of two layouts, by hand', () => {
  // messages.send alone in the mix: its mean is the mix's. layoutFixture's is 6.2 ms, saturation 1850/s, $172.
  const two = (b: (l: LayoutReport) => void, a: (l: LayoutReport) => void = () => {}): Report => {
    const first = layoutFixture('mono');
    const second = layoutFixture('micro', { cost: 200 });
    a(first);
    b(second);
    const r = reportFixture(first);
    r.layouts = [first, second];
    return r;
  };
  const send = (l: LayoutReport) => l.operations.find((o) => o.id === 'messages.send')!;

  it('slower, faster or the same mean (within 0.005 ms), and the throughput ratio', () => {
    expect(summaryLine(two((l) => (send(l).meanMs = 8.7)))).toBe('**micro** vs **mono** at 200/s: 2.5 ms slower per request on average, 1× the sustainable throughput (1850/s vs 1850/s), $200 vs $172 per month.');
    expect(summaryLine(two((l) => (send(l).meanMs = 5.2)))).toBe('**micro** vs **mono** at 200/s: 1 ms faster per request on average, 1× the sustainable throughput (1850/s vs 1850/s), $200 vs $172 per month.');
    expect(summaryLine(two((l) => (send(l).meanMs = 6.204)))).toContain(': the same mean latency, ');
    expect(summaryLine(two((l) => (send(l).meanMs = 6.206)))).toContain(': 0.01 ms slower per request on average, ');
    expect(summaryLine(two((l) => (l.saturation.throughputRps = 3700)))).toContain(', 2× the sustainable throughput (3700/s vs 1850/s), ');
  });

  it('a mean past saturation is unbounded, said by name; no ratio against an unlimited or a zero throughput', () => {
    expect(summaryLine(two((l) => (send(l).meanMs = null)))).toBe('**micro** vs **mono** at 200/s: mean latency unbounded in **micro** (past saturation), 1× the sustainable throughput (1850/s vs 1850/s), $200 vs $172 per month.');
    expect(summaryLine(two((l) => (send(l).meanMs = null), (l) => (send(l).meanMs = null)))).toContain(': mean latency unbounded in **mono** and **micro** (past saturation), ');
    // no station limits it (null): no ratio, the throughput unbounded
    expect(summaryLine(two((l) => (l.saturation.throughputRps = null)))).toContain(', — the sustainable throughput (unlimited vs 1850/s), ');
    expect(summaryLine(two(() => {}, (l) => (l.saturation.throughputRps = null)))).toContain(', — the sustainable throughput (1850/s vs unlimited), ');
    expect(summaryLine(two(() => {}, (l) => (l.saturation.throughputRps = 0)))).toContain(', — the sustainable throughput (1850/s vs 0/s), ');
  });
});
