// Property: whatever text it is given, the loader either accepts it or says what is wrong and
// where. Thousands of mutated bundled blueprints (keys dropped or renamed, wrong types, random
// scalars, duplicated names, broken references, damaged YAML text) and random texts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseBlueprint, type LoadResult } from '../../src/model/parse.js';
import { lint } from '../../src/model/lint.js';
import { toMermaid } from '../../src/model/mermaid.js';
import { checklist } from '../../src/model/checklist.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TEXTS = {
  quantchat: readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8'),
  chatpop: readFileSync(join(ROOT, 'blueprints/chatpop.yaml'), 'utf8'),
};
const TREES = { quantchat: parse(TEXTS.quantchat) as unknown, chatpop: parse(TEXTS.chatpop) as unknown };
type Name = keyof typeof TEXTS;

type Path = (string | number)[];

/** Every path in a tree, parents before children. */
function paths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

const PATHS = { quantchat: paths(TREES.quantchat).slice(1), chatpop: paths(TREES.chatpop).slice(1) };

function parentOf(root: unknown, p: Path): { parent: Record<string | number, unknown> | unknown[]; key: string | number } | undefined {
  let v = root;
  for (const seg of p.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  if (v === null || typeof v !== 'object') return undefined;
  return { parent: v as Record<string | number, unknown>, key: p[p.length - 1]! };
}

const scalar = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('9ms', '200/s', '2KiB', '$12', '70%', '*', 'POST /x', 'auth.login', 'nope.nope', '-1ms', '1e400ms', '', '~', 'users', 'app-2gb', '__proto__', 'constructor', 'toString', 'auth.__proto__', 'auth.constructor'),
  fc.constant([] as unknown[]),
  fc.constant({} as Record<string, unknown>),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('domains', 'units', 'tables', 'op', 'port', 'cpu', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'extends', '*')) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: scalar }),
  // A sibling's value copied under another existing key: duplicate ports, tables, routes, names.
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), from: fc.nat() }),
  // A reference broken by one character.
  fc.record({ kind: fc.constant('typo' as const), at: fc.nat(), pos: fc.nat(), ch: fc.constantFrom('x', '.', '', ' ', '-', '*') }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(name: Name, ms: Mutation[]): string {
  const root = structuredClone(TREES[name]);
  const all = PATHS[name];
  for (const m of ms) {
    const p = all[m.at % all.length]!;
    const at = parentOf(root, p);
    if (!at) continue;
    const { parent, key } = at;
    const obj = parent as Record<string | number, unknown>;
    if (!(key in obj)) continue;
    switch (m.kind) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete obj[key];
        break;
      case 'rename':
        if (Array.isArray(parent)) obj[key] = m.name;
        else {
          const v = obj[key];
          delete obj[key];
          obj[m.name] = v;
        }
        break;
      case 'set':
        obj[key] = m.value;
        break;
      case 'duplicate': {
        const keys = Object.keys(obj);
        const other = keys[m.from % keys.length];
        if (other !== undefined) obj[key] = structuredClone(obj[other]);
        break;
      }
      case 'typo': {
        const v = obj[key];
        if (typeof v === 'string') {
          const i = m.pos % (v.length + 1);
          obj[key] = v.slice(0, i) + m.ch + v.slice(i + 1);
        }
        break;
      }
    }
  }
  return stringify(root);
}

/** Damage the text itself: cut, duplicate or insert characters and lines. */
const textEdit = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':', '- ', '\t', '{', '[', '"', "'", '&a ', '*a', '!!str ', '\n  ', '#', '%YAML 1.1\n', '---\n', '<<: *a\n')) }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
);
type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

function damage(text: string, edits: TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    if (e.kind === 'cut') t = t.slice(0, at) + t.slice(at + e.len);
    else if (e.kind === 'insert') t = t.slice(0, at) + e.s + t.slice(at);
    else {
      const lines = t.split('\n');
      const i = e.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      t = lines.join('\n');
    }
  }
  return t;
}

/** The property itself, plus: a blueprint that loads is safe for lint, graph and checklist. */
function check(text: string, file: string): LoadResult {
  const r = parseBlueprint(text, file);
  const positioned = (d: { file: string; line: number; col: number; message: string }) =>
    d.file === file && Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.col) && d.col >= 1 && typeof d.message === 'string' && d.message.length > 0;
  if (r.ok) {
    expect(r.warnings.every(positioned)).toBe(true);
    const layout = Object.keys(r.blueprint.layouts)[0]!;
    lint(r.blueprint, layout);
    toMermaid(r.blueprint, layout);
    checklist({ blueprint: r.blueprint, layout });
  } else {
    expect(r.errors.length).toBeGreaterThanOrEqual(1);
    const bad = [...r.errors, ...r.warnings].filter((d) => !positioned(d));
    expect(bad).toEqual([]);
  }
  return r;
}

