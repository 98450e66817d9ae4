// The baseline diff's causes, by exact values, where mutation testing found them unchecked
// (src/report/baseline.ts): which structural change a per-operation figure, a station's
// utilization and a replica count are explained by; the mix's "and N more" at exactly three
// shares; the relative change of a figure that went to or from infinity (none, not 0%).
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/report/baseline.js';
import type { LayoutReport } from '../../src/report/schema.js';
import { layoutFixture, reportFixture } from './fixture.js';

const change = (changes: ReturnType<typeof diffReports>, figure: string) => changes.find((c) => c.figure === figure);

/** The fixture plus a third unit (users-service) that only auth.me runs on. */
function withUsers(over: { usersReplicas?: number; usersInstance?: string; meHops?: number; authReplicas?: number } = {}): LayoutReport {
  const l = layoutFixture();
  l.structure.units = [
    { ...l.structure.units[0]!, replicas: over.authReplicas ?? 2 },
    l.structure.units[1]!,
    { name: 'users-service', replicas: over.usersReplicas ?? 1, instance: over.usersInstance ?? 'svc-512mb', domains: ['users'] },
  ];
  l.stations = [...l.stations, { id: 'users-service', utilization: 0.05 }];
  l.operations = [...l.operations, { id: 'auth.me', route: 'GET /api/v1/auth/me', meanMs: 2, p50Ms: 1.8, p95Ms: 4, p99Ms: 6, hops: over.meHops ?? 1, units: ['users-service'], maxThroughputRps: 3000 }];
  return l;
}

