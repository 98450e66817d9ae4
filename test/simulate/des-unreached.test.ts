// What a DES run did not reach is said, not shown as a figure: a failure window that starts after
// the run (its fault row has no request, so nothing "survived" it), and an operation none of
// whose requests finished in the measured window (no latency, not 0 ms).
import { describe, expect, it } from 'vitest';
import { renderFaults, renderSimulation } from '../../src/cli/render-sim.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const BP = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: edges }
system:
  domains:
    a:
      tables: [t]
      operations:
        x: { route: GET /x, cpu: 2ms, db: { reads: 1 } }
        rare: { route: GET /rare, cpu: 2ms }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: vm } }
    datastores: { db: { engine: postgres, instance: vm, tables: "*" } }
workload: { rate: 1/s, duration: 20s, mix: { a.x: 1000, a.rare: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $6 }
`);

describe('a failure window after the run', () => {
  const sc = parseScenario(['name: late', 'failures:', '  - { description: late failure, domain: a, at: 500s, for: 10s }'].join('\n'), 'late.yaml');
  if (!sc.ok) throw new Error(JSON.stringify(sc.errors));

  it('is said to have never happened, and its row shows no survival', () => {
    const r = simulate(BP, 'mono', { seed: 1, scenario: sc.scenario, mix: { 'a.x': 1 } });
    expect(r.warnings).toContain('scenario: "late failure" starts at 500 s, after the run\'s 20 s: it never happened (its row has no requests); lengthen the run (--duration) or move it');
    expect(r.faults).toHaveLength(1);
    const table = renderFaults(r.faults!);
    expect(table.split('\n').at(-1)!.split(/\s{2,}/)).toEqual(['late failure', 'mono', '–', 'no requests', '–', '–']);
  });

  it('one that starts exactly as the run ends never happened either', () => {
    const atEnd = parseScenario(['name: end', 'failures:', '  - { description: end failure, domain: a, at: 20s, for: 5s }'].join('\n'), 'end.yaml');
    if (!atEnd.ok) throw new Error(JSON.stringify(atEnd.errors));
    const r = simulate(BP, 'mono', { seed: 1, scenario: atEnd.scenario, mix: { 'a.x': 1 } });
    expect(r.warnings).toContain('scenario: "end failure" starts at 20 s, after the run\'s 20 s: it never happened (its row has no requests); lengthen the run (--duration) or move it');
  });

  it('a window inside the run is not flagged', () => {
    const inside = parseScenario(['name: early', 'failures:', '  - { description: early failure, domain: a, at: 5s, for: 5s }'].join('\n'), 'early.yaml');
    if (!inside.ok) throw new Error(JSON.stringify(inside.errors));
    const r = simulate(BP, 'mono', { seed: 1, scenario: inside.scenario, mix: { 'a.x': 1 } });
    expect(r.warnings.filter((w) => w.includes('never happened'))).toEqual([]);
  });
});

describe('an operation with no finished request in the window', () => {
  it('is named in a warning, and the table shows – for its latencies, not 0.00', () => {
    // 20 requests at 1/s, one in 1001 of them a.rare: seed 1 sends none
    const r = simulate(BP, 'mono', { seed: 1 });
    const rare = r.operations.find((o) => o.id === 'a.rare')!;
    expect(rare.count).toBe(0);
    expect(r.warnings).toContain('a.rare: no request finished in the measured window (20 s at this rate and mix), so its latencies are not measured; run longer (--duration) for it');
    const row = renderSimulation(r).split('\n').find((l) => l.startsWith('a.rare'))!;
    expect(row.split(/\s+/)).toEqual(['a.rare', '0', '0.0', '–', '–', '–', '–', '–', '–', '0']);
    // the measured operation is not named
    expect(r.warnings.some((w) => w.startsWith('a.x'))).toBe(false);
  });

  it('an operation the mix leaves out is not named: it was never asked for', () => {
    const r = simulate(BP, 'mono', { seed: 1, mix: { 'a.x': 1 } });
    expect(r.operations.find((o) => o.id === 'a.rare')?.count ?? 0).toBe(0);
    expect(r.warnings.filter((w) => w.includes('no request finished'))).toEqual([]);
  });

  it('several are named together, and the window is the measured one (the warm-up left out)', () => {
    const two = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: edges2 }
system:
  domains:
    a:
      operations:
        x: { route: GET /x, cpu: 2ms }
        rare: { route: GET /rare, cpu: 2ms }
        rarer: { route: GET /rarer, cpu: 2ms }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: vm } }
workload: { rate: 1/s, duration: 20s, warmup: 5s, mix: { a.x: 2000, a.rare: 1, a.rarer: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $6 }
`);
    const r = simulate(two, 'mono', { seed: 1 });
    expect(r.warnings).toContain('a.rare, a.rarer: no request finished in the measured window (15 s at this rate and mix), so their latencies are not measured; run longer (--duration) for them');
  });
});
