// Infinite figures in a report: a layout past saturation (its latencies are unbounded) and an
// operation that does no work on any station (nothing limits its throughput). JSON has no
// Infinity, so these were written as null where the schema wanted a number: the report did not
// parse as a baseline of the next one, and the markdown said "Infinity ms" and "NaN ms faster".
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/report/baseline.js';
import { parseBudgets } from '../../src/report/budget.js';
import { renderReport, runReport } from '../../src/report/run.js';
import { system } from '../simulate/builder.js';

// One unit, one server: a.work takes 10 ms, a.ping nothing at all. Half each: ρ = rate × 5 ms,
// so 100/s is below saturation (ρ 0.5) and 300/s past it (ρ 1.5).
const bp = system({ a: { tables: [], operations: { work: { route: 'GET /work', cpu: '10ms' }, ping: { route: 'GET /ping', cpu: '0ms' } } } }, { ua: { domains: ['a'], port: 8000 } });
const run = (rate: number, extra: Partial<Parameters<typeof runReport>[1]> = {}) =>
  runReport(bp, { file: 'built.yaml', generator: 'archsim test', layouts: ['one'], scenarios: [], loadtests: [], points: 3, rate, ...extra });

describe('unbounded latencies and unlimited throughputs', () => {
  it('JSON: null, and the report parses back as a baseline', () => {
    const json = renderReport('json', run(300));
    const l = JSON.parse(json).layouts[0];
    expect(l.saturation.saturated.station).toBe('ua');
    expect(l.operations.map((o: { id: string; p95Ms: number | null; maxThroughputRps: number | null }) => [o.id, o.p95Ms, o.maxThroughputRps])).toEqual([
      ['a.work', null, 100],
      ['a.ping', 0, null],
    ]);
    const parsed = parseBaseline(json, 'old.json', 'built');
    expect(parsed.ok).toBe(true);
  });

  it('markdown: words, never Infinity or NaN, and the saturation said in the report itself', () => {
    const md = renderReport('md', run(300));
    expect(md).not.toMatch(/Infinity|NaN|undefined/);
    expect(md).toContain('**one**: saturates at 200/s (bottleneck ua), $0 per month.');
    expect(md).toContain('\n| a.work | unbounded | unbounded | unbounded | unbounded | 0 | 100/s |\n');
    expect(md).toContain('⚠️ **one** is past saturation at 300/s: ua at ρ=1.50 (offered load); its latencies are unbounded.');
    expect(md).toMatch(/\n\| a\.ping \| 0 ms \| 0 ms \| 0 ms \| 0 ms \| 0 \| unlimited \|\n/);
  });

  it('markdown: a DES run whose breakers shed the excess says its latencies are bounded, with the share shed', () => {
    const r = run(300);
    const l = r.report.layouts[0]!;
    l.saturation.saturated = { ...l.saturation.saturated!, shed: 0.875 };
    const md = renderReport('md', r);
    expect(md).toContain('⚠️ **one** is past saturation at 300/s: ua at ρ=1.50 (offered load); its excess is shed (88% of requests failed fast), so latencies stay bounded.');
    expect(md).not.toContain('its latencies are unbounded');
  });

  it('baseline: from unbounded to bounded is a change, unbounded both times is none', () => {
    const old = parseBaseline(renderReport('json', run(300)), 'old.json', 'built');
    if (!old.ok) throw new Error('baseline did not parse');
    const same = run(300, { baseline: { file: 'old.json', report: old.report } }).report.baseline!.changes;
    expect(same).toEqual([]);
    const changes = run(100, { baseline: { file: 'old.json', report: old.report } }).report.baseline!.changes;
    const p95 = changes.find((c) => c.figure === 'p95(a.work)')!;
    expect(p95.before).toBeNull();
    expect(p95.delta).toBeNull();
    expect(p95.text).toMatch(/^p95\(a\.work\) unbounded → \d+(\.\d+)? ms$/);
  });

  it('budgets: an unbounded p95 breaks a limit, an unlimited throughput meets one', () => {
    const parsed = parseBudgets('budgets:\n  - p95(a.work) < 100ms\n  - throughput(a.ping) > 1000/s\n', 'b.yaml');
    if (!parsed.ok) throw new Error('budgets did not parse');
    const r = run(300, { budgets: { file: 'b.yaml', parsed: parsed.value } }).report.budgets!.results;
    expect(r.map((x) => [x.pass, x.value, x.text])).toEqual([
      [false, null, 'BROKEN: p95(a.work) < 100ms in one: value unbounded'],
      [true, null, 'ok: throughput(a.ping) > 1000/s in one: value unlimited'],
    ]);
  });
});
