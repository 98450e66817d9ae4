// The blueprint loader's pure core: text(s) in, a validated Blueprint or every problem out.
// Reading files is injected (`read`) so the same code serves the CLI, the library and tests.
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { diagnostic, keysOfSchemaAt, locatorFor, validateWithSchema, type Locator } from './positioned.js';
import { Blueprint, Route } from './schema.js';
import { checkSemantics, opRoutes, routeClashes, type OpRoute } from './semantics.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

/**
 * Reads a file the blueprint names. `from` is the file that names it (for `extends:`, so the
 * reader can confine bases to that file's folder tree). A string is the text; an object with a
 * message says why the file cannot be used (never quoting its content).
 */
export type ReadFile = (path: string, from?: string) => string | undefined | { ok: true; text: string } | { ok: false; message: string };

/** Files a blueprint may extend: YAML or JSON, by name. */
const BASE_EXT = /\.(ya?ml|json)$/i;

/**
 * A file that says nothing of being an archsim blueprint is refused as a whole: listing its
 * keys as "unknown" would echo the content of whatever file was named (a password file).
 */
function notABlueprint(v: unknown): boolean {
  return isPlainObject(v) && !('apiVersion' in v) && !('kind' in v) && !('extends' in v) && !('metadata' in v) && !('system' in v) && !('layouts' in v);
}

export interface Loaded {
  blueprint: Blueprint;
  warnings: Diagnostic[];
  /** Positions of any path, overlay first (for commands that report problems of their own). */
  locate: Locator;
  /** The files the blueprint was built from, overlay first. */
  files: string[];
}

export type LoadResult = ({ ok: true } & Loaded) | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

/** Deep merge for `extends:`: mappings merge key by key, lists and scalars replace, null deletes. */
export function overlay(base: unknown, top: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(top)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(top)) {
      if (v === null) delete out[k];
      else out[k] = k in base ? overlay(base[k], v) : v;
    }
    return out;
  }
  return top;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function resolveRelative(from: string, target: string): string {
  return isAbsolute(target) ? target : normalize(join(dirname(from), target));
}

/** Parse one file and everything it extends; sources come back overlay first. */
function parseChain(
  text: string,
  file: string,
  read: ReadFile,
  seen: string[],
): { ok: true; value: unknown; sources: YamlSource[]; size: number } | { ok: false; errors: Diagnostic[] } {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  const isBase = seen.length > 1;
  if (isBase && !isPlainObject(parsed.value)) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: 'a base named by extends: must be a blueprint (a YAML mapping); its content is not shown', severity: 'error' }] };
  }
  if (notABlueprint(parsed.value)) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: `not an archsim blueprint (no apiVersion, kind, metadata, system or layouts at the top)${isBase ? ' — a base named by extends:' : ''}; its content is not shown`, severity: 'error' }] };
  }
  const ext = isPlainObject(parsed.value) ? parsed.value.extends : undefined;
  if (ext === undefined) return { ok: true, value: parsed.value, sources: [parsed.source], size: text.length };
  const locate = locatorFor([parsed.source]);
  if (typeof ext !== 'string' || ext === '') return { ok: false, errors: [diagnostic(locate, ['extends'], 'extends must be a file path')] };
  if (!BASE_EXT.test(ext)) return { ok: false, errors: [diagnostic(locate, ['extends'], 'extends must name a .yaml, .yml or .json file')] };
  const basePath = resolveRelative(file, ext);
  if (seen.includes(basePath)) {
    return { ok: false, errors: [diagnostic(locate, ['extends'], `extends cycle: ${[...seen, basePath].join(' → ')}`)] };
  }
  if (seen.length > 16) return { ok: false, errors: [diagnostic(locate, ['extends'], 'extends chain longer than 16 files')] };
  const got = read(basePath, file);
  const baseText = typeof got === 'string' ? got : got?.ok ? got.text : undefined;
  if (baseText === undefined) {
    const why = got && typeof got === 'object' && !got.ok ? got.message : 'cannot read it';
    return { ok: false, errors: [diagnostic(locate, ['extends'], `base ${basePath}: ${why}`)] };
  }
  const base = parseChain(baseText, basePath, read, [...seen, basePath]);
  if (!base.ok) return base;
  const merged = overlay(base.value, parsed.value) as Record<string, unknown>;
  delete merged.extends;
  return { ok: true, value: merged, sources: [parsed.source, ...base.sources], size: text.length + base.size };
}

