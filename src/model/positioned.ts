// Turn zod issues into positioned diagnostics. Used for blueprints and for every other YAML
// input (workloads, scenarios, budgets, answers) so they all report errors the same way.
import type { z } from 'zod';
import { didYouMean, sortDiagnostics, type Diagnostic, type Severity } from './diagnostics.js';
import { parseYaml, positionOf, type YamlSource } from './yaml-source.js';

/** Finds the file and position of a path across one or more layered sources (overlay first). */
export type Locator = (path: readonly (string | number)[], key?: boolean) => { file: string; line: number; col: number };

export function locatorFor(sources: readonly YamlSource[]): Locator {
  return (path, key = false) => {
    let fallback: { file: string; line: number; col: number } | undefined;
    for (const s of sources) {
      const p = positionOf(s, path, key);
      if (p?.exact) return { file: s.file, line: p.line, col: p.col };
      if (p && !fallback) fallback = { file: s.file, line: p.line, col: p.col };
    }
    return fallback ?? { file: sources[0]?.file ?? '<input>', line: 1, col: 1 };
  };
}

export function diagnostic(locate: Locator, path: (string | number)[], message: string, severity: Severity = 'error', key = false): Diagnostic {
  return { ...locate(path, key), path, message, severity };
}

type Issue = z.core.$ZodIssue;

/**
 * The value is not of the type this schema (or branch) wants at all: a type miss at its root, or
 * a union at its root whose every branch is one. Duration, itself a union of a string and a
 * number, fails that way inside Distribution's union when the author wrote a mapping.
 */
function isRootTypeMiss(i: Issue): boolean {
  if (i.path.length) return false;
  if (i.code === 'invalid_type') return true;
  const branches = i.code === 'invalid_union' ? ((i as { errors?: Issue[][] }).errors ?? []) : [];
  return branches.length > 0 && branches.every((b) => b.some(isRootTypeMiss));
}

/** zod reports a union failure with every branch's issues; keep the branch the author meant. */
function bestBranch(issue: Issue & { code: 'invalid_union' }): Issue[] {
  const branches = (issue as { errors?: Issue[][] }).errors ?? [];
  let best: Issue[] | undefined;
  let bestScore = Infinity;
  for (const b of branches) {
    if (!b.length) continue;
    // A branch that failed at its root on the value's type is the wrong branch, not a mistake.
    const rootTypeMiss = b.some(isRootTypeMiss);
    const score = (rootTypeMiss ? 1000 : 0) + b.length;
    if (score < bestScore) {
      bestScore = score;
      best = b;
    }
  }
  return best ?? [];
}

function flatten(issues: readonly Issue[], prefix: (string | number)[] = []): { path: (string | number)[]; issue: Issue }[] {
  const out: { path: (string | number)[]; issue: Issue }[] = [];
  for (const i of issues) {
    const path = [...prefix, ...(i.path as (string | number)[])];
    // A union with words of its own (quantity(): "a duration, e.g. 9ms") says them; another
    // (zod's "Invalid input") is read through the branch that came closest.
    if (i.code === 'invalid_union' && i.message === 'Invalid input') {
      const branch = bestBranch(i as Issue & { code: 'invalid_union' });
      if (branch.length) {
        out.push(...flatten(branch, path));
        continue;
      }
    }
    out.push({ path, issue: i });
  }
  return out;
}

