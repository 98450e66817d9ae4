// toMermaid on a small hand-made blueprint, compared whole: every branch of the flowchart
// (gateway replicas, autoscale, a unit with no domains, call counts, events with and without a
// broker, datastores) and of the sequence diagram (loops, in-process calls, gRPC, optional and
// timed-out calls, waits, queries with and without a datastore, local and remote events).
import { describe, expect, it } from 'vitest';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';

const SHOP = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    front:
      tables: [pages]
      operations:
        home:
          route: GET /home
          cpu: 2ms
          wait: 3ms
          db: { reads: 2, writes: 1 }
          calls:
            - { op: cart.get, count: 3, timeout: 100ms, optional: true }
            - stock.list
            - front.render
          emits: [order.placed]
        render: { internal: true, cpu: 0.5ms }
    cart:
      tables: [carts]
      operations:
        get: { internal: true, cpu: 1ms, db: { reads: 1 }, calls: [{ op: stock.list, count: 2 }], emits: ['a<b>&"c";#1'] }
    stock:
      operations:
        list: { internal: true, cpu: 0.25ms, db: { writes: 1 } }
    mail:
      operations:
        send: { internal: true, cpu: 1ms }
        audit: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [mail.send, front.render, cart.get] }
    'a<b>&"c";#1': { consumers: [mail.audit] }
layouts:
  split:
    gateway: { kind: kong, port: 8000, replicas: 2 }
    broker: { kind: rabbitmq, port: 5672 }
    units:
      web: { domains: [front], port: 8080, autoscale: { min: 1, max: 4 } }
      carts: { domains: [cart], port: 8081, replicas: 2 }
      stock: { domains: [stock], port: 8082, protocol: grpc }
      mail: { domains: [mail], port: 8083 }
      idle: { domains: [], port: 8084 }
    datastores:
      pg: { engine: postgres, tables: [pages, carts] }
  direct:
    units:
      one: { domains: [front, cart], port: 9000 }
      two: { domains: "*", port: 9001 }
    datastores:
      all: { engine: mysql, tables: "*" }
  solo:
    units:
      app: { domains: "*", port: 7000 }
    datastores:
      db: { engine: postgres, tables: "*" }