describe('loader property: ok, or positioned errors — never an exception', () => {
  const names: Name[] = ['quantchat', 'chatpop'];
  for (const name of names) {
    it(`mutated ${name} trees (drop, rename, wrong types, duplicates, broken references)`, () => {
      let failed = 0;
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
          if (!check(mutate(name, ms), `${name}.yaml`).ok) failed++;
        }),
        { numRuns: name === 'quantchat' ? 400 : 400, seed: 20261122 },
      );
      // The mutations must mostly break something, or the property tests little.
      expect(failed).toBeGreaterThan(200);
    });

    it(`damaged ${name} text (cut, inserted and duplicated characters and lines)`, () => {
      fc.assert(
        fc.property(fc.array(textEdit, { minLength: 1, maxLength: 3 }), (edits) => {
          check(damage(TEXTS[name], edits), `${name}.yaml`);
        }),
        { numRuns: 300, seed: 20261123 },
      );
    });
  }

  it('random texts and random YAML values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v))), (text) => {
        const r = check(text, 'random.yaml');
        expect(r.ok).toBe(false);
      }),
      { numRuns: 1000, seed: 20261124 },
    );
  });
});

// Found by the mutations above: names such as "toString" resolved to Object.prototype's members,
// so a blueprint referring to them was accepted.
describe('names inherited from Object.prototype are not declared names', () => {
  const t = TEXTS.quantchat;
  const cases: [string, string, string, RegExp][] = [
    ['an emitted event', 'emits: [message.sent]', 'emits: [toString]', /unknown event "toString"/],
    ['a layout’s next', 'next: modular-monolith', 'next: constructor', /unknown layout "constructor"/],
    ['a unit’s domain', 'domains: [relay], port: 8006, replicas: 2, instance: svc-512mb, runtime', 'domains: [relay, hasOwnProperty], port: 8006, replicas: 2, instance: svc-512mb, runtime', /unknown domain "hasOwnProperty"/],
    ['a called domain', 'calls: [auth.verify-token, users.check-contact]', 'calls: [auth.verify-token, constructor.check-contact]', /unknown domain "constructor"/],
  ];
  for (const [what, from, to, message] of cases) {
    it(`rejects "${to}" as ${what}`, () => {
      expect(t.includes(from)).toBe(true);
      const r = parseBlueprint(t.replace(from, to), 'q.yaml');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
    });
  }
});

