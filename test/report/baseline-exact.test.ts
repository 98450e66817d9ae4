// Baseline diffs, the parts baseline.test.ts leaves open: a baseline of another blueprint, the
// bounds (a millionth, 0.1%), new figures, and which structural cause explains which figure (the
// operation's units before and after, hop changes of other operations on shared units, throughput,
// utilization and replicas). Hand-made layouts (fixture.ts), milliseconds.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { diffReports, parseBaseline } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

const report = (l: ReturnType<typeof layoutFixture>): Report => reportFixture(l);

const causesOf = (b: ReturnType<typeof layoutFixture>, a: ReturnType<typeof layoutFixture>, figure: string) => diffReports(report(b), report(a)).find((c) => c.figure === figure)?.causes;

describe('parseBaseline', () => {
  it('accepts a report of the same blueprint and refuses one of another, naming both (the old name cut at 80)', () => {
    const text = JSON.stringify(report(layoutFixture()));
    const same = parseBaseline(text, 'old.json', 'q');
    expect(same.ok && same.report.blueprint.name).toBe('q');
    const unchecked = parseBaseline(text, 'old.json');
    expect(unchecked.ok && unchecked.report.layouts[0]!.name).toBe('microservices');
    const other = parseBaseline(text, 'old.json', 'shop');
    expect(other.ok).toBe(false);
    if (other.ok) return;
    expect(other.errors.map(formatDiagnostic)).toEqual([
      // Column 67: where "q" starts in {"schemaVersion":1,"generator":"archsim test","blueprint":{"name":"q"
      'old.json:1:67: blueprint.name: this baseline is a report of blueprint "q", not of "shop"; a baseline must be an earlier report of the same blueprint',
    ]);
    const long = { ...report(layoutFixture()), blueprint: { name: 'x'.repeat(100), title: 'X', file: 'x.yaml' } };
    const cut = parseBaseline(JSON.stringify(long), 'old.json', 'q');
    expect(!cut.ok && cut.errors[0]!.message).toBe(`this baseline is a report of blueprint "${'x'.repeat(80)}", not of "q"; a baseline must be an earlier report of the same blueprint`);
    // Not a report at all: the schema's error, whatever the blueprint.
    const bad = parseBaseline('{"schemaVersion": 1}', 'old.json', 'q');
    expect(bad.ok).toBe(false);
  });
});

describe('diff bounds and wording', () => {
  it('a change of exactly a millionth of max(1, |before|) is no change', () => {
    expect(diffReports(report(layoutFixture('microservices', { cost: 0 })), report(layoutFixture('microservices', { cost: 1e-6 })))).toEqual([]);
  });

  it('0.1% prints as 0.1%, below it as <0.1%', () => {
    expect(diffReports(report(layoutFixture('microservices', { cost: 1000 })), report(layoutFixture('microservices', { cost: 1001 }))).map((c) => c.text)).toEqual(['cost.monthly +$1 (+0.1%)']);
    expect(diffReports(report(layoutFixture('microservices', { cost: 1000 })), report(layoutFixture('microservices', { cost: 1000.5 }))).map((c) => c.text)).toEqual(['cost.monthly +$0.50 (+<0.1%)']);
  });

  it('a figure the baseline lacks is new, with no before value and its causes', () => {
    const a = layoutFixture();
    a.operations.push({ id: 'media.get', route: null, meanMs: 3, p50Ms: 2, p95Ms: 9, p99Ms: 12, hops: 1, units: ['auth-service'], maxThroughputRps: 500 });
    const changes = diffReports(report(layoutFixture()), report(a));
    expect(changes.map((c) => c.text)).toEqual(['mean(media.get) is new', 'p50(media.get) is new', 'p95(media.get) is new', 'p99(media.get) is new', 'throughput(media.get) is new', 'hops(media.get) is new']);
    expect(changes[0]).toEqual({ layout: 'microservices', figure: 'mean(media.get)', before: null, after: 3, delta: null, pct: null, unit: 'ms', text: 'mean(media.get) is new', causes: [] });
  });

  it('hop causes: singular and plural, added and removed', () => {
    expect(causesOf(layoutFixture(), layoutFixture('microservices', { hops: 5 }), 'hops(messages.send)')).toEqual(['messages.send: 2 network hops added (3 → 5)']);
    expect(causesOf(layoutFixture(), layoutFixture('microservices', { hops: 4 }), 'hops(messages.send)')).toEqual(['messages.send: 1 network hop added (3 → 4)']);
    expect(causesOf(layoutFixture(), layoutFixture('microservices', { hops: 1 }), 'hops(messages.send)')).toEqual(['messages.send: 2 network hops removed (3 → 1)']);
  });

  it('datastore instances: none on either side', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { cost: 160 });
    a.structure.datastores = [{ ...a.structure.datastores[0]!, instance: null }];
    expect(causesOf(b, a, 'cost.monthly')).toEqual(['datastore message-db instance pg-10usd → none']);
    expect(causesOf(a, b, 'cost.monthly')).toEqual(['datastore message-db instance none → pg-10usd']);
  });
});

