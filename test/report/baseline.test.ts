import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { diffReports, parseBaseline } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

const report = (l: ReturnType<typeof layoutFixture>): Report => reportFixture(l);

describe('baseline diffs', () => {
  it('lists each changed figure with its delta and cause, and nothing else', () => {
    const before = report(layoutFixture());
    const after = report(layoutFixture('microservices', { replicas: 4, hops: 4, p95: 16.8, cost: 178 }));
    const changes = diffReports(before, after);
    expect(changes.map((c) => c.text)).toEqual([
      'cost.monthly +$6 (+3.5%)',
      'p95(messages.send) +2 ms (+13.5%)',
      'hops(messages.send) +1 (+33.3%)',
      'replicas(message-service) +1 (+33.3%)',
    ]);
    expect(changes[0]!.causes).toEqual(['message-service replicas 3 → 4']);
    expect(changes[1]!.causes).toEqual(['messages.send: 1 network hop added (3 → 4)', 'message-service replicas 3 → 4']);
  });

  it('reads a baseline with positioned errors', () => {
    const r = parseBaseline('{\n  "schemaVersion": 1,\n  "generator": 3\n}\n', 'old.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatDiagnostic(r.errors[0]!)).toMatch(/^old\.json:\d+:\d+: /);
    const ok = parseBaseline(JSON.stringify(report(layoutFixture())), 'old.json');
    expect(ok.ok).toBe(true);
  });
});

describe('baseline removals', () => {
  it('lists every figure of a removed operation and unit as "… is gone", with no after value', () => {
    const before = report(layoutFixture());
    const l = layoutFixture();
    l.operations = l.operations.filter((o) => o.id !== 'auth.login');
    l.structure.units = l.structure.units.filter((u) => u.name !== 'auth-service');
    l.stations = l.stations.filter((s) => s.id !== 'auth-service');
    const changes = diffReports(before, report(l));
    expect(changes.map((c) => c.text)).toEqual([
      'mean(auth.login) is gone',
      'p50(auth.login) is gone',
      'p95(auth.login) is gone',
      'p99(auth.login) is gone',
      'throughput(auth.login) is gone',
      'hops(auth.login) is gone',
      'utilization(auth-service) is gone',
      'replicas(auth-service) is gone',
    ]);
    expect(changes.find((c) => c.figure === 'p95(auth.login)')).toEqual({
      layout: 'microservices',
      figure: 'p95(auth.login)',
      before: 10.2,
      after: null,
      delta: null,
      pct: null,
      unit: 'ms',
      text: 'p95(auth.login) is gone',
      causes: ['unit auth-service removed'],
    });
    expect(changes.find((c) => c.figure === 'replicas(auth-service)')!.causes).toEqual(['unit auth-service removed']);
  });

  it('names a layout that is gone and one that is new', () => {
    const changes = diffReports(report(layoutFixture('monolith')), report(layoutFixture('microservices')));
    expect(changes.map((c) => c.text)).toEqual(['layout microservices added', 'layout monolith removed']);
    expect(changes.map((c) => c.layout)).toEqual(['microservices', 'monolith']);
  });
});

describe('baseline causes and percentages', () => {
  it('prints tiny and negative changes with their sign', () => {
    const changes = diffReports(report(layoutFixture()), report(layoutFixture('microservices', { cost: 172.1 })));
    expect(changes.map((c) => c.text)).toEqual(['cost.monthly +$0.10 (+<0.1%)']);
    expect(changes[0]!.pct).toBe(0.06);
    const down = diffReports(report(layoutFixture()), report(layoutFixture('microservices', { cost: 150, hops: 2 })));
    expect(down.map((c) => c.text)).toEqual(['cost.monthly −$22 (−12.8%)', 'hops(messages.send) −1 (−33.3%)']);
    expect(down[0]).toMatchObject({ before: 172, after: 150, delta: -22, pct: -12.79 });
    expect(down[1]!.causes).toEqual(['messages.send: 1 network hop removed (3 → 2)']);
  });

  it('ignores changes within a millionth, and reports one just above', () => {
    expect(diffReports(report(layoutFixture()), report(layoutFixture('microservices', { cost: 172 + 172e-7 })))).toEqual([]);
    expect(diffReports(report(layoutFixture()), report(layoutFixture('microservices', { cost: 172 + 172e-5 }))).map((c) => c.figure)).toEqual(['cost.monthly']);
  });

  it('a figure that was 0 has no percentage', () => {
    const b = layoutFixture();
    const a = layoutFixture();
    a.lint.errors = 2;
    const changes = diffReports(report(b), report(a));
    expect(changes).toEqual([{ layout: 'microservices', figure: 'lint.errors', before: 0, after: 2, delta: 2, pct: null, unit: 'count', text: 'lint.errors +2', causes: [] }]);
  });

  it('names structural causes: instances, moved domains, datastores, gateway, broker, new units', () => {
    const b = layoutFixture();
    // users was the baseline's (in message-service): it moved
    b.structure.units[1] = { ...b.structure.units[1]!, domains: ['messages', 'users'] };
    const a = layoutFixture('microservices', { cost: 200 });
    a.structure.units[0] = { ...a.structure.units[0]!, instance: 'svc-1gb', domains: ['auth', 'users'] };
    a.structure.units.push({ name: 'relay-service', replicas: 2, instance: 'svc-512mb', domains: ['relay'] });
    a.structure.datastores = [{ name: 'message-db', engine: 'postgres', instance: 'pg-20usd', tables: ['messages'] }, { name: 'cache', engine: 'redis', instance: null, tables: [] }] as typeof a.structure.datastores;
    a.structure.gateway = null;
    a.structure.broker = null;
    const cost = diffReports(report(b), report(a)).find((c) => c.figure === 'cost.monthly')!;
    expect(cost.causes).toEqual([
      'auth-service instance svc-512mb → svc-1gb',
      'unit relay-service added (2 × svc-512mb)',
      'datastore message-db instance pg-10usd → pg-20usd',
      'datastore cache added',
      'gateway removed',
      'broker removed',
    ]);
    // The domain move is not a cost cause, but explains a latency change of an operation on the unit.
    a.operations[1] = { ...a.operations[1]!, p95Ms: 11 };
    const p95 = diffReports(report(b), report(a)).find((c) => c.figure === 'p95(auth.login)')!;
    expect(p95.causes).toEqual(['auth-service instance svc-512mb → svc-1gb', 'users moved into auth-service']);
    const back = diffReports(report(a), report(b)).find((c) => c.figure === 'cost.monthly')!;
    expect(back.causes).toEqual(['auth-service instance svc-1gb → svc-512mb', 'unit relay-service removed', 'datastore message-db instance pg-20usd → pg-10usd', 'datastore cache removed', 'gateway kong added', 'broker rabbitmq added']);
  });

  it('explains throughput by the bottleneck and latency by the utilization of the units on the path', () => {
    const b = layoutFixture();
    const a = layoutFixture('microservices', { replicas: 4, p95: 13 });
    a.saturation = { ...a.saturation, throughputRps: 2000, bottleneck: 'auth-service' };
    a.stations = [{ id: 'auth-service', utilization: 0.12 }, { id: 'message-service', utilization: 0.158 }];
    const changes = diffReports(report(b), report(a));
    expect(changes.find((c) => c.figure === 'throughput')!.causes).toEqual(['bottleneck message-service → auth-service', 'message-service replicas 3 → 4']);
    expect(changes.find((c) => c.figure === 'p95(messages.send)')!.causes).toEqual(['message-service replicas 3 → 4', 'utilization of message-service 21% → 15.8%']);
    expect(changes.find((c) => c.figure === 'utilization(message-service)')!.causes).toEqual(['message-service replicas 3 → 4']);
    expect(changes.find((c) => c.figure === 'replicas(message-service)')!.causes).toEqual(['message-service replicas 3 → 4']);
  });
});

describe('layouts added and removed', () => {
  it('gives the whole entry, and keeps a layout that moved in the list', () => {
    const changes = diffReports(report(layoutFixture('monolith')), report(layoutFixture('microservices')));
    expect(changes).toEqual([
      { layout: 'microservices', figure: 'layout', before: null, after: null, delta: null, pct: null, unit: 'count', text: 'layout microservices added', causes: [] },
      { layout: 'monolith', figure: 'layout', before: null, after: null, delta: null, pct: null, unit: 'count', text: 'layout monolith removed', causes: [] },
    ]);
    const two = (a: string, b: string): Report => ({ ...report(layoutFixture(a)), layouts: [layoutFixture(a), layoutFixture(b)] });
    expect(diffReports(two('monolith', 'microservices'), two('microservices', 'monolith'))).toEqual([]);
  });
});