export function parseBlueprint(text: string, file: string, read: ReadFile = () => undefined): LoadResult {
  const chain = parseChain(text, file, read, [file]);
  if (!chain.ok) return { ok: false, errors: chain.errors, warnings: [] };
  const locate = locatorFor(chain.sources);
  const value = chain.value;
  if (!isPlainObject(value)) {
    return { ok: false, errors: [diagnostic(locate, [], 'a blueprint is a YAML mapping (apiVersion, kind, metadata, system, layouts…)')], warnings: [] };
  }
  const v = validateWithSchema(Blueprint, value, locate, (p) => keysOfSchemaAt(Blueprint, p), chain.size);
  if (!v.ok) {
    // Report the semantic problems too, found on a copy with the broken values taken out, so
    // an author sees every mistake in one run rather than one layer at a time.
    const repaired = repair(value, v.errors.map((e) => e.path));
    const semantic = repaired ? semanticDiagnostics(repaired.blueprint, locate).filter((d) => !touches(d.path, repaired.paths)) : [];
    const entries = skippedEntryErrors(value, locate, v.errors, chain.size);
    const skipped = skippedRouteErrors(value, locate, [...v.errors, ...entries], repaired?.blueprint);
    const errors = sortDiagnostics([...v.errors, ...entries, ...semantic.filter((d) => d.severity === 'error'), ...skipped]);
    return { ok: false, errors, warnings: sortDiagnostics(semantic.filter((d) => d.severity === 'warning')) };
  }
  const problems = semanticDiagnostics(v.data, locate);
  const errors = sortDiagnostics(problems.filter((p) => p.severity === 'error'));
  const warnings = sortDiagnostics(problems.filter((p) => p.severity === 'warning'));
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, blueprint: v.data, warnings, locate, files: chain.sources.map((s) => s.file) };
}

function semanticDiagnostics(bp: Blueprint, locate: Locator): Diagnostic[] {
  return checkSemantics(bp).map((p) => diagnostic(locate, p.path, p.message, p.severity));
}

type Path = (string | number)[];

const pathKey = (p: Path) => JSON.stringify(p.map(String));

/** A stand-in for an invalid record key (skippedEntryErrors): a valid name no blueprint is likely to hold. */
const standIn = (i: number) => `archsim-invalid-name-${i}`;

/**
 * Schema errors under a record key that breaks its naming rule. zod checks nothing below such a
 * key (an operation or a domain, a unit, a datastore with an invalid name), so a wrong `cpu:` or
 * an unknown key there showed only in the run after the name was fixed. Checked again on a copy
 * with each such key renamed to a valid stand-in (the deepest first, so each is found by the
 * path the file has), every error below a stand-in reported at the key as written.
 */
function skippedEntryErrors(value: Record<string, unknown>, locate: Locator, reported: Diagnostic[], size: number): Diagnostic[] {
  const said = new Set(reported.map((d) => pathKey(d.path)));
  let keys = reported.filter((d) => d.message.startsWith('invalid name')).map((d) => d.path);
  let found: Diagnostic[] = [];
  // invalid names found below other invalid names, in earlier rounds (renamed in the later ones)
  const names: Diagnostic[] = [];
  // A key under a renamed one is checked only once its parent is: a round per level, bounded.
  for (let round = 0; keys.length && round < 8; round++) {
    const copy = structuredClone(value);
    const written = new Map<string, string | number>();
    [...keys]
      .sort((x, y) => y.length - x.length)
      .forEach((path, i) => {
        const parent = path.slice(0, -1).reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), copy);
        const key = String(path[path.length - 1]);
        if (!isPlainObject(parent) || !Object.hasOwn(parent, key)) return;
        let n = i;
        while (standIn(n) in parent) n += keys.length;
        // the entry keeps its place among its siblings (the order can matter: routes, layouts)
        const entries = Object.entries(parent);
        for (const k of Object.keys(parent)) delete parent[k];
        // defined, not assigned: a key such as "__proto__" stays an entry
        for (const [k, v] of entries) Object.defineProperty(parent, k === key ? standIn(n) : k, { value: v, writable: true, enumerable: true, configurable: true });
        written.set(standIn(n), path[path.length - 1]!);
      });
    const back = (p: readonly (string | number)[]): Path => p.map((k) => written.get(String(k)) ?? k);
    const r = validateWithSchema(Blueprint, copy, (p, key) => locate(back(p), key), (p) => keysOfSchemaAt(Blueprint, back(p)), size);
    if (r.ok) return names;
    found = r.errors.filter((d) => d.path.some((k) => written.has(String(k)))).map((d) => ({ ...d, path: back(d.path) })).filter((d) => !said.has(pathKey(d.path)));
    const deeper = found.filter((d) => d.message.startsWith('invalid name') && !keys.some((k) => pathKey(k) === pathKey(d.path)));
    if (!deeper.length) return [...names, ...found];
    names.push(...deeper);
    keys = [...keys, ...deeper.map((d) => d.path)];
  }
  return [...names, ...found.filter((d) => !names.includes(d))];
}

