// The event queue's CPU read apart from the queries' (queue-cpu.ts): deliveries through the
// broker per request, exact; the queue database's CPU per delivery with its idle share out; and
// a calibration on a layout with a queue that keeps it out of the query figures and writes it as
// the broker's.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBlueprint } from '../../src/io/load.js';
import { calibrate, instrumentedDemands, overlayYaml } from '../../src/loadtest/calibrate.js';
import { brokerDeliveries, databaseIdleCores, fitQueue, QUEUE_DATABASE, queueShare } from '../../src/loadtest/queue-cpu.js';
import { dbName } from '../../reference-services/runtime/names.js';
import { LoadTestResult, type LoadTestResultInput } from '../../src/loadtest/result.js';
import { resolveBlueprint } from '../../src/model/resolve.js';
import { Blueprint } from '../../src/model/schema.js';
import { ROOT } from '../helpers/cli.js';

/** a.op publishes a.done to b.take (unit ub) and a.log (unit ua, its own); b.take publishes b.done to a.log. */
function chain(localDelivery?: 'broker' | 'in-process') {
  return Blueprint.parse({
    apiVersion: 'archsim/v1',
    kind: 'Blueprint',
    metadata: { name: 'chain' },
    system: {
      domains: {
        a: { tables: [], operations: { op: { route: 'POST /a', cpu: '1ms', emits: ['a.done'] }, log: { internal: true, cpu: '0.1ms' }, quiet: { route: 'GET /a', cpu: '1ms' } } },
        b: { tables: [], operations: { take: { internal: true, cpu: '0.5ms', emits: ['b.done'] } } },
      },
      events: { 'a.done': { consumers: ['b.take', 'a.log'] }, 'b.done': { consumers: ['a.log'] } },
    },
    layouts: {
      two: { units: { ua: { domains: ['a'], port: 8000 }, ub: { domains: ['b'], port: 8001 } }, broker: { kind: 'postgres', ...(localDelivery ? { localDelivery } : {}) } },
      one: { units: { all: { domains: ['a', 'b'], port: 8000 } } },
    },
    catalog: {},
  });
}

const deliveries = (bp: Blueprint, layout: string, op: string) => {
  const rb = resolveBlueprint(bp);
  return brokerDeliveries(rb, rb.layout(layout), rb.callTree(op).runs);
};

describe('deliveries through the broker', () => {
  it('counts every consumer, and the consumers’ own events, when the broker delivers local consumers too', () => {
    // a.done → b.take, a.log; b.done (from b.take) → a.log
    expect(deliveries(chain(), 'two', 'a.op')).toBe(3);
    expect(deliveries(chain('broker'), 'two', 'a.op')).toBe(3);
  });

  it('in process: only consumers in another unit than the publisher’s (the layout’s setting, or as the caller says)', () => {
    const rb = resolveBlueprint(chain('broker'));
    expect(brokerDeliveries(rb, rb.layout('two'), rb.callTree('a.op').runs, true)).toBe(2);
    // a.done → b.take (other unit); b.done from ub → a.log in ua (other unit); a.done → a.log stays
    expect(deliveries(chain('in-process'), 'two', 'a.op')).toBe(2);
    expect(deliveries(chain('in-process'), 'two', 'a.quiet')).toBe(0);
  });

  it('none without a broker', () => {
    expect(deliveries(chain(), 'one', 'a.op')).toBe(0);
  });

  it('a cycle of events stops at a few levels instead of running away (hostile)', () => {
    const bp = Blueprint.parse({
      apiVersion: 'archsim/v1',
      kind: 'Blueprint',
      metadata: { name: 'loop' },
      system: {
        domains: {
          a: { tables: [], operations: { op: { route: 'POST /a', cpu: '1ms', emits: ['ping'] }, echo: { internal: true, cpu: '0.1ms', emits: ['ping'] } } },
        },
        events: { ping: { consumers: ['a.echo'] } },
      },
      layouts: { one: { units: { ua: { domains: ['a'], port: 8000 } }, broker: { kind: 'postgres' } } },
      catalog: {},
    });
    // the op's ping, then echo's ping four levels down: 1 + 4
    expect(deliveries(bp, 'one', 'a.op')).toBe(5);
  });
});

describe('the share of a consumer’s deliveries that come through the queue', () => {
  it('is its deliveries from publishers in other units over all of them; none without a broker', () => {
    const bp = chain('in-process');
    const rb = resolveBlueprint(bp);
    // a.op ×10: a.done → b.take (other unit) and a.log (same unit); b.done from ub → a.log (other unit)
    const share = queueShare(rb, rb.layout('two'), new Map([['a.op', 10], ['a.quiet', 50]]));
    expect(Object.fromEntries(share)).toEqual({ 'b.take': 1, 'a.log': 0.5 });
    expect(Object.fromEntries(queueShare(rb, rb.layout('one'), new Map([['a.op', 10]])))).toEqual({ 'b.take': 0, 'a.log': 0 });
    expect(queueShare(rb, rb.layout('two'), new Map([['a.quiet', 10]])).size).toBe(0);
  });
});

