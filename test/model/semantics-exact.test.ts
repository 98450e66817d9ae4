// The loader's whole-blueprint checks (semantics.ts), each once on one broken blueprint: every
// error and warning with its line, column and exact message, and none more.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';

const BROKEN = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: broken }
system:
  domains:
    a:
      tables: [ta, shared]
      operations:
        x:
          route: GET /x
          calls: [nodot, zz.x, a.nope, a.x, b.y]
          emits: [evv, ev1]
        y: { route: GET /x }
        big: { internal: true, calls: [{ op: b.y, count: 1000 }] }
    b:
      tables: [tb, shared]
      operations:
        y: { internal: true, calls: [{ op: c.z, count: 20 }] }
    c:
      operations:
        z: { internal: true }
    p:
      operations:
        a: { internal: true, calls: [p.b] }
        b: { internal: true, calls: [p.c] }
        c: { internal: true, calls: [p.a] }
  events:
    ev1: { consumers: [b.y, b.nope] }
    lonely: {}
layouts:
  one:
    next: tow
    gateway: { kind: kong, port: 80, instance: gww }
    broker: { kind: nats, instance: mqq }
    units:
      u1: { domains: "*", port: 1, instance: smal }
      u2: { domains: "*", port: 2 }
      u3: { domains: [a, aa, a], port: 3, autoscale: { min: 3, max: 2 } }
      u4: { domains: [], port: 4 }
    datastores:
      s1: { engine: postgres, tables: "*", instance: pgg }
      s2: { engine: postgres, tables: "*" }
      s3: { engine: postgres, tables: [ta, tx, ta] }
    extras: { mon: { instance: monn } }
  two:
    units:
      v1: { domains: [a], port: 1 }
      v2: { domains: [b, c], port: 2 }
    datastores:
      mem: { engine: memory, port: 9, instance: small, tables: [ta, tb] }
workload:
  rate: 10/s
  users: 5
  mix: { a.x: 1, q.r: 1 }