describe('baseline causes (exact)', () => {
  it('a latency is explained by its own hop change first, then by another operation’s hop change on a unit it shares (“more load on shared units”), never by one on units it does not touch', () => {
    const before = withUsers();
    const after = withUsers({ meHops: 2 });
    after.operations = after.operations.map((o) => (o.id === 'messages.send' ? { ...o, hops: 4, p95Ms: 16 } : o.id === 'auth.login' ? { ...o, p95Ms: 11 } : o.id === 'auth.me' ? { ...o, p95Ms: 5 } : o));
    const d = diffReports(reportFixture(before), reportFixture(after));
    // messages.send runs on message-service and auth-service: its own hop change, then nothing of auth.me (users-service).
    expect(change(d, 'p95(messages.send)')!.causes).toEqual(['messages.send: 1 network hop added (3 → 4)']);
    // auth.login runs on auth-service, which messages.send shares: that operation's change is more load there.
    expect(change(d, 'p95(auth.login)')!.causes).toEqual(['more load on shared units: messages.send: 1 network hop added (3 → 4)']);
    // auth.me shares no unit with messages.send.
    expect(change(d, 'p95(auth.me)')!.causes).toEqual(['auth.me: 1 network hop added (1 → 2)']);
    expect(change(d, 'hops(auth.me)')!.causes).toEqual(['auth.me: 1 network hop added (1 → 2)']);
  });

  it('an operation only the baseline had is matched by the baseline’s units (its removal and its latencies are explained there)', () => {
    const before = withUsers();
    const after = withUsers({ usersInstance: 'svc-1gb' });
    after.operations = after.operations.filter((o) => o.id !== 'auth.me');
    const d = diffReports(reportFixture(before), reportFixture(after));
    expect(change(d, 'p95(auth.me)')).toMatchObject({ text: 'p95(auth.me) is gone', causes: ['users-service instance svc-512mb → svc-1gb'] });
    // A cause on another unit does not reach messages.send.
    expect(change(d, 'p95(messages.send)')).toBeUndefined();
  });

  it('an operation that moved to another unit is explained by the changes of the units it runs on now, as well as before', () => {
    const before = withUsers();
    before.operations = before.operations.map((o) => (o.id === 'auth.me' ? { ...o, units: ['auth-service'] } : o));
    const after = withUsers({ usersInstance: 'svc-1gb' });
    after.operations = after.operations.map((o) => (o.id === 'auth.me' ? { ...o, p95Ms: 9 } : o));
    const d = diffReports(reportFixture(before), reportFixture(after));
    expect(change(d, 'p95(auth.me)')!.causes).toEqual(['users-service instance svc-512mb → svc-1gb']);
  });

  it('a station’s utilization names the changes of its own unit only; a replica count the changes of its unit only', () => {
    const before = withUsers();
    const after = withUsers({ usersReplicas: 3, authReplicas: 4 });
    after.stations = after.stations.map((s) => ({ ...s, utilization: s.utilization / 2 }));
    const d = diffReports(reportFixture(before), reportFixture(after));
    expect(change(d, 'utilization(users-service)')!.causes).toEqual(['users-service replicas 1 → 3']);
    expect(change(d, 'utilization(auth-service)')!.causes).toEqual(['auth-service replicas 2 → 4']);
    expect(change(d, 'utilization(message-service)')!.causes).toEqual([]);
    expect(change(d, 'replicas(users-service)')!.causes).toEqual(['users-service replicas 1 → 3']);
    expect(change(d, 'replicas(auth-service)')!.causes).toEqual(['auth-service replicas 2 → 4']);
  });

  it('a station is its unit’s (or its thread pool’s) only, never another whose name starts the same; a datastore’s change explains its own utilization', () => {
    // users-service beside users-service-admin, a unit whose name begins with it
    const twin = (adminReplicas: number, dbInstance: string): LayoutReport => {
      const l = withUsers();
      l.structure.units = [...l.structure.units, { name: 'users-service-admin', replicas: adminReplicas, instance: 'svc-512mb', domains: ['admin'] }];
      l.structure.datastores = l.structure.datastores.map((d) => ({ ...d, instance: dbInstance }));
      l.stations = [...l.stations, { id: 'users-service-admin', utilization: 0.1 }, { id: 'users-service (thread pool)', utilization: 0.2 }, { id: 'message-db', utilization: 0.3 }];
      return l;
    };
    const before = twin(1, 'pg-10usd');
    const after = twin(3, 'pg-20usd');
    after.stations = after.stations.map((s) => ({ ...s, utilization: s.utilization / 2 }));
    after.operations = after.operations.map((o) => (o.id === 'auth.me' ? { ...o, p95Ms: 9 } : o));
    const d = diffReports(reportFixture(before), reportFixture(after));
    expect(change(d, 'utilization(users-service-admin)')!.causes).toEqual(['users-service-admin replicas 1 → 3']);
    expect(change(d, 'utilization(users-service)')!.causes).toEqual([]);
    expect(change(d, 'utilization(message-db)')!.causes).toEqual(['datastore message-db instance pg-10usd → pg-20usd']);
    // auth.me runs on users-service: of its own station and its pool, the one whose utilization
    // changed most (the pool, −10 pp against −2.5 pp), never the admin unit's. One station: the one
    // whose change explains the figure (it listed every station of the unit it started on).
    expect(change(d, 'p95(auth.me)')!.causes).toEqual(['utilization of users-service (thread pool) 20% → 10%']);
  });

  it('three mix shares that moved are named all, with no “and 0 more”; a share that moved by exactly the tolerance is not', () => {
    const l = layoutFixture();
    const moved = layoutFixture(undefined, { p95: 20 });
    const d = diffReports(
      reportFixture(l, { workload: { rateRps: 200, mix: { 'messages.send': 0.5, 'auth.login': 0.3, 'auth.me': 0.2 } } }),
      reportFixture(moved, { workload: { rateRps: 200, mix: { 'messages.send': 0.2, 'auth.login': 0.5, 'auth.me': 0.3, 'users.get': 1e-6 } } }),
    );
    expect(change(d, 'p95(messages.send)')!.causes[0]).toBe('workload mix: messages.send 50% → 20%, auth.login 30% → 50%, auth.me 20% → 30%');
  });

  it('a figure to or from infinity has no delta and no relative change (not 0%)', () => {
    const before = layoutFixture();
    const after = layoutFixture();
    after.operations = after.operations.map((o) => (o.id === 'auth.login' ? { ...o, p95Ms: null } : o));
    const d = diffReports(reportFixture(before), reportFixture(after));
    expect(change(d, 'p95(auth.login)')).toMatchObject({ before: 10.2, after: null, delta: null, pct: null, text: 'p95(auth.login) 10.2 ms → unbounded' });
  });

  it('a rate change is the first cause of every latency family and of a fault’s success rate; not of the lint counts', () => {
    const before = layoutFixture();
    before.faultIsolation = [{ scenario: 'auth-down: 10s–20s', description: 'auth down', operations: [{ id: 'auth.login', successRate: 0.5 }] }];
    const after = layoutFixture();
    after.operations = after.operations.map((o) => (o.id === 'auth.login' ? { ...o, meanMs: o.meanMs! * 2, p50Ms: o.p50Ms! * 2, p95Ms: o.p95Ms! * 2, p99Ms: o.p99Ms! * 2 } : o));
    after.faultIsolation = [{ scenario: 'auth-down: 10s–20s', description: 'auth down', operations: [{ id: 'auth.login', successRate: 0.4 }] }];
    after.lint = { ...after.lint, warnings: 3 };
    const d = diffReports(reportFixture(before, { workload: { rateRps: 200, mix: { 'auth.login': 1 } } }), reportFixture(after, { workload: { rateRps: 400, mix: { 'auth.login': 1 } } }));
    for (const f of ['mean(auth.login)', 'p50(auth.login)', 'p95(auth.login)', 'p99(auth.login)', 'success(auth-down:auth.login)']) expect(change(d, f)!.causes, f).toEqual(['workload rate 200/s → 400/s']);
    expect(change(d, 'lint.warnings')!.causes).toEqual([]);
  });
});
