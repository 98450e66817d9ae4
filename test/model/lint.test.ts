import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, extractionOrder } from '../../src/model/lint.js';
import { parseBlueprint, type Loaded } from '../../src/model/parse.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TEXT = readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8');

function load(text: string, file = 'quantchat.yaml'): Loaded {
  const r = parseBlueprint(text, file);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r;
}
const { blueprint: qc, locate } = load(TEXT);

describe('lint on the bundled QuantChat blueprint', () => {
  it('proposed-7: the message-db shared by the message and media services is an error, pointed at media_attachments', () => {
    const f = lint(qc, 'proposed-7').filter((x) => x.rule === 'shared-datastore' && x.severity === 'error');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('"message-db"');
    expect(f[0]!.message).toContain('message-service (messages: messages)');
    expect(f[0]!.message).toContain('media-service (media: media_attachments)');
    expect(f[0]!.path).toEqual(['layouts', 'proposed-7', 'datastores', 'message-db', 'tables', 1]);
    const at = locate(f[0]!.path);
    const line = TEXT.split('\n')[at.line - 1]!;
    expect(line).toContain('message-db:');
    expect(line.slice(at.col - 1).startsWith('media_attachments')).toBe(true);
    expect(f[0]!.why).toMatch(/shared-database anti-pattern/);
  });

  it('the monolith and the modular monolith have no cross-unit findings', () => {
    for (const layout of ['monolith', 'modular-monolith']) {
      const all = lint(qc, layout);
      // media's file store: its blobs' traffic is not simulated, said as info (not cross-unit)
      expect(all.filter((x) => x.rule === 'unqueried-datastore').map((x) => [x.severity, x.message])).toEqual([['info', `"uploads" (filesystem) holds media_objects but no query reaches it: the queries of media go to main`]]);
      const fs = all.filter((x) => x.rule !== 'unqueried-datastore');
      expect(fs.filter((x) => x.layout !== undefined)).toEqual([]);
      expect(fs.map((x) => x.rule)).toEqual(['extraction-order']);
    }
  });

  it('microservices: no cycles or shared databases; the shared Redis is a warning; distributed writes, hubs and the auth dependency are found', () => {
    const fs = lint(qc, 'microservices');
    expect(fs.filter((x) => x.severity === 'error')).toEqual([]);
    const rules = (rule: string) => fs.filter((x) => x.rule === rule);
    expect(rules('shared-datastore').map((x) => [x.severity, x.message.split(' is shared')[0]])).toEqual([['warning', 'redis datastore "redis"']]);
    expect(rules('distributed-write').map((x) => x.message.split(' ')[0])).toEqual(['realtime.connect', 'users.verify-invitation']);
    expect(rules('distributed-write')[1]!.message).toContain('auth.create-user → auth-db');
    // Seed 001: the WebSocket service depends on (nearly) all others.
    expect(rules('hub-unit').map((x) => x.path.at(-1))).toEqual(['message-service', 'websocket-service']);
    expect(rules('hub-unit')[1]!.message).toContain('depends on 4 of the other 7 units');
    expect(rules('critical-dependency')[0]!.message).toMatch(/^7 of the other 7 units depend on "auth-service"/);
    expect(rules('dual-write').map((x) => x.message.split(' ')[0])).toEqual(['auth.register', 'groups.post-message', 'messages.send', 'users.send-invitation']);
    expect(rules('chatty-operation')).toEqual([]);
  });

  it('findings are sorted errors first and are the same on every run', () => {
    const all = lint(qc);
    const order = { error: 0, warning: 1, info: 2 };
    expect(all.map((f) => order[f.severity])).toEqual([...all.map((f) => order[f.severity])].sort());
    expect(lint(qc)).toEqual(all);
    expect(all.filter((f) => f.rule === 'extraction-order')).toHaveLength(1);
  });

  it('the extraction order starts with relay (seeds 002/004) and explains its ties in the blueprint’s own names', () => {
    const { order, ties } = extractionOrder(qc);
    expect(order.map((s) => s.domain).slice(0, 3)).toEqual(['relay', 'media', 'notifications']);
    expect(order[0]).toMatchObject({ domain: 'relay', score: 1.5 });
    expect(order.at(-1)!.domain).toBe('auth');
    expect(ties).toContain('media and notifications tie at 2; media goes first with fewer neighbouring domains (2 vs 3)');
    const f = lint(qc, 'monolith')[0]!;
    expect(f.message).toMatch(/^extract relay first/);
    expect(f.why).toContain('Ties: media and notifications tie at 2');
    expect(f.why).toContain('(here relay)');
    expect(f.why).not.toMatch(/seed|QuantChat/i);
    expect(f.path).toEqual(['system', 'domains', 'relay']);
  });
});