catalog: { small: { usdPerMonth: $1 } }
`;

const at = (r: ReturnType<typeof parseBlueprint>, k: 'errors' | 'warnings') => (r.ok ? (k === 'errors' ? [] : r.warnings) : r[k]).map((e) => `${e.line}:${e.col} ${e.message}`);

describe('semantic checks, each at its place', () => {
  it('every error and warning of a blueprint that breaks each rule once, in document order', () => {
    const r = parseBlueprint(BROKEN, 'b.yaml');
    expect(r.ok).toBe(false);
    expect(at(r, 'errors')).toEqual([
      '11:19 call to "nodot" must be written domain.operation',
      '11:26 call to "zz.x": unknown domain "zz" (did you mean "a.x"?)',
      '11:32 call to "a.nope": unknown operation',
      '11:40 operation calls itself',
      '12:19 unknown event "evv" (did you mean "ev1"?)',
      '13:21 route "GET /x" is also a.x\'s',
      '14:39 one request of a.big makes more than 10000 calls (each call\'s count multiplies the calls below it): lower the counts, or model the loop as one call with more cpu',
      '16:20 table "shared" is owned by "a" and "b"; a table has one owning domain',
      '26:38 cycle of synchronous calls: p.a → p.b → p.c → p.a',
      '28:29 consumer "b.nope": unknown operation',
      '32:11 unknown layout "tow" (did you mean "two"?)',
      '33:48 unknown catalog entry "gww"',
      '34:37 unknown catalog entry "mqq"',
      '36:46 unknown catalog entry "smal" (did you mean "small"?)',
      '37:22 "*" is already used by unit "u1"; only one unit may take the remaining domains',
      '38:26 unknown domain "aa" (did you mean "a"?)',
      '38:30 domain "a" is placed in two units: "u3" and "u3"',
      '38:61 autoscale min 3 is above max 2',
      '41:54 unknown catalog entry "pgg"',
      '42:39 "*" is already used by datastore "s1"',
      '43:44 unknown table "tx" (did you mean "ta"?)',
      '43:48 table "ta" is stored in two datastores: "s3" and "s3"',
      '44:32 unknown catalog entry "monn"',
      '47:7 domain "p" is placed in no unit',
      '50:7 table "shared" (of domain "a") is stored in no datastore',
      '50:36 datastore "mem" is engine memory, state in its unit\'s process: it has no port (remove port, or pick a server engine)',
      '50:49 datastore "mem" is engine memory, state in its unit\'s process: it runs on no instance of its own (its memory is its unit\'s; remove instance)',
      '50:64 datastore "mem" is engine memory, state in one unit\'s process, but holds tables of units "v1" (ta) and "v2" (tb): give each unit its own memory store, or use a server engine',
      '53:10 give rate (open workload) or users (closed workload), not both',
      '54:23 mix entry "q.r": unknown domain "q" (did you mean "a.x"?)',
    ]);
    expect(at(r, 'warnings')).toEqual([
      '29:13 event "lonely" is never emitted',
      '39:22 unit "u4" runs no domain',
      '46:5 layout has 2 units and events but no broker; events between units will be modelled as direct HTTP calls (event "ev1" goes from unit "v1" to unit "v2")',
    ]);
  });

  it('a workload with neither rate, users nor a profile; a call tree at the call budget is fine', () => {
    // 1000 × (1 + 9) = 10,000 calls: exactly the limit (one more call below b.y and it is over).
    const text = BROKEN.slice(0, BROKEN.indexOf('layouts:'))
      .replace('{ op: c.z, count: 20 }', '{ op: c.z, count: 9 }')
      .replace('calls: [nodot, zz.x, a.nope, a.x, b.y]', 'calls: [b.y]')
      .replace('emits: [evv, ev1]', 'emits: [ev1]')
      .replace('y: { route: GET /x }', 'y: { route: GET /y }')
      .replace('tables: [tb, shared]', 'tables: [tb]')
      .replace('calls: [p.a]', 'calls: []')
      .replace('consumers: [b.y, b.nope]', 'consumers: [b.y]')
      .replace('    lonely: {}\n', '');
    const r = parseBlueprint(`${text}layouts:\n  l:\n    broker: { kind: nats }\n    units: { u: { domains: "*", port: 1 }, w: { domains: [p], port: 2 } }\n    datastores: { s: { engine: postgres, tables: "*" } }\nworkload: { mix: { a.x: 1 } }\n`, 'w.yaml');
    expect(at(r, 'errors')).toEqual(['34:11 a workload needs rate (open), users (closed) or a profile']);
    expect(at(r, 'warnings')).toEqual([]);
  });
});

describe('semantic checks at their boundaries', () => {
  const base = (domains: string, layout: string, workload = '') =>
    parseBlueprint(`apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: s }\nsystem:\n  domains:\n${domains}layouts:\n  l:\n${layout}${workload}`, 's.yaml');
  const all = (r: ReturnType<typeof parseBlueprint>) => [...(r.ok ? [] : r.errors), ...r.warnings].map((e) => `${e.line}:${e.col} ${e.message}`);

  it('a cycle closed twice by the same pair of calls is reported once', () => {
    const r = base('    a: { operations: { x: { route: GET /x, calls: [b.y] } } }\n    b: { operations: { y: { internal: true, calls: [a.x, a.x] } } }\n', '    units: { u: { domains: "*", port: 1 } }\n');
    expect(all(r)).toEqual(['7:53 cycle of synchronous calls: a.x → b.y → a.x']);
  });

  it('autoscale min equal to max, a closed workload (users alone), a memory store holding two tables of one unit: all fine', () => {
    const r = base(
      '    a: { tables: [t1, t2], operations: { x: { route: GET /x } } }\n',
      '    units: { u: { domains: "*", port: 1, autoscale: { min: 2, max: 2 } } }\n    datastores: { m: { engine: memory, tables: "*" } }\n',
      'workload: { users: 10, mix: { a.x: 1 } }\n',
    );
    expect(all(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('one unit with events and no broker: no warning about events between units', () => {
    const r = base('    a: { operations: { x: { route: GET /x, emits: [e] }, y: { internal: true } } }\n  events: { e: { consumers: [a.y] } }\n', '    units: { u: { domains: "*", port: 1 } }\n');
    expect(all(r)).toEqual([]);
  });

  // compose and Kubernetes name a service after its unit or datastore, and the gateway "gateway":
  // two of one name were one service (the generators dropped the unit without a word).
  it('a datastore named as a unit, and a unit or datastore named "gateway" beside a gateway: an error each; a memory store or no gateway: fine', () => {
    const domains = '    a: { tables: [t], operations: { x: { route: GET /x } } }\n';
    const clash = base(domains, '    gateway: { kind: kong, port: 80 }\n    units: { api: { domains: "*", port: 1 }, gateway: { domains: [], port: 2 } }\n    datastores: { api: { engine: postgres, tables: "*" } }\n');
    expect(all(clash)).toEqual([
      '10:55 unit "gateway" has the name of the layout\'s gateway, which runs as the service "gateway" in compose and Kubernetes; rename it',
      '11:24 datastore "api" has the name of unit "api": each runs as a service of its own name in compose and Kubernetes; rename one',
      '10:66 unit "gateway" runs no domain',
    ]);
    const store = base(domains, '    gateway: { kind: kong, port: 80 }\n    units: { api: { domains: "*", port: 1 } }\n    datastores: { gateway: { engine: postgres, tables: "*" } }\n');
    expect(all(store)).toEqual(['11:28 datastore "gateway" has the name of the layout\'s gateway, which runs as the service "gateway" in compose and Kubernetes; rename it']);
    const fine = base(domains, '    units: { gateway: { domains: "*", port: 1 } }\n    datastores: { gateway: { engine: memory, tables: "*" } }\n');
    expect(all(fine)).toEqual([]);
    // in-process state (engine memory) runs as no service: its name may be the gateway's
    const memory = base(domains, '    gateway: { kind: kong, port: 80 }\n    units: { api: { domains: "*", port: 1 } }\n    datastores: { gateway: { engine: memory, tables: "*" } }\n');
    expect(all(memory)).toEqual([]);
  });

  it('paced arrivals with users (a closed workload): an error at arrivals; with a rate: fine', () => {
    const domains = '    a: { operations: { x: { route: GET /x } } }\n';
    const units = '    units: { u: { domains: "*", port: 1 } }\n';
    expect(all(base(domains, units, 'workload: { users: 5, arrivals: paced, mix: { a.x: 1 } }\n'))).toEqual([
      '10:33 paced arrivals need an open workload (rate), not users: a closed workload’s requests come when its users’ think times end',
    ]);
    expect(all(base(domains, units, 'workload: { rate: 5/s, arrivals: paced, mix: { a.x: 1 } }\n'))).toEqual([]);
    expect(all(base(domains, units, 'workload: { users: 5, arrivals: poisson, mix: { a.x: 1 } }\n'))).toEqual([]);
  });

  it('two cycles through the same first operation: both, each from where it closes; a cycle entered from outside it: only its own operations', () => {
    const two = base(
      '    a: { operations: { x: { route: GET /x, calls: [b.y, c.z] } } }\n    b: { operations: { y: { internal: true, calls: [a.x] } } }\n    c: { operations: { z: { internal: true, calls: [a.x] } } }\n',
      '    units: { u: { domains: "*", port: 1 } }\n',
    );
    expect(all(two)).toEqual(['7:53 cycle of synchronous calls: a.x → b.y → a.x', '8:53 cycle of synchronous calls: a.x → c.z → a.x']);
    const entered = base(
      '    a: { operations: { x: { route: GET /x, calls: [b.y] } } }\n    b: { operations: { y: { internal: true, calls: [c.z] } } }\n    c: { operations: { z: { internal: true, calls: [b.y] } } }\n',
      '    units: { u: { domains: "*", port: 1 } }\n',
    );
    expect(all(entered)).toEqual(['8:53 cycle of synchronous calls: b.y → c.z → b.y']);
  });
});

