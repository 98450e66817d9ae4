// What a scenario's targets become in a layout, exactly (resolveScenario, scenarioCompileOptions):
// every kind of target by role and by name, the fault, window and line each one gives, what a
// layout without it says, every refusal with its path, extra loads, the client timeout and the
// workload. No simulation runs here (scenario.test.ts runs the seeds' scenarios through the DES),
// so the file takes milliseconds: it is what the mutation run of src/simulate/scenario.ts leans on.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { compile } from '../../src/simulate/compile.js';
import { parseScenario, resolveScenario, scenarioCompileOptions, type Scenario } from '../../src/simulate/scenario.js';

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');
const yaml = (text: string): Scenario => {
  const r = parseScenario(text, 'inline.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.scenario;
};
const resolved = (layout: string, text: string) => {
  const r = resolveScenario(qc, compile(qc, layout), yaml(text));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.value;
};
const problems = (layout: string, text: string) => {
  const r = resolveScenario(qc, compile(qc, layout), yaml(text));
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};
// QuantChat's microservices stations, in compile order (checked below): the gateway first, then
// the units, the datastores and the broker.
const MS = { gateway: 0, 'media-service': 5, 'user-service': 2, redis: 14, 'group-db': 12, minio: 15, broker: 16 };

describe('resolveScenario: each kind of target', () => {
  it('the stations it names, in compile order', () => {
    const c = compile(qc, 'microservices');
    for (const [id, i] of Object.entries(MS)) expect(c.stations[i]!.id, id).toBe(id);
    expect(c.stations[MS.gateway]!.kind).toBe('gateway');
    expect(c.stations[MS.broker]!.kind).toBe('broker');
  });

  it('a unit by name: down by default, from `at` for `for`, one window and one line', () => {
    const v = resolved('microservices', 'name: x\nfailures: [{ unit: media-service, at: 10s, for: 5s }]\n');
    expect(v.des.faults).toEqual([{ station: MS['media-service'], from: 10_000, to: 15_000, down: true, factor: 1 }]);
    expect(v.des.windows).toEqual([{ label: 'down: unit media-service', from: 10_000, to: 15_000 }]);
    expect(v.hits).toEqual(['down: unit media-service → unit media-service down']);
    expect(v.des.loads).toEqual([]);
    expect(v.des.clientTimeout).toBeUndefined();
    expect('clientTimeout' in v.des).toBe(false);
    expect(v.workload).toEqual({});
  });

  it('a datastore by name, slowed: not down unless it says so, its factor kept', () => {
    const v = resolved('microservices', 'name: x\nfailures: [{ datastore: redis, slow: 3, at: 1s, for: 2s }]\n');
    expect(v.des.faults).toEqual([{ station: MS.redis, from: 1000, to: 3000, down: false, factor: 3 }]);
    expect(v.hits).toEqual(['slow ×3: datastore redis → datastore redis slow ×3']);
    const both = resolved('microservices', 'name: x\nfailures: [{ datastore: redis, slow: 3, down: true, at: 1s, for: 2s }]\n');
    expect(both.des.faults[0]).toEqual({ station: MS.redis, from: 1000, to: 3000, down: true, factor: 3 });
    expect(both.hits).toEqual(['down: datastore redis → datastore redis down']);
    const up = resolved('microservices', 'name: x\nfailures: [{ unit: media-service, down: false, at: 1s, for: 2s }]\n');
    expect(up.des.faults[0]).toEqual({ station: MS['media-service'], from: 1000, to: 3000, down: false, factor: 1 });
  });

  it('by role: a domain is the unit that runs it, storeOf its primary datastore, a table the store that holds it', () => {
    const v = resolved(
      'microservices',
      `name: x
failures:
  - { domain: users, at: 1s, for: 1s }
  - { storeOf: groups, description: group db gone, at: 2s, for: 1s }
  - { table: media_objects, at: 3s, for: 1s }
`,
    );
    expect(v.des.faults.map((f) => f.station)).toEqual([MS['user-service'], MS['group-db'], MS.minio]);
    expect(v.hits).toEqual(['down: unit user-service (runs users) → unit user-service (runs users) down', 'group db gone → datastore group-db (holds groups) down', 'down: datastore minio (holds media_objects) → datastore minio (holds media_objects) down']);
    expect(v.des.windows.map((w) => w.label)).toEqual(['down: unit user-service (runs users)', 'group db gone', 'down: datastore minio (holds media_objects)']);
    // the same file against the monolith: the one unit and its stores
    const m = resolved('monolith', 'name: x\nfailures: [{ domain: users, at: 1s, for: 1s }, { storeOf: groups, at: 1s, for: 1s }]\n');
    expect(m.des.faults.map((f) => f.station)).toEqual([0, 1]);
    expect(m.hits).toEqual(['down: unit backend (runs users) → unit backend (runs users) down', 'down: datastore main (holds groups) → datastore main (holds groups) down']);
  });

  it('the gateway and the broker where the layout has them; a line saying so where it has not, and no fault', () => {
    const text = 'name: x\nfailures: [{ gateway: true, at: 1s, for: 1s }, { broker: true, slow: 2, at: 1s, for: 1s }]\n';
    const v = resolved('microservices', text);
    expect(v.des.faults).toEqual([
      { station: MS.gateway, from: 1000, to: 2000, down: true, factor: 1 },
      { station: MS.broker, from: 1000, to: 2000, down: false, factor: 2 },
    ]);
    expect(v.hits).toEqual(['down: the gateway → the gateway down', 'slow ×2: the broker → the broker slow ×2']);
    const m = resolved('monolith', text);
    expect(m.des.faults).toEqual([]);
    expect(m.des.windows).toEqual([]);
    expect(m.hits).toEqual(['the gateway: not in monolith', 'the broker: not in monolith']);
  });
});

describe('resolveScenario: refusals, every one with its path', () => {
  it('names that are not in the layout or the blueprint, all reported at once', () => {
    const p = problems(
      'monolith',
      `name: x
failures:
  - { unit: nope, at: 1s, for: 1s }
  - { datastore: nope, at: 1s, for: 1s }
  - { domain: nope, at: 1s, for: 1s }
  - { storeOf: nope, at: 1s, for: 1s }
  - { table: nope, at: 1s, for: 1s }
  - { unit: backend, at: 1s, for: 1s }
load: [{ for: 1s, rate: 5/s, mix: { nope.op: 1, messages.send: 1 } }]
`,
    );
    expect(p.map((x) => x.path)).toEqual([
      ['failures', 0, 'unit'],
      ['failures', 1, 'datastore'],
      ['failures', 2, 'domain'],
      ['failures', 3, 'storeOf'],
      ['failures', 4, 'table'],
      ['load', 0, 'mix', 'nope.op'],
    ]);
    expect(p[0]!.message).toBe('no unit "nope" in monolith');
    expect(p[1]!.message).toBe('no datastore "nope" in monolith');
    expect(p[2]!.message).toBe('no domain "nope"');
    expect(p[3]!.message).toBe('no domain "nope"');
    expect(p[4]!.message).toBe('no table "nope"');
    expect(p[5]!.message).toBe('"nope.op" is not an operation');
  });

  it('a near miss gets a suggestion', () => {
    const p = problems('microservices', 'name: x\nfailures: [{ unit: media-servce, at: 1s, for: 1s }, { table: media_object, at: 1s, for: 1s }]\n');
    expect(p[0]!.message).toBe('no unit "media-servce" in microservices (did you mean "media-service"?)');
    expect(p[1]!.message).toBe('no table "media_object" (did you mean "media_objects"?)');
    // an extra stream's operation and an autoscaled unit alike
    expect(problems('microservices', 'name: x\nload: [{ for: 1s, rate: 5/s, mix: { messages.sen: 1 } }]\n')[0]!.message).toBe('"messages.sen" is not an operation (did you mean "messages.send"?)');
    const a = scenarioCompileOptions(qc, 'microservices', yaml('name: x\nautoscale: { message-servce: { min: 1, max: 2 } }\n'));
    expect(a.problems.map((x) => x.message)).toEqual(['"message-servce" is neither a unit of microservices nor a domain (did you mean "message-service"?)']);
  });
});

describe('resolveScenario: extra load, the client timeout, the workload', () => {
  it('an extra stream from `at` for `for` at its rate and mix, its profile kept, its window and line named by its description or its rate', () => {
    const v = resolved(
      'monolith',
      `name: x
load:
  - { at: 5s, for: 10s, rate: 50/s, mix: { messages.send: 1 } }
  - { description: spike, for: 2s, rate: 20/s, mix: { auth.login: 2, users.get: 1 }, profile: { kind: ramp, from: 0/s, to: 20/s, over: 2s } }
clientTimeout: 2s
`,
    );
    expect(v.des.loads[0]).toEqual({ from: 5000, to: 15_000, rate: 50, mix: { 'messages.send': 1 } });
    expect(v.des.loads[1]).toEqual({ from: 0, to: 2000, rate: 20, profile: { kind: 'ramp', from: 0, to: 20, over: 2000 }, mix: { 'auth.login': 2, 'users.get': 1 } });
    // no profile given: none on the stream
    expect(Object.keys(v.des.loads[0]!)).toEqual(['from', 'to', 'rate', 'mix']);
    expect(v.des.windows).toEqual([
      { label: 'extra load 50/s on messages.send', from: 5000, to: 15_000 },
      { label: 'spike', from: 0, to: 2000 },
    ]);
    expect(v.hits).toEqual(['extra load 50/s on messages.send', 'spike']);
    // without a description, a stream of two operations names both
    expect(resolved('monolith', 'name: x\nload: [{ for: 1s, rate: 20/s, mix: { auth.login: 2, users.get: 1 } }]\n').hits).toEqual(['extra load 20/s on auth.login, users.get']);
    expect(v.des.clientTimeout).toBe(2000);
  });

  it('the workload: only what the scenario sets', () => {
    const v = resolved('monolith', 'name: x\nworkload: { rate: 10/s, users: 3, duration: 60s, warmup: 5s, mix: { auth.me: 1 } }\n');
    expect(v.workload).toEqual({ rate: 10, users: 3, duration: 60_000, warmup: 5000, mix: { 'auth.me': 1 } });
    expect(resolved('monolith', 'name: x\nworkload: { duration: 30s }\n').workload).toEqual({ duration: 30_000 });
  });
});

describe('scenarioCompileOptions: autoscaling and call policies', () => {
  it('autoscaling by unit or by domain, a name that is neither refused with its path', () => {
    const a = 'min: 1, max: 4, targetUtilization: 70%';
    const r = scenarioCompileOptions(qc, 'microservices', yaml(`name: x\nautoscale: { message-service: { ${a} }, media: { ${a} }, nothing: { ${a} } }\n`));
    expect(Object.keys(r.options.autoscale!)).toEqual(['message-service', 'media-service']);
    expect(r.problems).toEqual([{ path: ['autoscale', 'nothing'], message: '"nothing" is neither a unit of microservices nor a domain' }]);
  });

  it('call policies keyed "caller → callee" whichever arrow was written, each with only the fields it set', () => {
    const r = scenarioCompileOptions(qc, 'monolith', yaml('name: x\ncalls:\n  "messages.send -> auth.verify-token": { timeout: 100ms }\n  "messages.send→users.check-contact": { retries: 2, optional: false }\n  media.resolve: { backoff: 20ms, circuitBreaker: { failureThreshold: 50%, window: 2s, minCalls: 5, openFor: 30s } }\n'));
    expect(r.problems).toEqual([]);
    expect(r.options.edgePolicies).toEqual({
      'messages.send → auth.verify-token': { timeout: 100 },
      'messages.send → users.check-contact': { retries: 2, optional: false },
      'media.resolve': { backoff: 20, circuitBreaker: expect.objectContaining({ minCalls: 5 }) },
    });
    expect(Object.keys(r.options.edgePolicies!['media.resolve']!)).toEqual(['backoff', 'circuitBreaker']);
    // no field it did not set, not even as undefined
    expect(Object.keys(r.options.edgePolicies!['messages.send → auth.verify-token']!)).toEqual(['timeout']);
    expect(Object.keys(r.options.edgePolicies!['messages.send → users.check-contact']!)).toEqual(['retries', 'optional']);
  });
});

// In-process state (engine memory) has no station of its own: a failure aimed at it, by name, by
// the domain whose primary store it is, or by a table it holds, fails nothing and says why; the
// same three aimed at a real datastore fail it. Also: a unit that is the first station (index 0),
// a unit named "gateway" in a layout without a gateway, a domain with no datastore.
describe('resolveScenario: in-process stores and the first station', () => {
  const parsed = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mem }
system:
  domains:
    cart:
      tables: [carts]
      operations: { add: { route: POST /cart } }
    pay:
      tables: [payments]
      operations: { charge: { route: POST /pay } }
    ping:
      tables: []
      operations: { get: { route: GET /ping } }
workload: { rate: 10/s, mix: { cart.add: 1 } }
layouts:
  one:
    units:
      gateway: { domains: "*", port: 8000 }
    datastores:
      sessions: { engine: memory, tables: [carts] }
      ledger: { engine: postgres, tables: [payments] }
`,
    'mem.yaml',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const bp = parsed.blueprint;
  const run = (layout: string, failures: string) => resolveScenario(bp, compile(bp, layout), yaml(`name: x\nfailures:\n${failures}`));
  const ok = (layout: string, failures: string) => {
    const r = run(layout, failures);
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
    return r.value;
  };

  it('a memory store by name, by storeOf and by table: no fault, one line each saying it fails only with its unit', () => {
    const c = compile(bp, 'one');
    expect(c.stations.map((x) => `${x.kind} ${x.id}`)).toEqual(['unit gateway', 'datastore ledger']);
    const v = ok('one', '  - { datastore: sessions, at: 1s, for: 1s }\n  - { storeOf: cart, at: 1s, for: 1s }\n  - { table: carts, at: 1s, for: 1s }\n');
    expect(v.des.faults).toEqual([]);
    expect(v.des.windows).toEqual([]);
    expect(v.hits).toEqual(Array(3).fill('datastore sessions: in-process state (engine memory) of its unit in one, it fails only with the unit'));
  });

  it('the same three aimed at a real datastore fail it; a unit that is station 0 is found', () => {
    const v = ok('one', '  - { datastore: ledger, at: 1s, for: 1s }\n  - { storeOf: pay, at: 2s, for: 1s }\n  - { table: payments, at: 3s, for: 1s }\n  - { unit: gateway, at: 4s, for: 1s }\n');
    expect(v.des.faults.map((f) => [f.station, f.from])).toEqual([
      [1, 1000],
      [1, 2000],
      [1, 3000],
      [0, 4000],
    ]);
    expect(v.hits).toEqual(['down: datastore ledger → datastore ledger down', 'down: datastore ledger (holds pay) → datastore ledger (holds pay) down', 'down: datastore ledger (holds payments) → datastore ledger (holds payments) down', 'down: unit gateway → unit gateway down']);
  });

  it('the gateway of a layout that has none is not its unit named "gateway"', () => {
    const v = ok('one', '  - { gateway: true, at: 1s, for: 1s }\n');
    expect(v.des.faults).toEqual([]);
    expect(v.hits).toEqual(['the gateway: not in one']);
  });

  it('a domain with no datastore is refused by name', () => {
    const r = run('one', '  - { storeOf: ping, at: 1s, for: 1s }\n');
    expect(r.ok ? [] : r.problems).toEqual([{ path: ['failures', 0, 'storeOf'], message: 'ping has no datastore in one' }]);
  });
});