`;

const parsed = parseBlueprint(SHOP, 'shop.yaml');
if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
const bp = parsed.blueprint;
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('toMermaid, whole diagrams of a small blueprint', () => {
  it('flowchart with a gateway and a broker', () => {
    expect(toMermaid(bp, 'split')).toBe(
      lines(
        'flowchart LR',
        '  ext_client([Client])',
        '  gw_gateway{{"kong gateway<br/>:8000 ×2"}}',
        '  mq_broker[/"rabbitmq broker"/]',
        '  subgraph units [Units]',
        '    u_web["web<br/>front<br/>×1 (1–4) · :8080"]',
        '    u_carts["carts<br/>cart<br/>×2 · :8081"]',
        '    u_stock["stock<br/>stock<br/>×1 · :8082"]',
        '    u_mail["mail<br/>mail<br/>×1 · :8083"]',
        '    u_idle["idle<br/>(no domains)<br/>×1 · :8084"]',
        '  end',
        '  subgraph data [Datastores]',
        '    db_pg[("pg<br/>postgres")]',
        '  end',
        '  ext_client --> gw_gateway',
        '  gw_gateway --> u_web',
        '  u_web -->|"1 call ×3"| u_carts',
        '  u_web -->|"1 call"| u_stock',
        '  u_carts -->|"1 call ×2"| u_stock',
        '  u_web -.->|"order.placed"| mq_broker',
        '  u_carts -.->|"a&lt;b&gt;&amp;#quot;c#quot;;#35;1"| mq_broker',
        '  mq_broker -.->|"order.placed"| u_web',
        '  mq_broker -.->|"order.placed"| u_carts',
        '  mq_broker -.->|"a&lt;b&gt;&amp;#quot;c#quot;;#35;1, order.placed"| u_mail',
        '  u_web --> db_pg',
        '  u_carts --> db_pg',
      ),
    );
  });
  it('flowchart without them', () => {
    expect(toMermaid(bp, 'direct')).toBe(
      lines(
        'flowchart LR',
        '  ext_client([Client])',
        '  subgraph units [Units]',
        '    u_one["one<br/>front, cart<br/>×1 · :9000"]',
        '    u_two["two<br/>stock, mail<br/>×1 · :9001"]',
        '  end',
        '  subgraph data [Datastores]',
        '    db_all[("all<br/>mysql")]',
        '  end',
        '  ext_client --> u_one',
        '  u_one -->|"2 calls (×2)"| u_two',
        '  u_one -.->|"a&lt;b&gt;&amp;#quot;c#quot;;#35;1, order.placed"| u_two',
        '  u_one --> db_all',
      ),
    );
  });
  it('sequence with a gateway and a broker', () => {
    expect(toMermaid(bp, 'split', { operation: 'front.home' })).toBe(
      lines(
        'sequenceDiagram',
        '  actor ext_client as Client',
        '  participant gw_gateway as kong gateway',
        '  participant u_web as web',
        '  participant u_carts as carts',
        '  participant u_stock as stock',
        '  participant db_pg as pg (postgres)',
        '  participant mq_broker as rabbitmq broker',
        '  participant u_mail as mail',
        '  ext_client->>gw_gateway: GET /home',
        '  gw_gateway->>u_web: GET /home',
        '  Note over u_web: front.home: 2 ms CPU, waits 3 ms',
        '  loop 3 times',
        '  u_web->>+u_carts: cart.get (optional), timeout 100 ms',
        '  Note over u_carts: cart.get: 1 ms CPU',
        '  loop 2 times',
        '  u_carts->>+u_stock: stock.list (gRPC)',
        '  Note over u_stock: stock.list: 250 µs CPU',
        "  Note over u_stock: 1 write (no datastore holds stock's tables)",
        '  u_stock-->>-u_carts: stock.list response',
        '  end',
        '  u_carts->>db_pg: 1 read',
        '  db_pg-->>u_carts: rows',
        '  u_carts-)mq_broker: publish a#lt;b#gt;#38;"c"#59;#35;1',
        '  mq_broker-)u_mail: a#lt;b#gt;#38;"c"#59;#35;1 → mail.audit',
        '  u_carts-->>-u_web: cart.get response',
        '  end',
        '  u_web->>+u_stock: stock.list (gRPC)',
        '  Note over u_stock: stock.list: 250 µs CPU',
        "  Note over u_stock: 1 write (no datastore holds stock's tables)",
        '  u_stock-->>-u_web: stock.list response',
        '  u_web->>u_web: front.render (in-process)',
        '  Note over u_web: front.render: 500 µs CPU',
        '  u_web->>db_pg: 2 reads, 1 write',
        '  db_pg-->>u_web: rows',
        // the broker delivers the publishing unit's own consumer too (localDelivery: broker, the default)
        '  u_web-)mq_broker: publish order.placed',
        '  mq_broker-)u_mail: order.placed → mail.send',
        '  mq_broker-)u_web: order.placed → front.render',
        '  mq_broker-)u_carts: order.placed → cart.get',
        '  u_web-->>gw_gateway: response',
        '  gw_gateway-->>ext_client: response',
      ),
    );
  });
  it('sequence without them', () => {
    expect(toMermaid(bp, 'direct', { operation: 'front.home' })).toBe(
      lines(
        'sequenceDiagram',
        '  actor ext_client as Client',
        '  participant u_one as one',
        '  participant u_two as two',
        '  participant db_all as all (mysql)',
        '  ext_client->>u_one: GET /home',
        '  Note over u_one: front.home: 2 ms CPU, waits 3 ms',
        '  loop 3 times',
        '  u_one->>u_one: cart.get (in-process)',
        '  Note over u_one: cart.get: 1 ms CPU',
        '  loop 2 times',
        '  u_one->>+u_two: stock.list',
        '  Note over u_two: stock.list: 250 µs CPU',
        "  Note over u_two: 1 write (no datastore holds stock's tables)",
        '  u_two-->>-u_one: stock.list response',
        '  end',
        '  u_one->>db_all: 1 read',
        '  db_all-->>u_one: rows',
        '  u_one-)u_two: a#lt;b#gt;#38;"c"#59;#35;1 → mail.audit',
        '  end',
        '  u_one->>+u_two: stock.list',
        '  Note over u_two: stock.list: 250 µs CPU',
        "  Note over u_two: 1 write (no datastore holds stock's tables)",
        '  u_two-->>-u_one: stock.list response',
        '  u_one->>u_one: front.render (in-process)',
        '  Note over u_one: front.render: 500 µs CPU',
        '  u_one->>db_all: 2 reads, 1 write',
        '  db_all-->>u_one: rows',
        '  u_one-)u_one: order.placed → front.render (in-process, async)',
        '  u_one-)u_one: order.placed → cart.get (in-process, async)',
        '  u_one-)u_two: order.placed → mail.send',
        '  u_one-->>ext_client: response',
      ),
    );
  });

  it('one unit: "Unit", reached directly, no call or event edges (all in-process)', () => {
    expect(toMermaid(bp, 'solo')).toBe(
      lines(
        'flowchart LR',
        '  ext_client([Client])',
        '  subgraph units [Unit]',
        '    u_app["app<br/>front, cart, stock, mail<br/>×1 · :7000"]',
        '  end',
        '  subgraph data [Datastores]',
        '    db_db[("db<br/>postgres")]',
        '  end',
        '  ext_client --> u_app',
        '  u_app --> db_db',
      ),
    );
  });

  it('refuses an operation the blueprint does not have', () => {
    expect(() => toMermaid(bp, 'split', { operation: 'front.nope' })).toThrow(new Error('unknown operation "front.nope"'));
  });
});

describe('toMermaid, the remaining branches', () => {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mini }
system:
  domains:
    p: { tables: [t1], operations: { go: { route: GET /go, calls: [q.x], emits: [local] }, on: { internal: true } } }
    q: { tables: [t2], operations: { x: { internal: true, cpu: 1.234ms, db: { reads: 1 } } } }
  events:
    local: { consumers: [p.on] }
layouts:
  l:
    broker: { kind: redis, localDelivery: in-process }
    units:
      a: { domains: [p], port: 1 }
      b: { domains: [q], port: 2 }
    datastores:
      s1: { engine: postgres, tables: [t1] }
      s2: { engine: redis, tables: [t2] }
`,
    'mini.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  const mini = r.blueprint;

  it('an event with only in-unit consumers is not published to the broker; the second datastore is the one queried', () => {
    expect(toMermaid(mini, 'l', { operation: 'p.go' })).toBe(
      lines(
        'sequenceDiagram',
        '  actor ext_client as Client',
        '  participant u_a as a',
        '  participant u_b as b',
        '  participant db_s2 as s2 (redis)',
        '  ext_client->>u_a: GET /go',
        '  Note over u_a: p.go: 1 ms CPU',
        '  u_a->>+u_b: q.x',
        '  Note over u_b: q.x: 1.23 ms CPU',
        '  u_b->>db_s2: 1 read',
        '  db_s2-->>u_b: rows',
        '  u_b-->>-u_a: q.x response',
        '  u_a-)u_a: local → p.on (in-process, async)',
        '  u_a-->>ext_client: response',
      ),
    );
  });

  it('an internal operation: a note to start, no response at the end', () => {
    expect(toMermaid(mini, 'l', { operation: 'q.x' })).toBe(
      lines('sequenceDiagram', '  participant u_b as b', '  participant db_s2 as s2 (redis)', '  Note over u_b: q.x (internal, started by a call or an event)', '  Note over u_b: q.x: 1.23 ms CPU', '  u_b->>db_s2: 1 read', '  db_s2-->>u_b: rows'),
    );
  });

  it('a flowchart: events between units only, datastores listed even when in-process', () => {
    expect(toMermaid(mini, 'l')).toBe(
      lines(
        'flowchart LR',
        '  ext_client([Client])',
        '  mq_broker[/"redis broker"/]',
        '  subgraph units [Units]',
        '    u_a["a<br/>p<br/>×1 · :1"]',
        '    u_b["b<br/>q<br/>×1 · :2"]',
        '  end',
        '  subgraph data [Datastores]',
        '    db_s1[("s1<br/>postgres")]',
        '    db_s2[("s2<br/>redis")]',
        '  end',
        '  ext_client --> u_a',
        '  u_a -->|"1 call"| u_b',
        '  u_a --> db_s1',
        '  u_b --> db_s2',
      ),
    );
  });

  it('a gateway of one replica shows no ×; two counted calls on one edge are both named', () => {
    const clash = parseBlueprint(
      'apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: clash }\nsystem:\n  domains:\n    p: { operations: { go: { route: GET /go, calls: [{ op: q.x, count: 2 }, { op: q.y, count: 3 }] } } }\n    q: { operations: { x: { internal: true }, y: { internal: true } } }\nlayouts:\n  l:\n    gateway: { kind: nginx, port: 80 }\n    units:\n      a-b: { domains: [p], port: 1 }\n      c: { domains: [q], port: 2 }\n',
      'clash.yaml',
    );
    expect(clash.ok && toMermaid(clash.blueprint, 'l')).toBe(
      lines(
        'flowchart LR',
        '  ext_client([Client])',
        '  gw_gateway{{"nginx gateway<br/>:80"}}',
        '  subgraph units [Units]',
        '    u_a_b["a-b<br/>p<br/>×1 · :1"]',
        '    u_c["c<br/>q<br/>×1 · :2"]',
        '  end',
        '  ext_client --> gw_gateway',
        '  gw_gateway --> u_a_b',
        '  u_a_b -->|"2 calls (×2, ×3)"| u_c',
      ),
    );
  });

  it('no datastore at all: no Datastores subgraph', () => {
    const none = parseBlueprint('apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: none }\nsystem: { domains: { p: { operations: { go: { route: GET /go } } } } }\nlayouts: { l: { units: { a: { domains: "*", port: 1 } } } }\n', 'none.yaml');
    expect(none.ok && toMermaid(none.blueprint, 'l')).toBe(lines('flowchart LR', '  ext_client([Client])', '  subgraph units [Unit]', '    u_a["a<br/>p<br/>×1 · :1"]', '  end', '  ext_client --> u_a'));
  });
});

