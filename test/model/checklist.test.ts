import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklist, CHECKLIST, QUESTION_IDS, recommend } from '../../src/model/checklist.js';
import { parseBlueprint } from '../../src/model/parse.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const r = parseBlueprint(readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8'), 'quantchat.yaml');
if (!r.ok) throw new Error('invalid bundled blueprint');
const qc = r.blueprint;
// The seeds live in shared/, beside the repository (as on every developer's machine and in CI).
const SEED = join(ROOT, '..', 'shared', 'seeds', '001_ca3368bcf8b4c7aa.txt');
const seed = existsSync(SEED) ? readFileSync(SEED, 'utf8') : '';

describe('the decision framework', () => {
  it.skipIf(!seed)('has the seed’s 16 questions in its 4 groups, verbatim and in order (needs shared/seeds beside the repository)', () => {
    expect(CHECKLIST.map((g) => g.title)).toEqual(['Infrastructure', 'Team', 'Technical', 'Business']);
    expect(QUESTION_IDS).toHaveLength(16);
    const section = seed.slice(seed.indexOf('## Decision Framework'), seed.indexOf('**If you checked < 8'));
    const fromSeed = [...section.matchAll(/^- \[ \] (.+)$/gm)].map((m) => m[1]!.trim());
    expect(CHECKLIST.flatMap((g) => g.questions.map((q) => q.text))).toEqual(fromSeed);
  });

  it('recommends by score: < 8 modular monolith, 8–12 gradual (12 included), 13+ microservices', () => {
    const ids = Array.from({ length: 17 }, (_, n) => recommend(n).id);
    expect(ids.slice(0, 8).every((x) => x === 'modular-monolith')).toBe(true);
    expect(ids.slice(8, 13).every((x) => x === 'gradual-migration')).toBe(true);
    expect(ids.slice(13).every((x) => x === 'microservices')).toBe(true);
  });

  it('without a blueprint, only the answers count', () => {
    const c = checklist({ answers: { monitoring: true, budget: true, roi: false } });
    expect(c.score).toBe(2);
    expect(c.items.find((i) => i.id === 'roi')).toMatchObject({ checked: false, source: 'answer' });
    expect(c.items.find((i) => i.id === 'devops')).toMatchObject({ checked: false, source: 'unanswered' });
    expect(c.firstExtraction).toBeUndefined();
  });
});

describe('answers derived from a blueprint', () => {
  it('QuantChat: team of 3, no devops, gateway, events, clean boundaries in the microservices target', () => {
    const c = checklist({ blueprint: qc });
    expect(c.targetLayout).toBe('microservices');
    const item = (id: string) => c.items.find((i) => i.id === id)!;
    expect(item('team-size')).toMatchObject({ checked: false, source: 'derived', derived: { reason: 'metadata.team.developers is 3' } });
    expect(item('devops')).toMatchObject({ checked: false, source: 'derived' });
    expect(item('gateway')).toMatchObject({ checked: true, source: 'derived' });
    expect(item('communication')).toMatchObject({ checked: true, source: 'derived' });
    expect(item('bounded-contexts')).toMatchObject({ checked: true, source: 'derived' });
    expect(item('independence')).toMatchObject({ checked: true, source: 'derived' });
    expect(item('monitoring').source).toBe('unanswered');
    expect(c.score).toBe(4);
    expect(c.recommendation.id).toBe('modular-monolith');
    expect(c.firstExtraction).toMatchObject({ domain: 'relay', unit: 'relay-service', layout: 'microservices' });
    expect(c.firstExtraction!.order[0]).toBe('relay');
  });

  it('proposed-7 shares the message database, so its bounded contexts are not clear', () => {
    const c = checklist({ blueprint: qc, layout: 'proposed-7' });
    const bc = c.items.find((i) => i.id === 'bounded-contexts')!;
    expect(bc.checked).toBe(false);
    expect(bc.derived!.reason).toContain('"message-db" is shared by 2 units');
    expect(c.firstExtraction).toMatchObject({ domain: 'relay', unit: 'message-service', layout: 'proposed-7' });
  });

  it('answers win over derived values, which stay visible', () => {
    const c = checklist({ blueprint: qc, answers: { 'team-size': true, gateway: false } });
    expect(c.items.find((i) => i.id === 'team-size')).toMatchObject({ checked: true, source: 'answer', derived: { value: false } });
    expect(c.score).toBe(4);
  });

  it('an all-synchronous design (calls between units, no events) is a communication strategy; one unit with nothing crossing is not', () => {
    const mk = (units: string) => {
      const p = parseBlueprint(
        `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: grpc-shop }
system:
  domains:
    front: { operations: { home: { route: GET /, calls: [{ op: cart.get, timeout: 100ms }, stock.list] } } }
    cart: { operations: { get: { internal: true } } }
    stock: { operations: { list: { internal: true } } }
layouts:
  split:
    units: ${units}
catalog: { box: { usdPerMonth: $1 } }
`,
        'shop.yaml',
      );
      if (!p.ok) throw new Error(p.errors.map((e) => e.message).join('; '));
      return checklist({ blueprint: p.blueprint }).items.find((i) => i.id === 'communication')!;
    };
    const split = mk('{ f: { domains: [front], port: 8080, instance: box }, c: { domains: [cart], port: 8081, instance: box }, s: { domains: [stock], port: 8082, instance: box } }');
    expect(split).toMatchObject({ checked: true, source: 'derived' });
    expect(split.derived!.reason).toBe('synchronous request/response: 2 declared calls between the units of "split", 1 with a timeout, retries or a circuit breaker');
    const one = mk('{ all: { domains: "*", port: 8080, instance: box } }');
    expect(one.checked).toBe(false);
    expect(one.derived!.reason).toBe('no events, no broker and no call between units of "split"');
  });
});