function messageOf(issue: Issue, value: unknown, knownKeys: (path: (string | number)[]) => string[], quote = true): string {
  // quote false: the file is not a blueprint (answers, budgets, results, profiles…) and could be
  // any file the user pointed at (a credentials file): say the kind of value, never the value.
  const shown = (v: unknown) => (quote ? JSON.stringify(v) : v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);
  switch (issue.code) {
    case 'invalid_type': {
      if (typeof value === 'number' && !Number.isFinite(value)) return `expected a finite number, got ${value}`;
      if (value === undefined) return `required: expected ${issue.expected}`;
      const got = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a mapping' : quote ? `${typeof value} ${JSON.stringify(value)}` : `a ${typeof value}`;
      return `expected ${issue.expected}, got ${got}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown(value)}`;
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/**
 * Below this many characters of YAML, zod validates without its JIT. zod compiles a parser for
 * each object schema the first time it meets one (`new Function`), which pays off only when the
 * schema then checks many values: for a blueprint of a few dozen operations, compiling took
 * longer than the whole validation without it (a tenth of `archsim validate`'s CPU, issue 11);
 * a large file (thousands of operations) keeps the compiled parsers. Same result either way.
 */
export const JIT_FROM_CHARS = 64 * 1024;

/** Validate `value` against `schema`; every problem comes back positioned. `size`: the input's length in characters (chooses zod's JIT, above). */
export function validateWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  locate: Locator,
  shapeKeys?: (path: (string | number)[]) => string[],
  size = Infinity,
  quoteValues = true,
): { ok: true; data: z.output<S> } | { ok: false; errors: Diagnostic[] } {
  const r = schema.safeParse(value, size < JIT_FROM_CHARS ? { jitless: true } : undefined);
  if (r.success) return { ok: true, data: r.data };
  const keys = shapeKeys ?? (() => []);
  const errors: Diagnostic[] = [];
  for (const { path, issue } of flatten(r.error.issues)) {
    if (issue.code === 'invalid_key') {
      // A record key that breaks a naming rule: report the rule, at the key.
      const inner = (issue as { issues?: Issue[] }).issues ?? [];
      const rule = inner.map((i) => i.message).filter(Boolean)[0] ?? 'not a valid name';
      const key = path[path.length - 1];
      errors.push(diagnostic(locate, path, quoteValues ? `invalid name ${quotedName(String(key))}: ${rule}` : `invalid name: ${rule}`, 'error', true));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const kp = [...path, k];
        // Outside a blueprint the key is the file's content too: its position says which one,
        // and what the mapping takes is the schema's (ours to show).
        const known = keys(path);
        const hint = didYouMean(k, known) || (known.length ? ` (this mapping takes ${known.map((x) => `"${x}"`).join(', ')})` : '');
        if (quoteValues) errors.push(diagnostic(locate, kp, `unknown key "${k}"${didYouMean(k, known)}`, 'error', true));
        // positioned at the key, the path printed up to its mapping (the key's name is not shown)
        else errors.push({ ...diagnostic(locate, kp, `unknown key${hint}`, 'error', true), path: [...path] });
      }
      continue;
    }
    errors.push(diagnostic(locate, path, messageOf(issue, valueAt(value, path), keys, quoteValues)));
  }
  return { ok: false, errors };
}

/** Parse a small YAML input file (workload, scenario, budget, answers) against a schema. */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
): { ok: true; data: z.output<S>; locate: Locator } | { ok: false; errors: Diagnostic[] } {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  const locate = locatorFor([parsed.source]);
  // Not a blueprint: errors name the kind of a wrong value, never the value (README, Security).
  const r = validateWithSchema(schema, parsed.value, locate, (p) => keysOfSchemaAt(schema, p), text.length, false);
  // zod reports unknown keys after the other issues; a reader expects file order.
  return r.ok ? { ok: true, data: r.data, locate } : { ok: false, errors: sortDiagnostics(r.errors) };
}

/**
 * The keys an object schema accepts at a path, for "did you mean" on unknown keys. Walks zod's
 * definition objects; records and unions are followed loosely, which is enough for suggestions.
 */
export function keysOfSchemaAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    for (let i = 0; i < 10; i++) {
      const def = (x as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      if (!def) return x;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') x = def.innerType;
      else if (def.type === 'pipe') x = def.in;
      else return x;
    }
    return x;
  };
  const shapeKeys = (x: unknown): string[] => {
    const def = (unwrap(x) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (def?.type === 'object') return Object.keys(def.shape as object);
    if (def?.type === 'union') return (def.options as unknown[]).flatMap(shapeKeys);
    return [];
  };
  for (const seg of path) {
    const def = (unwrap(s) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return [];
    if (def.type === 'object') s = (def.shape as Record<string, unknown>)[String(seg)];
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'union') {
      const opts = (def.options as unknown[]).filter((o) => shapeKeys(o).length || true);
      s = opts.map((o) => (unwrap(o) as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape?.[String(seg)]).find(Boolean);
    } else return [];
    if (!s) return [];
  }
  return shapeKeys(s);
}

/** A name for a message: quoted, and when long cut inside the quotes with an ellipsis (the path before it already holds the whole key). */
function quotedName(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 59)}…` : key);
}