describe('toMermaid: an event consumed in its own unit, through a broker that delivers local consumers (the default)', () => {
  const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: own }
system:
  domains:
    p: { operations: { go: { route: GET /go, emits: [local] }, on: { internal: true } } }
  events:
    local: { consumers: [p.on] }
layouts:
  l:
    broker: { kind: kafka }
    units:
      a: { domains: [p], port: 1 }
`;
  const r = parseBlueprint(text, 'own.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));

  it('the flowchart draws the unit to the broker and back (the simulator sends it so)', () => {
    const chart = toMermaid(r.blueprint, 'l');
    expect(chart).toContain('  u_a -.->|"local"| mq_broker\n');
    expect(chart).toContain('  mq_broker -.->|"local"| u_a\n');
  });

  it('the sequence publishes it and the broker delivers it back; with localDelivery: in-process it stays in the unit', () => {
    const seq = toMermaid(r.blueprint, 'l', { operation: 'p.go' });
    expect(seq).toContain('  u_a-)mq_broker: publish local\n  mq_broker-)u_a: local → p.on\n');
    const inProcess = parseBlueprint(text.replace('broker: { kind: kafka }', 'broker: { kind: kafka, localDelivery: in-process }'), 'own.yaml');
    if (!inProcess.ok) throw new Error('fixture');
    const local = toMermaid(inProcess.blueprint, 'l', { operation: 'p.go' });
    expect(local).toContain('  u_a-)u_a: local → p.on (in-process, async)\n');
    expect(local).not.toContain('mq_broker');
    expect(toMermaid(inProcess.blueprint, 'l')).not.toMatch(/-\.->/);
  });
});
