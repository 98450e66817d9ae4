// The checklist's derived answers on small hand-made blueprints, each answer's value and reason
// exact: the team-size boundary (5 and 6 developers), which gateway and broker are named, the
// events' list cut at three, what makes a call between units guarded, the target layout (named,
// else the one with most units, the first on a tie), and the first extraction's reason.
import { describe, expect, it } from 'vitest';
import { checklist, deriveAnswers, firstExtraction, recommend, score, targetLayout } from '../../src/model/checklist.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { Blueprint } from '../../src/model/schema.js';

function bp(text: string) {
  const r = parseBlueprint(`apiVersion: archsim/v1\nkind: Blueprint\n${text}`, 'c.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
}

const CALLS = bp(`metadata: { name: calls, team: { developers: 5, devops: true } }
system:
  domains:
    a:
      operations:
        go:
          route: GET /go
          calls:
            - b.x
            - { op: c.x, timeout: 100ms }
            - { op: d.x, retries: 1 }
            - { op: e.x, circuitBreaker: {} }
            - { op: f.x, optional: true }
            - { op: g.x, retries: 0 }
            - a.local
        local: { internal: true }
    b: { operations: { x: { internal: true } } }
    c: { operations: { x: { internal: true } } }
    d: { operations: { x: { internal: true } } }
    e: { operations: { x: { internal: true } } }
    f: { operations: { x: { internal: true } } }
    g: { operations: { x: { internal: true } } }
layouts:
  two:
    units:
      front: { domains: [a], port: 1 }
      rest: { domains: "*", port: 2 }
  three:
    gateway: { kind: traefik, port: 80 }
    units:
      front: { domains: [a], port: 1 }
      mid: { domains: [b, c], port: 2 }
      rest: { domains: "*", port: 3 }
  also-three:
    gateway: { kind: nginx, port: 80 }
    units:
      x: { domains: [a], port: 1 }
      y: { domains: [b], port: 2 }
      z: { domains: "*", port: 3 }
`);

const COUPLED = bp(`metadata: { name: coupled, team: { developers: 6 } }
system:
  domains:
    p: { tables: [t1], operations: { x: { route: GET /x, calls: [q.y], emits: [e4] }, z: { internal: true } } }
    q: { tables: [t2], operations: { y: { internal: true, calls: [p.z] } } }
    r: { operations: { w: { internal: true } } }
  events:
    e1: {}
    e2: {}
    e3: {}
    e4: { consumers: [r.w] }
layouts:
  mono:
    units:
      all: { domains: "*", port: 1 }
    datastores:
      db: { engine: postgres, tables: "*" }
  split:
    broker: { kind: rabbitmq }
    units:
      up: { domains: [p], port: 1 }
      down: { domains: [q, r], port: 2 }
    datastores:
      db: { engine: postgres, tables: "*" }
  other:
    broker: { kind: nats }
    units:
      up: { domains: [p], port: 1 }
      down: { domains: [q, r], port: 2 }
    datastores:
      db1: { engine: postgres, tables: [t1] }
      db2: { engine: postgres, tables: [t2] }
`);
const small = (name: string, extra: string, layouts: string) =>
  bp(`metadata: { name: ${name} }
system:
  domains:
    a: { operations: { go: { route: GET /go, calls: [b.x] } } }
    b: { operations: { x: { internal: true } } }
${extra}layouts:
${layouts}`);
const SPLIT = '  split:\n    units:\n      u: { domains: [a], port: 1 }\n      v: { domains: [b], port: 2 }\n';
const MONO = '  mono:\n    units:\n      all: { domains: "*", port: 1 }\n';

const guards = 'none with a timeout, retries or a circuit breaker yet';
const clean = (l: string) => ({
  'bounded-contexts': { value: true, reason: `every table has one owning domain, and no database in "${l}" holds tables of two units` },
  independence: { value: true, reason: `no cycle of synchronous calls between the units of "${l}"` },
});

describe('the target layout', () => {
  it('is the one named, else the one with most units, the first of a tie', () => {
    expect(targetLayout(CALLS, 'two')).toBe('two');
    expect(targetLayout(CALLS, 'nowhere')).toBe('nowhere');
    // two has 2 units; three and also-three 3 each: three comes first.
    expect(targetLayout(CALLS)).toBe('three');
    expect(targetLayout(small('m', '', MONO + SPLIT))).toBe('split');
    expect(targetLayout(small('m', '', SPLIT + MONO))).toBe('split');
  });
});

describe('derived answers, value and reason', () => {
  it('five developers are not "more than 5"; devops as written; the target layout’s gateway, else the first one', () => {
    expect(deriveAnswers(CALLS)).toEqual({
      'team-size': { value: false, reason: 'metadata.team.developers is 5' },
      devops: { value: true, reason: 'metadata.team.devops is true' },
      gateway: { value: true, reason: 'layout "three" declares a gateway (traefik)' },
      communication: { value: true, reason: 'synchronous request/response: 6 declared calls between the units of "three", 4 with a timeout, retries or a circuit breaker' },
      ...clean('three'),
    });
    expect(deriveAnswers(CALLS, 'also-three').gateway).toEqual({ value: true, reason: 'layout "also-three" declares a gateway (nginx)' });
    // "two" has no gateway: the blueprint's first gateway answers.
    expect(deriveAnswers(CALLS, 'two')).toMatchObject({
      gateway: { value: true, reason: 'layout "three" declares a gateway (traefik)' },
      communication: { value: true, reason: 'synchronous request/response: 6 declared calls between the units of "two", 4 with a timeout, retries or a circuit breaker' },
    });
    expect(deriveAnswers(COUPLED)['team-size']).toEqual({ value: true, reason: 'metadata.team.developers is 6' });
  });

  it('a call counts as guarded by a timeout, by retries above 0, by a circuit breaker, or by being optional; one call is "1 declared call"', () => {
    // CALLS: a → b (plain), c (timeout), d (retries 1), e (breaker), f (optional), g (retries 0), a (same unit).
    expect(deriveAnswers(CALLS, 'two').communication!.reason).toContain('6 declared calls between the units of "two", 4 with');
    expect(deriveAnswers(small('one', '', SPLIT))).toEqual({
      communication: { value: true, reason: `synchronous request/response: 1 declared call between the units of "split", ${guards}` },
      ...clean('split'),
    });
  });

  it('events: at most three named, then "…", and the brokers that carry them; a broker alone; nothing', () => {
    expect(deriveAnswers(COUPLED).communication).toEqual({ value: true, reason: '4 events declared (e1, e2, e3, …), carried by rabbitmq in split; nats in other' });
    expect(deriveAnswers(small('threeev', '  events: { e1: {}, e2: {}, e3: {} }\n', MONO)).communication).toEqual({ value: true, reason: '3 events declared (e1, e2, e3)' });
    expect(deriveAnswers(small('oneev', '  events: { e1: {} }\n', MONO)).communication).toEqual({ value: true, reason: '1 event declared (e1)' });
    const brokers = small('brk', '', MONO + '  b1:\n    broker: { kind: kafka }\n    units:\n      all: { domains: "*", port: 1 }\n  b2:\n    broker: { kind: nats }\n    units:\n      all: { domains: "*", port: 1 }\n');
    expect(deriveAnswers(brokers)).toEqual({ communication: { value: true, reason: 'a kafka broker is declared in b1' }, ...clean('mono') });
    expect(deriveAnswers(small('none', '', MONO))).toEqual({ communication: { value: false, reason: 'no events, no broker and no call between units of "mono"' }, ...clean('mono') });
  });

  it('a shared database and a cycle of calls, each named from lint, in the target layout only', () => {
    expect(deriveAnswers(COUPLED)).toMatchObject({
      'bounded-contexts': { value: false, reason: 'in "split": postgres datastore "db" is shared by 2 units: up (p: t1); down (q: t2)' },
      independence: { value: false, reason: 'in "split": units call each other synchronously in a cycle: up → down → up (p.x → q.y; q.y → p.z)' },
    });
    expect(deriveAnswers(COUPLED, 'other')).toMatchObject({
      'bounded-contexts': clean('other')['bounded-contexts'],
      independence: { value: false, reason: 'in "other": units call each other synchronously in a cycle: up → down → up (p.x → q.y; q.y → p.z)' },
    });
    expect(deriveAnswers(COUPLED, 'mono')).toMatchObject(clean('mono'));
  });
});

// Two of each finding in one layout, and one broker kind in two layouts: how the lists join.
const TWICE = bp(`metadata: { name: twice }
system:
  domains:
    p: { tables: [t1], operations: { x: { route: GET /x, calls: [q.y] }, z: { internal: true } } }
    q: { tables: [t2], operations: { y: { internal: true, calls: [p.z] } } }
    s: { tables: [t3], operations: { x: { route: GET /s, calls: [t.y], emits: [e1] }, z: { internal: true } } }
    t: { tables: [t4], operations: { y: { internal: true, calls: [s.z] } } }
    w: { operations: { v: { internal: true } } }
  events:
    e1: { consumers: [w.v] }
layouts:
  four:
    broker: { kind: kafka }
    units:
      u1: { domains: [p], port: 1 }
      u2: { domains: [q], port: 2 }
      u3: { domains: [s], port: 3 }
      u4: { domains: [t, w], port: 4 }
    datastores:
      db1: { engine: postgres, tables: [t1, t2] }
      db2: { engine: postgres, tables: [t3, t4] }
  also:
    broker: { kind: kafka }
    units:
      all: { domains: "*", port: 1 }
    datastores:
      db: { engine: postgres, tables: "*" }
`);

describe('answers that list several findings', () => {
  it('two shared databases and two cycles, each list joined by "; "; one broker kind in two layouts named once with both', () => {
    expect(deriveAnswers(TWICE)).toEqual({
      communication: { value: true, reason: '1 event declared (e1), carried by kafka in four, also' },
      'bounded-contexts': {
        value: false,
        reason: 'in "four": postgres datastore "db1" is shared by 2 units: u1 (p: t1); u2 (q: t2); postgres datastore "db2" is shared by 2 units: u3 (s: t3); u4 (t: t4)',
      },
      independence: {
        value: false,
        reason: 'in "four": units call each other synchronously in a cycle: u1 → u2 → u1 (p.x → q.y; q.y → p.z); units call each other synchronously in a cycle: u3 → u4 → u3 (s.x → t.y; t.y → s.z)',
      },
    });
  });
});

describe('the first extraction', () => {
  it('names each of its links, joined by commas', () => {
    // a is linked to b and c by events only (0.5 each); b and c also call each other (1.5 each).
    const linked = bp(`metadata: { name: linked }
system:
  domains:
    a: { operations: { v: { internal: true } } }
    b: { operations: { x: { route: GET /b, calls: [c.y], emits: [e1] } } }
    c: { operations: { y: { internal: true, emits: [e2] } } }
  events:
    e1: { consumers: [a.v] }
    e2: { consumers: [a.v] }
layouts:
  l:
    units:
      all: { domains: "*", port: 1 }
`);
    expect(firstExtraction(linked)?.why).toBe('fewest dependencies: linked to b (events), c (events) (score 1; next b 1.5)');
  });

  it('names its links (events marked), its score and the next one; a tie only when it involves the first', () => {
    // r is linked to p by an event only (0.5); q and p tie at nothing: q 1, p 1.5.
    expect(firstExtraction(COUPLED)).toEqual({ domain: 'r', unit: 'down', layout: 'split', why: 'fewest dependencies: linked to p (events) (score 0.5; next q 1)', order: ['r', 'q', 'p'] });
    expect(firstExtraction(COUPLED, 'mono')).toEqual({ domain: 'r', unit: 'all', layout: 'mono', why: 'fewest dependencies: linked to p (events) (score 0.5; next q 1)', order: ['r', 'q', 'p'] });
    expect(firstExtraction(CALLS, 'two')).toEqual({
      domain: 'b',
      unit: 'rest',
      layout: 'two',
      why: 'fewest dependencies: linked to a (score 1; next c 1); b and c tie at 1 with 1 neighbouring domain each; alphabetical order decides',
      order: ['b', 'c', 'd', 'e', 'f', 'g', 'a'],
    });
  });
});

describe('the checklist', () => {
  it('answers win, derived answers fill in (kept beside an answer), the rest stay unchecked, in the seed’s order', () => {
    const c = checklist({ blueprint: small('none', '', MONO), answers: { monitoring: true, 'team-size': false, communication: true } });
    const no = (id: string, group: string, text: string) => ({ id, group, text, checked: false, source: 'unanswered' });
    expect(c).toEqual({
      blueprint: 'none',
      targetLayout: 'mono',
      score: 4,
      total: 16,
      recommendation: { id: 'modular-monolith', text: 'Stay with modular monolith', range: '< 8' },
      items: [
        { id: 'monitoring', group: 'infrastructure', text: 'Have monitoring/logging solution (Prometheus, Grafana)', checked: true, source: 'answer' },
        no('orchestration', 'infrastructure', 'Have container orchestration (Kubernetes)'),
        no('ci-cd', 'infrastructure', 'Have CI/CD pipeline for each service'),
        no('gateway', 'infrastructure', 'Have service mesh or API gateway ready'),
        { id: 'team-size', group: 'team', text: 'Team size > 5 developers', checked: false, source: 'answer' },
        no('devops', 'team', 'Have DevOps expertise'),
        no('team-per-service', 'team', 'Can dedicate team per service'),
        no('on-call', 'team', 'Have on-call rotation'),
        { id: 'bounded-contexts', group: 'technical', text: 'Clear bounded contexts identified', derived: clean('mono')['bounded-contexts'], checked: true, source: 'derived' },
        { id: 'independence', group: 'technical', text: 'Services can be truly independent', derived: clean('mono').independence, checked: true, source: 'derived' },
        {
          id: 'communication',
          group: 'technical',
          text: 'Have inter-service communication strategy',
          derived: { value: false, reason: 'no events, no broker and no call between units of "mono"' },
          checked: true,
          source: 'answer',
        },
        no('db-migration', 'technical', 'Database migration plan ready'),
        no('budget', 'business', 'Budget for increased infrastructure'),
        no('complexity', 'business', 'Can accept temporary complexity'),
        no('timeline', 'business', 'Have 3-6 months for migration'),
        no('roi', 'business', 'Clear ROI from independent scaling'),
      ],
      firstExtraction: {
        domain: 'a',
        unit: 'all',
        layout: 'mono',
        why: 'fewest dependencies: linked to b (score 1; next b 1); a and b tie at 1 with 1 neighbouring domain each; alphabetical order decides',
        order: ['a', 'b'],
      },
      note: 'Seed 001 gives "8-12: gradual" and "12+: full microservices", which overlap at 12; archsim counts 12 as gradual migration.',
    });
  });

  it('the recommendation at each boundary of its ranges, and the score counts checked items', () => {
    const monolith = { id: 'modular-monolith', text: 'Stay with modular monolith', range: '< 8' };
    const gradual = { id: 'gradual-migration', text: 'Start gradual migration', range: '8–12' };
    const micro = { id: 'microservices', text: 'Go full microservices', range: '13+ (the seed’s "12+"; 12 counts as gradual)' };
    expect([0, 7, 8, 12, 13, 16].map(recommend)).toEqual([monolith, monolith, gradual, gradual, micro, micro]);
    expect(score([{ checked: true }, { checked: false }, { checked: true }])).toBe(2);
    expect(score([])).toBe(0);
  });

  it('without a blueprint: no target, no first extraction, nothing derived', () => {
    const c = checklist();
    expect(Object.keys(c)).toEqual(['score', 'total', 'recommendation', 'items', 'note']);
    expect(c.items.every((i) => i.source === 'unanswered' && !i.checked && !('derived' in i))).toBe(true);
  });
});

describe('a blueprint without layouts, or without domains', () => {
  const draft = (domains: Record<string, unknown>) => Blueprint.parse({ apiVersion: 'archsim/v1', kind: 'Blueprint', metadata: { name: 'nl' }, system: { domains }, layouts: {} });

  it('no target: communication judged without one, no boundary or independence answer, no unit for the first extraction', () => {
    const bp = draft({ a: { operations: { x: { calls: ['b.y'] } } }, b: { operations: { y: {} } }, c: {} });
    expect(targetLayout(bp)).toBeUndefined();
    expect(deriveAnswers(bp)).toEqual({ communication: { value: false, reason: 'no events, no broker and no call between units' } });
    expect(firstExtraction(bp)).toEqual({ domain: 'c', why: 'fewest dependencies: linked to nothing (score 0; next a 1)', order: ['c', 'a', 'b'] });
    const c = checklist({ blueprint: bp });
    expect([c.blueprint, 'targetLayout' in c, c.firstExtraction?.domain]).toEqual(['nl', false, 'c']);
  });

  it('one domain: nothing next; no domain: no first extraction at all', () => {
    expect(firstExtraction(draft({ only: {} }))).toEqual({ domain: 'only', why: 'fewest dependencies: linked to nothing (score 0; next none)', order: ['only'] });
    expect(firstExtraction(draft({}))).toBeUndefined();
    expect('firstExtraction' in checklist({ blueprint: draft({}) })).toBe(false);
  });
});