/**
 * Route errors the schema and the repaired copy cannot see. zod checks nothing under a record
 * key that breaks its naming rule (an operation or a domain with an invalid name) and the repair
 * drops that entry, so a bad route there, or one it shares with another operation, would show
 * only in the run after the name is fixed. Neither check depends on the name (a clash names the
 * operation as written): both are reported now, each once.
 */
function skippedRouteErrors(value: Record<string, unknown>, locate: Locator, reported: Diagnostic[], repaired: Blueprint | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const said = new Set(reported.map((d) => pathKey(d.path)));
  const parsed: OpRoute[] = [];
  for (const { id, path, route } of writtenRoutes(value)) {
    const at = [...path, 'route'];
    const r = validateWithSchema(Route, route, (p, key) => locate([...at, ...p], key));
    if (r.ok) parsed.push({ id, path, route: r.data });
    // the schema checked every route but the ones under an invalid name, and said what it found
    else if (!said.has(pathKey(at))) out.push(...r.errors.map((e) => ({ ...e, path: [...at, ...e.path] })));
  }
  // Clashes the semantic check found among the repaired copy's routes are reported already.
  const found = new Set(routeClashes(repaired ? opRoutes(repaired) : []).map((p) => pathKey(p.path)));
  for (const p of routeClashes(parsed)) if (!found.has(pathKey(p.path))) out.push(diagnostic(locate, p.path, p.message));
  return out;
}

/**
 * domain.operation for a message. A name the schema refused may be anything (spaces, quotes,
 * thousands of characters): then the whole id is quoted and each name cut to 60 characters
 * (the diagnostic's path holds the names whole).
 */
function shownId(domain: string, name: string): string {
  const plain = (s: string) => /^[\w-]{1,63}$/.test(s);
  const cut = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
  return plain(domain) && plain(name) ? `${domain}.${name}` : JSON.stringify(`${cut(domain)}.${cut(name)}`);
}

/** Every operation's route as the file has it, whatever the names, in document order. */
function writtenRoutes(value: Record<string, unknown>): { id: string; path: Path; route: unknown }[] {
  const out: { id: string; path: Path; route: unknown }[] = [];
  const domains = isPlainObject(value.system) ? value.system.domains : undefined;
  if (!isPlainObject(domains)) return out;
  for (const [domain, d] of Object.entries(domains)) {
    const ops = isPlainObject(d) ? d.operations : undefined;
    if (!isPlainObject(ops)) continue;
    for (const [name, op] of Object.entries(ops)) {
      if (isPlainObject(op) && op.route !== undefined) out.push({ id: shownId(domain, name), path: ['system', 'domains', domain, 'operations', name], route: op.route });
    }
  }
  return out;
}

function isPrefix(a: Path, b: Path): boolean {
  return a.length <= b.length && a.every((seg, i) => String(seg) === String(b[i]));
}

/**
 * Would a problem at `path` be an echo of a repair? It is when it lies under a repaired value,
 * or above an entry that was dropped whole (a unit, a datastore, an operation).
 */
function touches(path: Path, repaired: Path[]): boolean {
  return repaired.some((r) => isPrefix(r, path) || (r.length <= 4 && isPrefix(path, r)));
}

