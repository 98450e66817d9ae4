// The fault-isolation row of a failure during which an operation's requests were sent and none
// of them finished before the run ended: that operation counts as 0% success and is listed
// (it was left out of both columns and of the JSON `success` map: "ingest.push 0.0%,
// alerts.list 0.0%" of a layout with 3 operations, ingest.batch in neither), its unfinished
// requests are in `unfinished`, and a note says its 0% is that. An operation with no request in
// the window at all stays out of `success`.
import { describe, expect, it } from 'vitest';
import { renderFaults } from '../../src/cli/render-sim.js';
import { compare } from '../../src/simulate/compare.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

// Two 1 ms operations on one single-server unit at 20/s; from 10 s to the end of the 20 s run the
// unit is slowed ×100000 (100 s a request): nothing sent then finishes.
const SYS = () =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: stuck }
system:
  domains:
    a:
      tables: []
      operations:
        fast: { route: GET /fast, cpu: { dist: const, mean: 1ms } }
        other: { route: GET /other, cpu: { dist: const, mean: 1ms } }
layouts:
  one:
    units: { ua: { domains: "*", port: 8000 } }
workload: { rate: 20/s, duration: 20s, warmup: 1s, mix: { a.fast: 3, a.other: 1 } }
`);
const scenario = () => {
  const s = parseScenario(['name: stuck', 'failures:', '  - { description: ua stuck, unit: ua, at: 10s, for: 10s, slow: 100000 }', ''].join('\n'), 'stuck.yaml');
  if (!s.ok) throw new Error('scenario did not parse');
  return s.scenario;
};

describe('fault isolation: an operation none of whose requests finished', () => {
  it('is 0% success and listed, with its unfinished requests, and no p95; the row says "none succeeded"', () => {
    const r = simulate(SYS(), 'one', { scenario: scenario(), seed: 1 });
    const row = r.faults![0]!;
    expect(row.success).toEqual({ 'a.fast': 0, 'a.other': 0 });
    expect(row.p95).toEqual({});
    expect(row.overall).toBe(0);
    // every request sent in the 10 s window (about 20/s × 10 s) is still queued
    expect(Object.keys(row.unfinished!)).toEqual(['a.fast', 'a.other']);
    const sent = row.unfinished!['a.fast']! + row.unfinished!['a.other']!;
    expect(sent).toBeGreaterThan(150);
    expect(sent).toBeLessThan(250);
    expect(renderFaults(r.faults!).split('\n')[2]).toBe('ua stuck  one        0.0%  none succeeded  none           a.fast 0.0%, a.other 0.0%');
    expect(r.warnings.filter((w) => w.startsWith('ua stuck'))).toEqual([
      `ua stuck in one: none of the ${row.unfinished!['a.fast']} a.fast requests sent during it finished before the run ended (still queued): counted as 0% success`,
      `ua stuck in one: none of the ${row.unfinished!['a.other']} a.other requests sent during it finished before the run ended (still queued): counted as 0% success`,
    ]);
  });

  it('compare lists it in its fault row and JSON and says so in a note', () => {
    const c = compare(SYS(), ['one'], { scenarios: [scenario()] });
    const row = c.faultIsolation[0]!;
    expect(row.failure).toBe('stuck: ua stuck');
    expect(Object.keys(row.success)).toEqual(['a.fast', 'a.other']);
    expect(c.notes.filter((n) => n.startsWith('stuck: ua stuck in one: none of the'))).toHaveLength(2);
  });

  it('a failure with requests that did finish keeps its figures and has no `unfinished`', () => {
    const s = parseScenario(['name: brief', 'failures:', '  - { description: ua slow, unit: ua, at: 5s, for: 2s, slow: 2 }', ''].join('\n'), 'brief.yaml');
    if (!s.ok) throw new Error('scenario did not parse');
    const row = simulate(SYS(), 'one', { scenario: s.scenario, seed: 1 }).faults![0]!;
    expect(row.success).toEqual({ 'a.fast': 1, 'a.other': 1 });
    expect(Object.keys(row.p95)).toEqual(['a.fast', 'a.other']);
    expect(row.unfinished).toBeUndefined();
  });
});