describe('lint rules on variations', () => {
  it('warns when workers exceed the instance vCPU (the simulator serves them on the cores), pointed at workers', () => {
    const text = TEXT.replace('backend: { domains: "*", port: 8000, replicas: 1, instance: app-2gb,', 'backend: { domains: "*", port: 8000, replicas: 1, instance: app-2gb, workers: 4,');
    expect(text).not.toBe(TEXT);
    const { blueprint, locate: loc } = load(text);
    const f = lint(blueprint, 'monolith').filter((x) => x.rule === 'workers-over-vcpu');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('warning');
    expect(f[0]!.message).toMatch(/backend runs 4 workers on app-2gb \(\d+ vCPU\): it is simulated with \d+ server/);
    expect(loc(f[0]!.path).line).toBe(text.split('\n').findIndex((l) => l.includes('workers: 4')) + 1);
    expect(lint(qc, 'monolith').filter((x) => x.rule === 'workers-over-vcpu')).toEqual([]);
  });

  it('a unit without an instance is valid (a bare queueing model) and costs nothing', () => {
    const text = TEXT.replace('backend: { domains: "*", port: 8000, replicas: 1, instance: app-2gb,', 'backend: { domains: "*", port: 8000, replicas: 1,');
    expect(text).not.toBe(TEXT);
    const { blueprint } = load(text);
    expect(blueprint.layouts.monolith!.units.backend!.instance).toBeUndefined();
    expect(lint(blueprint, 'monolith').filter((x) => x.rule === 'workers-over-vcpu')).toEqual([]);
  });

  it('finds a cycle of synchronous calls between units that no operation-level cycle shows', () => {
    // messages.conversation → media.resolve already; media.delete → messages.mark-read closes a unit loop.
    const text = TEXT.replace(
      "          db: { reads: 1, writes: 1 }\n          calls: [auth.verify-token]\n        resolve:",
      "          db: { reads: 1, writes: 1 }\n          calls: [auth.verify-token, messages.mark-read]\n        resolve:",
    );
    expect(text).not.toBe(TEXT);
    const { blueprint } = load(text);
    const f = lint(blueprint, 'microservices').filter((x) => x.rule === 'sync-cycle');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
    expect(f[0]!.message).toContain('message-service → media-service → message-service');
    expect(f[0]!.message).toContain('media.delete → messages.mark-read');
    expect(lint(blueprint, 'monolith').filter((x) => x.rule === 'sync-cycle')).toEqual([]);
  });

  it('flags chatty operations above the threshold, counting the whole call tree', () => {
    const strict = lint(qc, 'microservices', { chattyThreshold: 1 }).filter((x) => x.rule === 'chatty-operation');
    // messages.send calls auth and users; groups.post-message calls auth only (its fan-out to
    // messages goes by an event, from the outbox).
    expect(strict.map((x) => x.message.split(' ')[0])).toEqual(expect.arrayContaining(['messages.send', 'messages.conversation', 'groups.add-member', 'realtime.connect']));
    expect(strict.map((x) => x.message.split(' ')[0])).not.toContain('groups.post-message');
    expect(strict.find((x) => x.message.startsWith('messages.send'))!.message).toContain('makes 2 synchronous calls across units');
    // In the monolith every call is in-process.
    expect(lint(qc, 'monolith', { chattyThreshold: 0 }).filter((x) => x.rule === 'chatty-operation')).toEqual([]);
    // A transitive tree: realtime.broadcast-group → groups.list-members, plus a deeper chain.
    const deep = TEXT.replace('calls: [auth.verify-token]\n          emits: [group.message-stored]', 'calls: [auth.verify-token, messages.deliver-group, users.check-contact, media.resolve, relay.enqueue]\n          emits: [group.message-stored]');
    expect(deep).not.toBe(TEXT);
    const chatty = lint(load(deep).blueprint, 'microservices').filter((x) => x.rule === 'chatty-operation');
    expect(chatty.map((x) => x.message.split(' ')[0])).toEqual(['groups.post-message']);
    expect(chatty[0]!.message).toContain('makes 5 synchronous calls');
  });
});