const BP = join(ROOT, 'blueprints/quantchat.yaml');
const qc = loadBlueprint(BP).blueprint;
const QUEUE_DB = 'archsim_events';

it('names the queue database as the reference services do', () => {
  expect(QUEUE_DATABASE).toBe(dbName('events'));
  expect(QUEUE_DATABASE).toBe(QUEUE_DB);
});
// What the runs below pretend: PostgreSQL query CPU per request, the queue's per delivery, idle cores.
const QUERY = { 'messages.send': 0.0009, 'users.get': 0.0006 } as const;
const PER_DELIVERY = 0.002;
const IDLE_DB = 0.002;
const IDLE_QUEUE = 0.0005;
type Op = keyof typeof QUERY;

/** A strangler-relay run: messages.send publishes message.sent, whose relay consumer is in relay-service. */
function run(counts: Record<Op, number>, duration: number, o: { databases?: boolean } = {}): LoadTestResult {
  const ops = Object.keys(counts) as Op[];
  const rb = resolveBlueprint(qc);
  const r = rb.layout('strangler-relay');
  // as the reference services deliver: in process within the publishing unit
  const sends = ops.reduce((a, id) => a + counts[id] * brokerDeliveries(rb, r, rb.callTree(id).runs, true), 0);
  const queue = sends * PER_DELIVERY + IDLE_QUEUE * duration;
  const queries = ops.reduce((a, id) => a + counts[id] * QUERY[id], 0) + (IDLE_DB - IDLE_QUEUE) * duration;
  const total = ops.reduce((a, id) => a + counts[id], 0);
  const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
  const pg = (cpu: number, dbs: Record<string, number>, seconds = duration) => ({ unit: 'postgres', role: 'datastore' as const, pid: 200, cpuSeconds: cpu, cpuUtilization: cpu / seconds, rssMaxMiB: 40, ...(o.databases === false ? {} : { databaseCpuSeconds: dbs }) });
  const input: LoadTestResultInput = {
    schemaVersion: 1,
    run: { blueprint: 'quantchat', layout: 'strangler-relay', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate: total / duration, connections: 64, duration, started: '2026-12-02T06:00:00.000Z', machine: { cores: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2' } },
    operations: ops.map((id) => ({ id, requests: counts[id], throughput: counts[id] / duration, errors: { total: 0, byKind: {} }, latency })),
    totals: { requests: total, throughput: total / duration, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [{ unit: 'monolith', role: 'unit', pid: 100, cpuSeconds: total * 0.002, cpuUtilization: (total * 0.002) / duration, rssMaxMiB: 80 }, pg(queue + queries, { [QUEUE_DB]: queue, archsim_main: queries })],
    // the no-load reading: 2 s, the queue's pollers a quarter of the server's idle
    idle: [pg(IDLE_DB * 2, { [QUEUE_DB]: IDLE_QUEUE * 2, archsim_main: (IDLE_DB - IDLE_QUEUE) * 2 }, 2)],
    driver: { pid: 300, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 60 },
  };
  return LoadTestResult.parse(input);
}

const runs = [run({ 'messages.send': 1000, 'users.get': 500 }, 10), run({ 'messages.send': 300, 'users.get': 1500 }, 10), run({ 'messages.send': 2000, 'users.get': 1000 }, 20), run({ 'messages.send': 800, 'users.get': 2500 }, 15)];

describe('the queue’s CPU in a calibration', () => {
  it('reads a database’s share of the idle reading in cores', () => {
    expect(databaseIdleCores(runs[0]!, 'postgres', QUEUE_DB)).toBeCloseTo(IDLE_QUEUE, 12);
    expect(databaseIdleCores(runs[0]!, 'postgres', 'archsim_nothing')).toBe(0);
    expect(databaseIdleCores(runs[0]!, 'backend', QUEUE_DB)).toBe(0);
  });

  it('fits the server CPU per delivery with the idle share out, and nothing where it cannot', () => {
    const rb = resolveBlueprint(qc);
    const r = rb.layout('strangler-relay');
    const measured = ['messages.send', 'users.get'];
    const counts = runs.map((x) => measured.map((id) => x.operations.find((o) => o.id === id)!.requests!));
    const q = fitQueue(rb, r, runs, 'postgres', QUEUE_DB, measured, counts)!;
    expect(q.perDeliveryMs).toBeCloseTo(PER_DELIVERY * 1000, 4);
    // message.sent's relay consumer is the one in another unit: one delivery per send
    expect(q.deliveries).toEqual([1000, 300, 2000, 800]);
    expect(q.cpuSeconds[0]).toBeCloseTo(1000 * PER_DELIVERY, 9);
    // a run that did not read its server's databases, a layout without a broker, a run that delivered nothing
    expect(fitQueue(rb, r, [...runs.slice(1), run({ 'messages.send': 10, 'users.get': 10 }, 10, { databases: false })], 'postgres', QUEUE_DB, measured, counts)).toBeNull();
    expect(fitQueue(rb, rb.layout('monolith'), runs, 'postgres', QUEUE_DB, measured, counts)).toBeNull();
    expect(fitQueue(rb, r, runs, 'postgres', QUEUE_DB, ['users.get'], counts.map((c) => [c[1]!]))).toBeNull();
  });

  it('keeps the queue out of the query figures and writes it as every brokered layout’s broker CPU', () => {
    const cal = calibrate(qc, runs);
    expect(cal.queue!.perDeliveryMs).toBeCloseTo(PER_DELIVERY * 1000, 4);
    const db = cal.fits.find((f) => f.name === 'postgres')!;
    for (const d of db.demands) expect(d.measuredMs).toBeCloseTo(QUERY[d.op as Op] * 1000, 3);
    expect(cal.warnings.some((w) => /event queue's database \(archsim_events\)/.test(w) && /2 ms per delivery/.test(w))).toBe(true);
    const text = overlayYaml(qc, cal, { extendsPath: BP, sources: runs.map((_, i) => `run${i}.json`) });
    expect(text).toContain("the queue's server CPU is 2 ms per delivery, measured on strangler-relay's own queue (database archsim_events");
    const out = join(mkdtempSync(join(tmpdir(), 'archsim-queue-')), 'calibrated.yaml');
    writeFileSync(out, text);
    process.env.ARCHSIM_EXTENDS_ANYWHERE = '1';
    const calibrated = loadBlueprint(out).blueprint;
    delete process.env.ARCHSIM_EXTENDS_ANYWHERE;
    for (const [name, l] of Object.entries(calibrated.layouts)) {
      if (!qc.layouts[name]!.broker) continue;
      expect(l.broker!.cpu.mean).toBeCloseTo(PER_DELIVERY * 1000, 4);
      expect(l.broker!.localDelivery).toBe('in-process');
    }
    expect(Object.values(calibrated.layouts).filter((l) => l.broker)).toHaveLength(3);
  });

  it('without the server’s databases read (older results), the server’s CPU is the queries’ as before, and no queue figure', () => {
    const old = runs.map((x) => LoadTestResult.parse({ ...x, processes: x.processes.map(({ databaseCpuSeconds: _, ...p }) => p), idle: x.idle!.map(({ databaseCpuSeconds: _, ...p }) => p) }));
    const cal = calibrate(qc, old);
    expect(cal.queue).toBeNull();
    const db = cal.fits.find((f) => f.name === 'postgres')!;
    // the queue's 2 ms per send lands on messages.send's queries
    expect(db.demands.find((d) => d.op === 'messages.send')!.measuredMs).toBeCloseTo((QUERY['messages.send'] + PER_DELIVERY) * 1000, 3);
  });
});

describe('a consumer unit’s claims', () => {
  it('leave the CPU outside any operation as the broker’s consumeCpu per delivery from the queue, not the public requests’', () => {
    // relay-service in strangler-relay: 100 public relay.pending at 0.5 ms, 1,000 deliveries of
    // relay.enqueue from the queue at 0.2 ms, and outside any operation 0.8 ms a delivery (the
    // claims) plus 0.1 ms a public request (HTTP parsing)
    const base = run({ 'messages.send': 1000, 'users.get': 0 }, 10);
    const r = LoadTestResult.parse({
      ...base,
      operations: [...base.operations, { id: 'relay.pending', requests: 100, throughput: 10, errors: { total: 0, byKind: {} }, latency: base.totals.latency }],
      profile: [
        {
          unit: 'relay-service',
          mainThreadCpuSeconds: 1.09,
          offMainCpuSeconds: 0,
          loopSeconds: 1.09,
          operations: [
            { operation: 'relay.pending', spans: 100, loopSeconds: 0.05, cpuSeconds: 0.05, poolTasks: 0, poolSeconds: 0 },
            { operation: 'relay.enqueue', spans: 1000, loopSeconds: 0.2, cpuSeconds: 0.2, poolTasks: 0, poolSeconds: 0 },
            { operation: '(unattributed)', spans: 0, loopSeconds: 0.81, cpuSeconds: 0.81, poolTasks: 0, poolSeconds: 0 },
          ],
        },
      ],
    });
    const rb = resolveBlueprint(qc);
    const hops = { clientMs: 0, serverMs: 0, remoteOut: new Map<string, number>(), remoteIn: new Map<string, number>(), queueIn: new Map([['relay.enqueue', 1]]), consumeMs: 0.8 };
    const d = instrumentedDemands(qc, [r], 'relay-service', rb.layout('strangler-relay').unitOfDomain, hops)!;
    expect(d.overheadMs).toBeCloseTo(0.1, 6);
    expect(d.perOp.get('relay.pending')!.cpuMs).toBeCloseTo(0.5 + 0.1, 6);
    expect(d.perOp.get('relay.enqueue')!.cpuMs).toBeCloseTo(0.2, 6);
    // without the queue's share, the claims land on the public requests: 8 ms more on each
    const blind = instrumentedDemands(qc, [r], 'relay-service', rb.layout('strangler-relay').unitOfDomain, { ...hops, queueIn: new Map() })!;
    expect(blind.overheadMs).toBeCloseTo(8.1, 6);
  });
});