/**
 * Remove each broken value (or, for a required one, its whole parent entry) until the schema
 * accepts what is left. Returns undefined when that takes too many rounds.
 */
function repair(value: unknown, firstPaths: Path[]): { blueprint: Blueprint; paths: Path[] } | undefined {
  const copy = structuredClone(value) as Record<string, unknown>;
  const paths: Path[] = [];
  // Top-level identity fields cannot be dropped: stand in valid ones, so a wrong apiVersion or
  // a bad name does not hide every other problem of the file.
  const fixed: Record<string, unknown> = { apiVersion: 'archsim/v1', kind: 'Blueprint', metadata: { name: 'blueprint' } };
  let pending = firstPaths.filter((p) => {
    const top = String(p[0]);
    if (p.length && top in fixed && (top !== 'metadata' || p.length <= 2)) {
      copy[top] = top === 'metadata' && isPlainObject(copy.metadata) ? { ...copy.metadata, ...(p.length === 2 ? { [String(p[1])]: undefined } : {}), name: 'blueprint' } : fixed[top];
      if (top === 'metadata' && isPlainObject(copy.metadata)) for (const [k, v] of Object.entries(copy.metadata)) if (v === undefined) delete copy.metadata[k];
      paths.push(p);
      return false;
    }
    return true;
  });
  for (let round = 0; round < 8; round++) {
    for (const p of pending) {
      // Entries of records (a domain, a unit, an operation) can be dropped whole; required
      // top-level sections cannot, so stop at depth 2.
      let cut = p.length;
      while (cut > 2 && !deleteAt(copy, p.slice(0, cut))) cut--;
      if (cut > 2) {
        paths.push(p.slice(0, cut));
        continue;
      }
      // A catalog entry or a layout is named elsewhere: repairWhole keeps the names consistent.
      const named = p[0] === 'catalog' || p[0] === 'layouts';
      const whole = named ? repairWhole(copy, p) : deleteAt(copy, p.slice(0, 3)) ? p.slice(0, 3) : repairWhole(copy, p);
      if (!whole) return undefined;
      paths.push(whole);
    }
    const r = Blueprint.safeParse(copy);
    if (r.success) return { blueprint: r.data, paths };
    pending = r.error.issues.map((i) => {
      const base = i.path as Path;
      return i.code === 'unrecognized_keys' ? [...base, i.keys[0]!] : base.length ? base : ['metadata'];
    });
  }
  return undefined;
}

/**
 * A problem nothing below depth 2 can take out (a required value missing or refused at depth 2
 * or 3, once its key is gone): the whole entry it is in, where the rest of the blueprint does
 * not depend on its content. A catalog entry keeps its name with a stand-in price (units name
 * it: dropping it would make every `instance:` of it "unknown"); a layout goes, with the `next:`
 * that named it (no "unknown layout" echo); the workload (optional) goes. Returns the path taken
 * out (problems under it are echoes), or undefined when the problem is in a part everything
 * depends on (system.domains).
 */
function repairWhole(copy: Record<string, unknown>, p: Path): Path | undefined {
  const [top, name] = p;
  const section = top === undefined ? undefined : copy[String(top)];
  if (top === 'catalog' && name !== undefined && isPlainObject(section)) {
    Object.defineProperty(section, String(name), { value: { usdPerMonth: 0 }, writable: true, enumerable: true, configurable: true });
    return p.slice(0, 3);
  }
  if (top === 'layouts' && name !== undefined && isPlainObject(section) && Object.hasOwn(section, String(name))) {
    delete section[String(name)];
    for (const l of Object.values(section)) if (isPlainObject(l) && l.next === String(name)) delete l.next;
    return p.slice(0, 2);
  }
  if (top === 'workload' && 'workload' in copy) {
    delete copy.workload;
    return ['workload'];
  }
  return undefined;
}

function deleteAt(root: unknown, path: Path): boolean {
  let v: unknown = root;
  for (const seg of path.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return false;
    v = (v as Record<string | number, unknown>)[seg];
  }
  const last = path[path.length - 1];
  if (v === null || typeof v !== 'object' || last === undefined || !(last in (v as object))) return false;
  if (Array.isArray(v) && typeof last === 'number') v.splice(last, 1);
  else delete (v as Record<string | number, unknown>)[last];
  return true;
}
