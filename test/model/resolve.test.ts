// The effective model (model/resolve.ts): one set of figures for every consumer. The central
// check is that the simulator's compiler and calibration see the same demands for every
// operation of every layout of every bundled blueprint; before the model they disagreed on
// datastore query times (calibration skipped a datastore's own read/write times).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { priorAt, type Target } from '../../src/loadtest/calibrate.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { NO_QUERIES, place, resolveBlueprint, UnknownLayoutError } from '../../src/model/resolve.js';
import { Queries } from '../../src/model/schema.js';
import type { Blueprint } from '../../src/model/schema.js';
import { compile } from '../../src/simulate/compile.js';
import { opDemands } from '../../src/simulate/demand.js';
import { ROOT } from '../helpers/cli.js';

const BLUEPRINTS = readdirSync(join(ROOT, 'blueprints'))
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.load.yaml'))
  .sort();

/** Critical-path demand of one request of `op` at each station, from the compiled programs. */
function compiledDemand(bp: Blueprint, layout: string): Map<string, Map<string, number>> {
  const c = compile(bp, layout);
  const out = new Map<string, Map<string, number>>();
  for (const [op, d] of opDemands(c)) {
    const at = new Map<string, number>();
    for (const v of d.visits) {
      const s = c.stations[v.station]!;
      const key = `${s.kind}:${s.id}`;
      at.set(key, (at.get(key) ?? 0) + v.mean);
    }
    out.set(op, at);
  }
  return out;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** The same blueprint with hops that cost no CPU: a unit's compiled demand is then only the operations' own CPU. */
function withoutSerialization(bp: Blueprint): Blueprint {
  const copy = structuredClone(bp);
  for (const l of Object.values(copy.layouts)) l.network = { ...l.network, cpuPerCall: 0, cpuPerKiB: 0, grpc: { ...l.network.grpc, cpuPerCall: 0, cpuPerKiB: 0 } };
  return copy;
}

describe('compile and calibrate see the same effective figures', () => {
  for (const file of BLUEPRINTS) {
    const bp = loadBlueprint(join(ROOT, 'blueprints', file)).blueprint;
    const rb = resolveBlueprint(bp);
    for (const layout of rb.layoutNames) {
      it(`${file} ${layout}: query time per request at every datastore, every operation`, () => {
        const r = rb.layout(layout);
        const compiled = compiledDemand(bp, layout);
        let checked = 0;
        for (const o of rb.operations) {
          for (const d of r.datastores) {
            const target: Target = { kind: 'datastore', name: d.name, stores: [d.name] };
            const calibrated = sum(priorAt(r, rb.callTree(o.id).runs, target));
            expect(compiled.get(o.id)!.get(`datastore:${d.name}`) ?? 0, `${o.id} at ${d.name}`).toBeCloseTo(calibrated, 9);
            if (calibrated > 0) checked++;
          }
        }
        // The layout's operations do query something, or this proves nothing.
        expect(checked).toBeGreaterThan(0);
      });

      it(`${file} ${layout}: CPU per request at every unit, every operation`, () => {
        const flat = withoutSerialization(bp);
        const frb = resolveBlueprint(flat);
        const r = frb.layout(layout);
        const compiled = compiledDemand(flat, layout);
        for (const o of frb.operations) {
          for (const u of r.units) {
            const calibrated = sum(priorAt(r, frb.callTree(o.id).runs, { kind: 'unit', name: u.name, stores: [] }));
            expect(compiled.get(o.id)!.get(`unit:${u.name}`) ?? 0, `${o.id} at ${u.name}`).toBeCloseTo(calibrated, 9);
          }
        }
      });
    }
  }

  it("uses a datastore's own query times (QuantChat's Redis: 0.1 ms, not the system's 0.5/1.5 ms)", () => {
    const bp = loadBlueprint(join(ROOT, 'blueprints/quantchat.yaml')).blueprint;
    const r = resolveBlueprint(bp).layout('monolith');
    const redisOps = [...r.operations.values()].filter((p) => p.store?.engine === 'redis' && p.ref.op.db.reads + p.ref.op.db.writes > 0);
    expect(redisOps.length).toBeGreaterThan(0);
    for (const p of redisOps) {
      expect(p.read.mean).toBe(0.1);
      expect(p.write.mean).toBe(0.1);
      const prior = sum(priorAt(r, new Map([[p.ref.id, 1]]), { kind: 'datastore', name: p.store!.name, stores: [p.store!.name] }));
      expect(prior).toBeCloseTo(0.1 * (p.ref.op.db.reads + p.ref.op.db.writes), 9);
    }
  });
});

const DRAFT = (extra: string) => `
apiVersion: archsim/v1
kind: Blueprint
metadata: { name: draft }
system:
  defaults: { payload: { request: 2KiB } }
  domains:
    a:
      tables: [t]
      operations:
        get: { route: GET /a, cpu: 1ms, db: { reads: 2, read: 3ms }, calls: [b.check, b.check] }
    b:
      tables: [u]
      operations:
        check: { cpu: 0.5ms, db: { writes: 1 }, calls: [{ op: c.deep, retries: 2 }] }
    c:
      operations:
        deep: { cpu: 0.1ms, response: 4KiB }
  events:
    done: { consumers: [c.deep] }
layouts:
  one:
    units: { app: { domains: "*", port: 8000, instance: x } }
    datastores:
      pg: { engine: postgres, instance: x, tables: [t] }
      kv: { engine: redis, instance: x, tables: "*", read: 0.2ms, write: 0.3ms }
${extra}
catalog: { x: { usdPerMonth: 1 } }
`;

describe('ResolvedBlueprint', () => {
  const loaded = parseBlueprint(DRAFT(''), 'draft.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  const bp = loaded.blueprint;
  const rb = resolveBlueprint(bp);

  it('no db means the schema’s own query defaults', () => {
    expect(NO_QUERIES).toEqual(Queries.parse({}));
  });

  it('is computed once per blueprint', () => {
    expect(resolveBlueprint(bp)).toBe(rb);
    expect(rb.layout('one')).toBe(rb.layout('one'));
    expect(rb.callTree('a.get')).toBe(rb.callTree('a.get'));
  });

  it('applies every default: payloads from system.defaults, no db means no queries, internal without a route, call policies', () => {
    const get = rb.operationIndex.get('a.get')!.op;
    const deep = rb.operationIndex.get('c.deep')!.op;
    expect(get).toMatchObject({ request: 2048, response: 1024, internal: false });
    expect(deep).toMatchObject({ request: 2048, response: 4096, internal: true, db: { reads: 0, writes: 0 } });
    expect(get.calls[0]).toEqual({ op: 'b.check', count: 1, retries: 0, backoff: 50, optional: false });
    expect(rb.operationIndex.get('b.check')!.op.calls[0]).toMatchObject({ op: 'c.deep', retries: 2, backoff: 50, optional: false });
    expect(rb.events.get('done')!.payload).toBe(512);
  });

  it('query times: the operation’s own, else the datastore’s, else the system’s', () => {
    const r = rb.layout('one');
    expect(r.operations.get('a.get')).toMatchObject({ store: { name: 'pg' }, read: { mean: 3 }, write: { mean: 1.5 } });
    expect(r.operations.get('b.check')).toMatchObject({ store: { name: 'kv' }, read: { mean: 0.2 }, write: { mean: 0.3 } });
    expect(r.operations.get('c.deep')!.store).toBeUndefined();
  });

  it('one call tree per operation: nested, flattened, counted', () => {
    const t = rb.callTree('a.get');
    expect(t.calls.map((n) => [n.callee.id, n.depth, n.children.map((c) => c.callee.id)])).toEqual([
      ['b.check', 1, ['c.deep']],
      ['b.check', 1, ['c.deep']],
    ]);
    expect(t.steps.map((s) => `${s.caller.id}→${s.callee.id}@${s.depth}`)).toEqual(['a.get→b.check@1', 'b.check→c.deep@2', 'a.get→b.check@1', 'b.check→c.deep@2']);
    expect(Object.fromEntries(t.runs)).toEqual({ 'a.get': 1, 'b.check': 2, 'c.deep': 2 });
    expect(t.cut).toEqual([]);
  });

  it('routes and wiring per layout', () => {
    const r = rb.layout('one');
    expect(r.routes.map((e) => [e.op, e.unit, e.port])).toEqual([['a.get', 'app', 8000]]);
    expect(r.wiring.map((w) => [w.unit.name, w.stores.map((s) => s.name), w.calls.length, w.usesBroker])).toEqual([['app', ['pg', 'kv'], 0, false]]);
  });

  it('an unknown layout is a typed error naming the layouts', () => {
    expect(() => rb.layout('toString')).toThrow(UnknownLayoutError);
    expect(() => rb.layout('nope')).toThrow(/unknown layout "nope"; layouts: one/);
  });
});

describe('place: the one "*" rule', () => {
  it('"*" takes the rest, the first "*" wins, and conflicts are reported', () => {
    const p = place(
      [
        ['a', { selector: ['x', 'y'] }],
        ['b', { selector: '*' }],
        ['c', { selector: '*' }],
        ['d', { selector: ['y', 'nope'] }],
      ],
      ['x', 'y', 'z'],
    );
    expect(Object.fromEntries(p.of)).toEqual({ a: ['x', 'y'], b: ['z'], c: [], d: ['y', 'nope'] });
    expect(p.extraStars).toEqual([{ entry: 'c', first: 'b' }]);
    expect(p.twice).toEqual([{ entry: 'd', index: 0, name: 'y', first: 'a' }]);
    expect(p.unknown).toEqual([{ entry: 'd', index: 1, name: 'nope' }]);
    expect(p.unplaced).toEqual([]);
    expect(place([['a', { selector: ['x'] }]], ['x', 'y']).unplaced).toEqual(['y']);
  });
});