// Valid blueprints of random shape (any number of domains, calls, events, units, stores): the
// structural commands never throw on what the loader accepts, and give the same answer twice.
describe('lint, graph and checklist on random valid blueprints', () => {
  const shape = fc.record({
    domains: fc.array(fc.record({ ops: fc.integer({ min: 0, max: 3 }), tables: fc.integer({ min: 0, max: 2 }), writes: fc.boolean() }), { maxLength: 7 }),
    calls: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
    events: fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { maxLength: 3 })), { maxLength: 3 }),
    layouts: fc.array(fc.record({ units: fc.integer({ min: 1, max: 4 }), stores: fc.integer({ min: 1, max: 3 }), seed: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), gateway: fc.boolean(), broker: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  });

  function build(s: typeof shape extends fc.Arbitrary<infer T> ? T : never): string {
    const ops: string[] = [];
    const L = ['apiVersion: archsim/v1', 'kind: Blueprint', 'metadata: { name: random }', 'system:', '  domains:'];
    const opsOf: string[][] = [];
    s.domains.forEach((d, i) => {
      opsOf.push(Array.from({ length: d.ops }, (_, j) => `d${i}.o${j}`));
      ops.push(...opsOf[i]!);
    });
    // Calls only from a later operation to an earlier one: no cycles, as the loader requires.
    const calls = new Map<string, string[]>();
    for (const [a, b] of s.calls) {
      if (ops.length < 2) break;
      const [hi, lo] = [Math.max(a % ops.length, b % ops.length), Math.min(a % ops.length, b % ops.length)];
      if (hi === lo) continue;
      const list = calls.get(ops[hi]!) ?? [];
      if (!list.includes(ops[lo]!)) calls.set(ops[hi]!, [...list, ops[lo]!]);
    }
    const emits = new Map<string, string[]>();
    const events: string[] = [];
    s.events.forEach(([e, cs], i) => {
      if (!ops.length) return;
      const emitter = ops[e % ops.length]!;
      emits.set(emitter, [...(emits.get(emitter) ?? []), `ev${i}`]);
      events.push(`    ev${i}: { consumers: [${[...new Set(cs.map((c) => ops[c % ops.length]!))].join(', ')}] }`);
    });
    s.domains.forEach((d, i) => {
      L.push(`    d${i}:`, `      tables: [${Array.from({ length: d.tables }, (_, t) => `t${i}_${t}`).join(', ')}]`, '      operations:');
      if (!d.ops) L[L.length - 1] += ' {}';
      opsOf[i]!.forEach((id, j) => {
        const parts = [`route: "GET /d${i}/o${j}"`, `db: { reads: 1, writes: ${d.writes ? 1 : 0} }`];
        if (calls.has(id)) parts.push(`calls: [${calls.get(id)!.join(', ')}]`);
        if (emits.has(id)) parts.push(`emits: [${emits.get(id)!.join(', ')}]`);
        L.push(`        o${j}: { ${parts.join(', ')} }`);
      });
    });
    L.push(events.length ? '  events:' : '  events: {}', ...events, 'layouts:');
    const tables = s.domains.flatMap((d, i) => Array.from({ length: d.tables }, (_, t) => `t${i}_${t}`));
    s.layouts.forEach((l, li) => {
      L.push(`  l${li}:`);
      if (l.gateway) L.push('    gateway: { kind: nginx, port: 7000 }');
      if (l.broker) L.push('    broker: { kind: rabbitmq }');
      L.push('    units:');
      for (let u = 0; u < l.units; u++) {
        const ds = s.domains.map((_, i) => i).filter((i) => l.seed[i % 20]! % l.units === u);
        L.push(`      u${u}: { domains: [${ds.map((i) => `d${i}`).join(', ')}], port: ${8000 + u}, instance: c }`);
      }
      L.push('    datastores:');
      for (let st = 0; st < l.stores; st++) {
        const ts = tables.filter((_, i) => l.seed[(i + 7) % 20]! % l.stores === st);
        L.push(`      s${st}: { engine: ${st % 2 ? 'redis' : 'postgres'}, tables: [${ts.join(', ')}] }`);
      }
    });
    L.push('catalog:', '  c: { usdPerMonth: $1 }');
    return `${L.join('\n')}\n`;
  }

  it('never throws, and is deterministic', () => {
    let ok = 0;
    fc.assert(
      fc.property(shape, (s) => {
        const text = build(s);
        const r = parseBlueprint(text, 'random.yaml');
        if (!r.ok) {
          expect(r.errors.every((e) => e.line >= 1 && e.col >= 1 && e.message.length > 0)).toBe(true);
          return;
        }
        ok++;
        for (const layout of Object.keys(r.blueprint.layouts)) {
          const findings = lint(r.blueprint, layout, { chattyThreshold: 1 });
          expect(lint(r.blueprint, layout, { chattyThreshold: 1 })).toEqual(findings);
          for (const f of findings) expect(f.message.length).toBeGreaterThan(0);
          const flow = toMermaid(r.blueprint, layout);
          expect(toMermaid(r.blueprint, layout)).toBe(flow);
          for (const op of Object.keys(r.blueprint.system.domains).flatMap((d) => Object.keys(r.blueprint.system.domains[d]!.operations).map((o) => `${d}.${o}`))) {
            expect(toMermaid(r.blueprint, layout, { operation: op }).startsWith('sequenceDiagram\n')).toBe(true);
          }
          const c = checklist({ blueprint: r.blueprint, layout });
          expect(c.score).toBe(c.items.filter((i) => i.checked).length);
        }
      }),
      { numRuns: 200, seed: 20261125 },
    );
    // Most generated blueprints are valid, or this property checks little.
    expect(ok).toBeGreaterThan(100);
  });

  it('a blueprint with no domains lints, draws and scores', () => {
    const r = parseBlueprint('apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: e }\nsystem: { domains: {} }\nlayouts:\n  one: { units: { app: { domains: "*", port: 1, instance: c } } }\ncatalog: { c: { usdPerMonth: $1 } }\n', 'e.yaml');
    if (!r.ok) throw new Error(r.errors[0]!.message);
    expect(lint(r.blueprint)).toEqual([]);
    expect(toMermaid(r.blueprint, 'one')).toContain('u_app');
    expect(checklist({ blueprint: r.blueprint }).firstExtraction).toBeUndefined();
  });
});