describe('which cause explains which figure', () => {
  it('every latency figure of an operation is explained by changes to its units, not by other units', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { replicas: 4 });
    a.operations[0] = { ...a.operations[0]!, meanMs: 6, p50Ms: 5, p99Ms: 20 };
    a.operations[1] = { ...a.operations[1]!, meanMs: 4.5, p95Ms: 11 };
    const changes = diffReports(report(b), report(a));
    for (const f of ['mean(messages.send)', 'p50(messages.send)', 'p99(messages.send)']) expect([f, changes.find((c) => c.figure === f)!.causes]).toEqual([f, ['message-service replicas 3 → 4']]);
    // auth.login runs on auth-service only: message-service's replicas do not explain it.
    expect(changes.find((c) => c.figure === 'mean(auth.login)')!.causes).toEqual([]);
    expect(changes.find((c) => c.figure === 'p95(auth.login)')!.causes).toEqual([]);
  });

  it("an operation's units after and before both count: a unit it now passes, and one it passed", () => {
    const b = layoutFixture();
    const a = layoutFixture();
    a.structure.units.push({ name: 'relay-service', replicas: 2, instance: 'svc-512mb', domains: ['relay'] });
    a.structure.units[0] = { ...a.structure.units[0]!, replicas: 3 };
    // auth.login now passes relay-service instead of auth-service.
    a.operations[1] = { ...a.operations[1]!, p95Ms: 12, units: ['relay-service'] };
    expect(causesOf(b, a, 'p95(auth.login)')).toEqual(['auth-service replicas 2 → 3', 'unit relay-service added (2 × svc-512mb)']);
    // Gone from the report: explained by the units it passed before.
    const gone = layoutFixture();
    gone.operations = gone.operations.filter((o) => o.id !== 'auth.login');
    gone.structure.units[0] = { ...gone.structure.units[0]!, replicas: 3 };
    gone.structure.units[1] = { ...gone.structure.units[1]!, replicas: 4 };
    expect(causesOf(b, gone, 'p95(auth.login)')).toEqual(['auth-service replicas 2 → 3']);
  });

  it("another operation's added hop on a shared unit is more load there", () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { hops: 4 });
    a.operations[1] = { ...a.operations[1]!, p95Ms: 11 };
    expect(causesOf(b, a, 'p95(auth.login)')).toEqual(['more load on shared units: messages.send: 1 network hop added (3 → 4)']);
    expect(causesOf(b, a, 'p95(messages.send)')).toBeUndefined();
    expect(causesOf(b, a, 'hops(messages.send)')).toEqual(['messages.send: 1 network hop added (3 → 4)']);
  });

  it('throughput of the mix: costly and hop causes, not a domain move; the bottleneck only when it moved', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { replicas: 4 });
    a.structure.units[0] = { ...a.structure.units[0]!, domains: ['auth', 'users'] };
    a.saturation = { ...a.saturation, throughputRps: 2000 };
    expect(causesOf(b, a, 'throughput')).toEqual(['message-service replicas 3 → 4']);
  });

  it('utilization: the causes on that station, a hop cause counting when any of its units is the station', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { replicas: 4, hops: 4 });
    a.stations = [
      { id: 'auth-service', utilization: 0.13 },
      { id: 'message-service', utilization: 0.16 },
    ];
    expect(causesOf(b, a, 'utilization(auth-service)')).toEqual(['messages.send: 1 network hop added (3 → 4)']);
    expect(causesOf(b, a, 'utilization(message-service)')).toEqual(['message-service replicas 3 → 4', 'messages.send: 1 network hop added (3 → 4)']);
    // A figure of no family with structural causes around: none of them.
    a.lint.errors = 1;
    expect(causesOf(b, a, 'lint.errors')).toEqual([]);
  });

  it('replicas: only that unit’s causes', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { replicas: 4 });
    a.structure.units[0] = { ...a.structure.units[0]!, instance: 'svc-1gb' };
    expect(causesOf(b, a, 'replicas(message-service)')).toEqual(['message-service replicas 3 → 4']);
  });

  it('two domains moved in one go are named together; a unit’s thread pool (its station) is on the path', () => {
    const b = layoutFixture();
    // both domains were the baseline's (in message-service): only a domain it had can move
    b.structure.units[1] = { ...b.structure.units[1]!, domains: ['messages', 'users', 'relay'] };
    b.stations.push({ id: 'auth-service (thread pool)', utilization: 0.1 });
    const a = layoutFixture();
    a.structure.units[0] = { ...a.structure.units[0]!, domains: ['auth', 'users', 'relay'] };
    a.stations.push({ id: 'auth-service (thread pool)', utilization: 0.2 });
    a.operations[1] = { ...a.operations[1]!, p95Ms: 11 };
    expect(causesOf(b, a, 'p95(auth.login)')).toEqual(['users, relay moved into auth-service', 'utilization of auth-service (thread pool) 10% → 20%']);
  });
});
