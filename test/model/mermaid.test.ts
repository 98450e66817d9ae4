import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';

const ROOT = new URL('../..', import.meta.url).pathname;
function load(name: string) {
  const r = parseBlueprint(readFileSync(join(ROOT, 'blueprints', `${name}.yaml`), 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error('invalid bundled blueprint');
  return r.blueprint;
}
const qc = load('quantchat');

/** Node ids declared in a flowchart: `id[`, `id(`, `id{`. */
const declared = (text: string) => [...text.matchAll(/^\s+([A-Za-z0-9_]+)(?=[[({])/gm)].map((m) => m[1]!);

describe('flowchart of a layout', () => {
  const ms = toMermaid(qc, 'microservices');

  it('draws client, gateway, every unit with domains, replicas and port, datastores as cylinders, and the broker', () => {
    expect(ms.startsWith('flowchart LR\n')).toBe(true);
    expect(ms).toContain('ext_client([Client])');
    expect(ms).toContain('gw_gateway{{"kong gateway<br/>:8000"}}');
    expect(ms).toContain('ext_client --> gw_gateway');
    expect(ms).toContain('u_message_service["message-service<br/>messages<br/>×3 · :8003"]');
    expect(ms).toContain('db_message_db[("message-db<br/>postgres")]');
    expect(ms).toContain('mq_broker[/"rabbitmq broker"/]');
    const ids = declared(ms);
    expect(ids.filter((i) => i.startsWith('u_'))).toHaveLength(8);
    expect(ids.filter((i) => i.startsWith('db_'))).toHaveLength(7);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('draws synchronous calls solid with counts and events dashed through the broker', () => {
    expect(ms).toContain('u_user_service -->|"7 calls"| u_auth_service');
    // A group post reaches messages by an event (group outbox → messages.deliver-group), not a call.
    expect(ms).not.toContain('u_group_service -->|"1 call"| u_message_service');
    expect(ms).toContain('u_group_service -.->|"group.message-stored"| mq_broker');
    expect(ms).toContain('mq_broker -.->|"group.message-stored"| u_message_service');
    expect(ms).toContain('u_message_service -.->|"group.message-posted, message.sent"| mq_broker');
    expect(ms).toContain('mq_broker -.->|"message.sent"| u_relay_service');
    // Edges only between declared nodes.
    const ids = new Set(declared(ms));
    for (const m of ms.matchAll(/^\s+(\w+) -(?:->|\.->)(?:\|"[^"]*"\|)? (\w+)$/gm)) {
      expect(ids.has(m[1]!)).toBe(true);
      expect(ids.has(m[2]!)).toBe(true);
    }
  });

  it('the monolith is one unit reached directly, with no call or event edges', () => {
    const mono = toMermaid(qc, 'monolith');
    expect(declared(mono).filter((i) => i.startsWith('u_'))).toEqual(['u_backend']);
    expect(mono).toContain('ext_client --> u_backend');
    expect(mono).not.toContain('-.->');
    expect(mono).not.toMatch(/calls?"\|/);
  });

  it('without a broker, events between units are dashed edges from emitter to consumer', () => {
    const text = readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8').replace(
      '    broker: { kind: rabbitmq, instance: mq-10usd, port: 5672 }\n    units:\n      auth-service: { domains: [auth], port: 8001, replicas: 2',
      '    units:\n      auth-service: { domains: [auth], port: 8001, replicas: 2',
    );
    const r = parseBlueprint(text, 'q.yaml');
    if (!r.ok) throw new Error('invalid');
    const out = toMermaid(r.blueprint, 'microservices');
    expect(out).not.toContain('mq_broker');
    expect(out).toContain('u_message_service -.->|"message.sent"| u_relay_service');
  });

  it('is deterministic and sanitizes ids (keywords, punctuation, collisions)', () => {
    expect(toMermaid(qc, 'microservices')).toBe(ms);
    const r = parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ids }
system:
  domains:
    end: { tables: [t1], operations: { go: { route: GET /go, calls: [a-b.x] } } }
    a-b: { tables: [t2], operations: { x: { internal: true, db: { reads: 1 } } } }
    a_b: { operations: { y: { route: GET /y } } }
layouts:
  l:
    units:
      end: { domains: [end], port: 1, instance: c }
      a-b: { domains: [a-b], port: 2, instance: c }
      a-b-x: { domains: [a_b], port: 3, instance: c }
    datastores: { graph: { engine: postgres, tables: "*" } }
catalog: { c: { usdPerMonth: $1 } }
`,
      'ids.yaml',
    );
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const out = toMermaid(r.blueprint, 'l');
    const ids = declared(out);
    expect(ids).toEqual(['ext_client', 'u_end', 'u_a_b', 'u_a_b_x', 'db_graph']);
    expect(out).toContain('u_end -->|"1 call"| u_a_b\n');
    const seq = toMermaid(r.blueprint, 'l', { operation: 'end.go' });
    expect(seq).toContain('participant u_end as end');
    expect(seq).toContain('u_end->>+u_a_b: a-b.x');
  });
});

describe('sequence diagram of an operation', () => {
  it('microservices: gateway, network hops to other units, the db query, and events via the broker', () => {
    const s = toMermaid(qc, 'microservices', { operation: 'messages.send' });
    const lines = s.trim().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  actor ext_client as Client');
    expect(lines).toContain('  ext_client->>gw_gateway: POST /api/v1/messages/send');
    expect(lines).toContain('  u_message_service->>+u_auth_service: auth.verify-token');
    expect(lines).toContain('  u_auth_service-->>-u_message_service: auth.verify-token response');
    expect(lines).toContain('  u_message_service->>db_message_db: 1 read, 1 write');
    expect(lines).toContain('  u_message_service-)mq_broker: publish message.sent');
    expect(lines).toContain('  mq_broker-)u_websocket_service: message.sent → realtime.broadcast');
    expect(lines.at(-1)).toBe('  gw_gateway-->>ext_client: response');
    // Participants are declared before any message uses them.
    const firstMessage = lines.findIndex((l) => l.includes('->>'));
    expect(lines.slice(1, firstMessage).every((l) => /^\s+(participant|actor) /.test(l))).toBe(true);
  });

  it('monolith: the same calls are in-process self-messages and the events in-process', () => {
    const s = toMermaid(qc, 'monolith', { operation: 'messages.send' });
    expect(s).toContain('u_backend->>u_backend: auth.verify-token (in-process)');
    expect(s).toContain('u_backend-)u_backend: message.sent → relay.enqueue (in-process, async)');
    expect(s).not.toContain('gw_gateway');
    expect(s).not.toContain('mq_broker');
    expect(s).toContain('ext_client->>u_backend: POST /api/v1/messages/send');
  });

  it('an internal operation starts with a note instead of a client', () => {
    const s = toMermaid(qc, 'microservices', { operation: 'users.check-contact' });
    expect(s).not.toContain('ext_client');
    expect(s).toContain('Note over u_user_service: users.check-contact (internal, started by a call or an event)');
  });
});
