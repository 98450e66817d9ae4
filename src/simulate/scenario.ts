// Scenarios: what goes wrong, and when. A scenario names what fails by its role (a domain's
// unit, a domain's datastore) as well as by name, so one file runs against every layout: "the
// media domain's process dies" is the whole monolith in one layout and the media service in
// another — which is exactly the comparison the seeds' failure tables make. Pure.
import { z } from 'zod';
import { primaryStore, resolveBlueprint, resolveLayout } from '../model/resolve.js';
import { locatorFor, parseYamlWith, type Locator } from '../model/positioned.js';
import { parseYaml } from '../model/yaml-source.js';
import { Autoscale, CircuitBreaker, Duration, Percent, Profile, Rate } from '../model/schema.js';
import type { Blueprint } from '../model/schema.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { didYouMean, sortDiagnostics } from '../model/diagnostics.js';
import { warmupNotShorter } from '../model/semantics.js';
import { compile, type CompileOptions, type EdgePolicy } from './compile.js';
import type { Compiled } from './compile.js';
import type { DesScenario } from './des/types.js';
import type { WorkloadOptions } from './workload.js';

const Name = z.string().min(1);

const Target = {
  unit: Name.optional().describe('a unit of the layout'),
  datastore: Name.optional().describe('a datastore of the layout'),
  domain: Name.optional().describe('the unit that runs this domain, whatever the layout'),
  storeOf: Name.optional().describe("this domain's primary datastore, whatever the layout"),
  table: Name.optional().describe('the datastore that holds this table, whatever the layout'),
  gateway: z.boolean().optional(),
  broker: z.boolean().optional(),
};

export const Failure = z
  .strictObject({
    description: z.string().optional(),
    ...Target,
    at: Duration.describe('when it starts (simulated time)'),
    for: Duration.describe('how long it lasts'),
    down: z.boolean().optional().describe('the station refuses work (crash, restart); the default unless slow is set'),
    slow: z.number().min(1).optional().describe('service times are multiplied by this factor'),
  })
  .refine((f) => [f.unit, f.datastore, f.domain, f.storeOf, f.table, f.gateway, f.broker].filter((x) => x !== undefined && x !== false).length === 1, {
    message: 'name exactly one of unit, datastore, domain, storeOf, table, gateway, broker',
  });

export const ExtraLoad = z.strictObject({
  description: z.string().optional(),
  at: Duration.prefault('0s'),
  for: Duration,
  rate: Rate,
  profile: Profile.optional(),
  mix: z.record(z.string(), z.number().positive()),
});

/** Zero would fail every attempt (every request) before it starts: refused, not read as none. */
const above0 = (what: string, none: string) => Duration.refine((v) => v > 0, `${what} must be above 0ms (${none})`);

const CallOverride = z.strictObject({
  timeout: above0('a call timeout', 'leave timeout out to keep the blueprint’s').optional(),
  retries: z.number().int().min(0).max(10).optional(),
  backoff: Duration.optional(),
  circuitBreaker: CircuitBreaker.optional(),
  optional: z.boolean().optional(),
});

export const Scenario = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  workload: z
    .strictObject({
      rate: Rate.optional(),
      users: z.number().int().min(1).optional(),
      duration: Duration.optional(),
      warmup: Duration.optional(),
      mix: z.record(z.string(), z.number().positive()).optional(),
    })
    // Both given: the run refused them with no position (workload.ts); said here, at the warm-up.
    .superRefine((w, ctx) => {
      if (w.duration !== undefined && w.warmup !== undefined && w.warmup >= w.duration) ctx.addIssue({ code: 'custom', path: ['warmup'], message: warmupNotShorter(w.warmup, w.duration) });
    })
    .optional(),
  failures: z.array(Failure).default([]),
  load: z.array(ExtraLoad).default([]).describe('extra arrival streams, e.g. a spike on one operation'),
  clientTimeout: above0('a client timeout', 'leave clientTimeout out for none').optional().describe('a request slower than this counts as failed (the client gave up)'),
  calls: z
    .record(z.string(), CallOverride)
    .default({})
    .describe('call-edge policies by "caller → callee" or by callee operation; override the blueprint'),
  autoscale: z.record(Name, Autoscale).default({}).describe('by unit or domain'),
});

export type Scenario = z.output<typeof Scenario>;

/**
 * Parse scenario YAML; errors come back positioned (file:line:col). Given the blueprint it will
 * run on, a file that breaks the schema also gets the cross-references of the entries that did
 * parse checked (as the blueprint loader does), so one run reports both kinds of mistake.
 */
export function parseScenario(
  text: string,
  file: string,
  bp?: Blueprint,
  /** the layouts it will run on (simulate: the one of --layout); default every layout */
  layouts?: string[],
): { ok: true; scenario: Scenario; locate: (p: (string | number)[]) => { file: string; line: number; col: number } } | { ok: false; errors: Diagnostic[] } {
  const r = parseYamlWith(Scenario, text, file);
  if (r.ok) return { ok: true, scenario: r.data, locate: scenarioLocator(r.locate) };
  if (!bp) return r;
  // The YAML itself parsed (a schema failure): read it again for the entries that stand alone.
  const raw = parseYaml(text, file);
  if (!raw.ok) return r;
  const locate = scenarioLocator(locatorFor([raw.source]));
  const cross = partialCrossReferences(bp, raw.value, layouts).map((p) => ({ ...locate(p.path), path: p.path, message: p.message, severity: 'error' as const }));
  const said = new Set(r.errors.map((e) => problemKey(e)));
  return { ok: false, errors: sortDiagnostics([...r.errors, ...cross.filter((d) => !said.has(problemKey(d)))]) };
}

/** A problem with a `calls:` key is about the key (the edge it names), so it is shown at the key. */
function scenarioLocator(locate: Locator): (p: (string | number)[]) => { file: string; line: number; col: number } {
  return (p) => locate(p, p.length === 2 && p[0] === 'calls');
}

const problemKey = (p: { path: (string | number)[]; message: string }) => JSON.stringify([p.path.map(String), p.message]);

/** Each problem once (path and message), in the order found. */
function once<T extends { path: (string | number)[]; message: string }>(ps: T[]): T[] {
  const seen = new Set<string>();
  return ps.filter((p) => !seen.has(problemKey(p)) && (seen.add(problemKey(p)), true));
}

type Path = (string | number)[];

/**
 * An entry that failed its schema with the values it refused taken out (and stand-ins for the
 * required ones it then lacks): what it names (a unit, a domain, an operation, a call) does not
 * depend on its `at:` or its `slow:`, and is checked now rather than in the run after they are
 * fixed. The paths taken out come back with it (a problem under one is not the file's). Undefined
 * when the entry as a whole is wrong (not a mapping, no target or two).
 */
function repairedEntry<T>(schema: z.ZodType<T>, x: unknown, standIns: Record<string, unknown>): { data: T; cut: Path[] } | undefined {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const copy = structuredClone(x) as Record<string, unknown>;
  const cut: Path[] = [];
  const stood = new Set<string>();
  for (let round = 0; round < 4; round++) {
    const r = schema.safeParse(copy);
    if (r.success) return { data: r.data, cut };
    for (const issue of r.error.issues) {
      const path: Path = issue.code === 'unrecognized_keys' ? [...(issue.path as Path), issue.keys[0]!] : [...(issue.path as Path)];
      if (!path.length) return undefined;
      const key = String(path[0]);
      // A value inside a record (a mix's weight) goes alone; any other, its key in the entry.
      const parent = path.length === 2 ? copy[key] : undefined;
      if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && Object.hasOwn(parent, String(path[1]))) {
        delete (parent as Record<string, unknown>)[String(path[1])];
        cut.push(path);
      } else if (Object.hasOwn(standIns, key) && !stood.has(key)) {
        copy[key] = structuredClone(standIns[key]);
        stood.add(key);
        cut.push([key]);
      } else if (Object.hasOwn(copy, key) && !Object.hasOwn(standIns, key)) {
        delete copy[key];
        cut.push([key]);
      } else return undefined;
    }
  }
  return undefined;
}

/** Required values of each kind of entry, standing in for refused ones (none is checked against the blueprint). */
const STAND_INS = {
  failures: { at: '0s', for: '1s' },
  load: { at: '0s', for: '1s', rate: '1/s', mix: {} },
  calls: {},
  autoscale: { min: 0, max: 1 },
};

/**
 * The cross-reference problems of a scenario that failed its schema: every failure, extra load,
 * call policy and autoscale entry is checked as `scenarioMisfit` checks a whole scenario, an
 * entry with a refused value on it with that value taken out (repairedEntry); the refused values
 * already have their schema errors.
 */
function partialCrossReferences(bp: Blueprint, raw: unknown, layouts?: string[]): ScenarioProblem[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const doc = raw as Record<string, unknown>;
  /** an entry's path in the file → the paths taken out of it */
  const cuts = new Map<string, Path[]>();
  const entry = <T>(head: keyof typeof STAND_INS, key: string | number, x: unknown, schema: z.ZodType<T>): T | undefined => {
    const p = schema.safeParse(x);
    if (p.success) return p.data;
    const r = repairedEntry(schema, x, STAND_INS[head]);
    if (r) cuts.set(JSON.stringify([head, String(key)]), r.cut);
    return r?.data;
  };
  const list = <T>(head: 'failures' | 'load', schema: z.ZodType<T>): [number, T][] => {
    const v = doc[head];
    if (!Array.isArray(v)) return [];
    return v.flatMap((x, i): [number, T][] => {
      const data = entry(head, i, x, schema);
      return data === undefined ? [] : [[i, data]];
    });
  };
  const record = <T>(head: 'calls' | 'autoscale', schema: z.ZodType<T>): Record<string, T> => {
    const v = doc[head];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) {
      const data = entry(head, k, x, schema);
      if (data !== undefined) Object.defineProperty(out, k, { value: data, writable: true, enumerable: true, configurable: true });
    }
    return out;
  };
  const failures = list('failures', Failure);
  const load = list('load', ExtraLoad);
  const partial: Scenario = { name: typeof doc.name === 'string' ? doc.name : '', failures: failures.map(([, f]) => f), load: load.map(([, l]) => l), calls: record('calls', CallOverride), autoscale: record('autoscale', Autoscale) };
  // Back to the file's own indices (an entry that failed as a whole is not in the partial lists).
  const index: Record<string, number[]> = { failures: failures.map(([i]) => i), load: load.map(([i]) => i) };
  const inFile = scenarioMisfit(bp, partial, layouts).map((p) => {
    const [head, i, ...rest] = p.path;
    const at = typeof head === 'string' && typeof i === 'number' ? index[head]?.[i] : undefined;
    return at === undefined ? p : { ...p, path: [head!, at, ...rest] };
  });
  // A problem under a value taken out is about its stand-in.
  return inFile.filter((p) => {
    const cut = cuts.get(JSON.stringify([p.path[0], String(p.path[1])]));
    return !cut?.some((c) => c.every((k, j) => String(k) === String(p.path[2 + j])));
  });
}

export interface ScenarioProblem {
  path: (string | number)[];
  message: string;
}

export interface ResolvedScenario {
  des: DesScenario;
  workload: WorkloadOptions;
  /** per failure, what it hit in this layout */
  hits: string[];
}

/**
 * What the scenario's targets are in this layout: compile options first, then stations. With a
 * problem in the options (an autoscale entry or a call key naming nothing), the targets are
 * checked too, compiled with the options that were valid: simulate and compare stop here, and
 * the targets' problems showed only in the run after these were fixed.
 */
export function scenarioCompileOptions(bp: Blueprint, layout: string, s: Scenario): { options: CompileOptions; problems: ScenarioProblem[] } {
  const o = compileOptionsOf(bp, layout, s);
  if (!o.problems.length) return o;
  const r = resolveScenario(bp, compile(bp, layout, o.options), s);
  return { options: o.options, problems: once([...o.problems, ...(r.ok ? [] : r.problems)]) };
}

function compileOptionsOf(bp: Blueprint, layout: string, s: Scenario): { options: CompileOptions; problems: ScenarioProblem[] } {
  const r = resolveLayout(bp, layout);
  const problems: ScenarioProblem[] = [];
  const autoscale: Record<string, z.output<typeof Autoscale>> = {};
  for (const [k, a] of Object.entries(s.autoscale)) {
    const unit = r.units.find((u) => u.name === k)?.name ?? r.unitOfDomain.get(k);
    if (!unit) problems.push({ path: ['autoscale', k], message: `"${k}" is neither a unit of ${layout} nor a domain${didYouMean(k, [...r.units.map((u) => u.name), ...r.unitOfDomain.keys()])}` });
    else autoscale[unit] = a;
  }
  const edgePolicies: Record<string, EdgePolicy> = {};
  for (const [k, p] of Object.entries(s.calls)) {
    // A key naming no call of the blueprint would set no policy, in silence.
    const wrong = callKeyProblem(bp, k);
    if (wrong) {
      problems.push({ path: ['calls', k], message: wrong });
      continue;
    }
    const clean: EdgePolicy = {};
    if (p.timeout !== undefined) clean.timeout = p.timeout;
    if (p.retries !== undefined) clean.retries = p.retries;
    if (p.backoff !== undefined) clean.backoff = p.backoff;
    if (p.circuitBreaker !== undefined) clean.circuitBreaker = p.circuitBreaker;
    if (p.optional !== undefined) clean.optional = p.optional;
    edgePolicies[k.replace(/\s*(->|→)\s*/, ' → ')] = clean;
  }
  return { options: { edgePolicies, autoscale }, problems };
}

/**
 * What is wrong with a `calls:` key, if anything: "caller → callee" must be a call the blueprint
 * declares, a bare operation one that some operation calls (the policy applies to every call of
 * it). Calls are the system's, not a layout's, so the answer is the same in every layout.
 */
function callKeyProblem(bp: Blueprint, key: string): string | undefined {
  const rb = resolveBlueprint(bp);
  // Split as compile's lookup key is made (spaces around the arrow only): " a.b" is no operation.
  const parts = key.split(/\s*(?:->|→)\s*/);
  if (parts.length > 2 || parts.some((x) => !x)) return 'expected "caller → callee" or the operation called (domain.operation)';
  const ops = [...rb.operationIndex.keys()];
  for (const id of parts) if (!rb.operationIndex.has(id)) return `no operation "${id}"${didYouMean(id, ops)}`;
  if (parts.length === 2) {
    const [caller, callee] = parts as [string, string];
    const made = [...new Set(rb.operationIndex.get(caller)!.op.calls.map((c) => c.op))];
    if (made.includes(callee)) return undefined;
    return `${caller} does not call ${callee}${didYouMean(callee, made)}; ${made.length ? `it calls ${made.join(', ')}` : 'it makes no calls'}`;
  }
  const called = new Set(rb.operations.flatMap((o) => o.op.calls.map((c) => c.op)));
  return called.has(key) ? undefined : `no operation calls ${key}${didYouMean(key, called)}`;
}

/**
 * Whether a scenario can run on a blueprint, decided as compare and report decide it: it fits a
 * layout whose names it all resolves in, and one that fits none of the layouts is a mistake (one
 * that fits some is a comparison). The problems it has in the first layout when it fits none,
 * else none; none too for a blueprint without layouts (nothing to run it on).
 */
export function scenarioMisfit(bp: Blueprint, s: Scenario, layouts: string[] = Object.keys(bp.layouts)): ScenarioProblem[] {
  let first: ScenarioProblem[] | undefined;
  for (const l of layouts) {
    // Both kinds of problem at once: the targets are checked with the options that were valid.
    const o = compileOptionsOf(bp, l, s);
    const r = resolveScenario(bp, compile(bp, l, o.options), s);
    const problems = once([...o.problems, ...(r.ok ? [] : r.problems)]);
    if (!problems.length) return [];
    first ??= problems;
  }
  return first ?? [];
}

export function resolveScenario(bp: Blueprint, c: Compiled, s: Scenario): { ok: true; value: ResolvedScenario } | { ok: false; problems: ScenarioProblem[] } {
  const r = c.layout;
  const problems: ScenarioProblem[] = [];
  const stationIdx = (kind: string, id: string) => c.stations.findIndex((x) => x.kind === kind && x.id === id);
  const des: DesScenario = { faults: [], loads: [], windows: [] };
  const hits: string[] = [];
  const domains = Object.keys(bp.system.domains);
  // An engine: memory store is state in its unit's process: no station of its own to fail.
  const inProcess = (store: string | undefined) => store !== undefined && r.datastores.some((d) => d.name === store && d.engine === 'memory');
  s.failures.forEach((f, i) => {
    const path = ['failures', i];
    let idx = -1;
    let what = '';
    const target = f.datastore ?? (f.storeOf !== undefined && bp.system.domains[f.storeOf] ? primaryStore(r, f.storeOf)?.name : undefined) ?? (f.table !== undefined ? r.storeOfTable.get(f.table) : undefined);
    if ((f.datastore !== undefined || f.storeOf !== undefined || f.table !== undefined) && inProcess(target)) {
      hits.push(`datastore ${target}: in-process state (engine memory) of its unit in ${r.name}, it fails only with the unit`);
      return;
    }
    if (f.unit !== undefined) {
      idx = stationIdx('unit', f.unit);
      what = `unit ${f.unit}`;
      if (idx < 0) problems.push({ path: [...path, 'unit'], message: `no unit "${f.unit}" in ${r.name}${didYouMean(f.unit, r.units.map((u) => u.name))}` });
    } else if (f.datastore !== undefined) {
      idx = stationIdx('datastore', f.datastore);
      what = `datastore ${f.datastore}`;
      if (idx < 0) problems.push({ path: [...path, 'datastore'], message: `no datastore "${f.datastore}" in ${r.name}${didYouMean(f.datastore, r.datastores.map((d) => d.name))}` });
    } else if (f.domain !== undefined) {
      const unit = r.unitOfDomain.get(f.domain);
      if (!unit) problems.push({ path: [...path, 'domain'], message: `no domain "${f.domain}"${didYouMean(f.domain, domains)}` });
      else {
        idx = stationIdx('unit', unit);
        what = `unit ${unit} (runs ${f.domain})`;
      }
    } else if (f.storeOf !== undefined) {
      const store = bp.system.domains[f.storeOf] ? primaryStore(r, f.storeOf) : undefined;
      if (!store) problems.push({ path: [...path, 'storeOf'], message: bp.system.domains[f.storeOf] ? `${f.storeOf} has no datastore in ${r.name}` : `no domain "${f.storeOf}"${didYouMean(f.storeOf, domains)}` });
      else {
        idx = stationIdx('datastore', store.name);
        what = `datastore ${store.name} (holds ${f.storeOf})`;
      }
    } else if (f.table !== undefined) {
      const store = r.storeOfTable.get(f.table);
      const tables = Object.values(bp.system.domains).flatMap((d) => d.tables);
      what = store ? `datastore ${store} (holds ${f.table})` : `the datastore of table ${f.table}`;
      if (!tables.includes(f.table)) problems.push({ path: [...path, 'table'], message: `no table "${f.table}"${didYouMean(f.table, tables)}` });
      else if (store) idx = stationIdx('datastore', store);
    } else if (f.gateway) {
      idx = stationIdx('gateway', 'gateway');
      what = 'the gateway';
    } else if (f.broker) {
      idx = stationIdx('broker', 'broker');
      what = 'the broker';
    }
    if (idx < 0) {
      // A layout without a gateway or broker (or that places no store for the table) simply has
      // nothing to fail there.
      if (f.gateway || f.broker || f.table !== undefined) hits.push(`${what}: not in ${r.name}`);
      return;
    }
    const down = f.slow === undefined ? (f.down ?? true) : (f.down ?? false);
    des.faults.push({ station: idx, from: f.at, to: f.at + f.for, down, factor: f.slow ?? 1 });
    const label = f.description ?? `${down ? 'down' : `slow ×${f.slow}`}: ${what}`;
    hits.push(`${label} → ${what}${down ? ' down' : ` slow ×${f.slow}`}`);
    des.windows.push({ label, from: f.at, to: f.at + f.for });
  });
  s.load.forEach((l, i) => {
    for (const id of Object.keys(l.mix)) {
      if (!c.entry.has(id)) problems.push({ path: ['load', i, 'mix', id], message: `"${id}" is not an operation${didYouMean(id, [...c.entry.keys()])}` });
    }
    des.loads.push({ from: l.at, to: l.at + l.for, rate: l.rate, ...(l.profile ? { profile: l.profile } : {}), mix: l.mix });
    const label = l.description ?? `extra load ${l.rate}/s on ${Object.keys(l.mix).join(', ')}`;
    des.windows.push({ label, from: l.at, to: l.at + l.for });
    hits.push(label);
  });
  if (s.clientTimeout !== undefined) des.clientTimeout = s.clientTimeout;
  if (problems.length) return { ok: false, problems };
  const workload: WorkloadOptions = {};
  const sw = s.workload;
  if (sw?.rate !== undefined) workload.rate = sw.rate;
  if (sw?.users !== undefined) workload.users = sw.users;
  if (sw?.duration !== undefined) workload.duration = sw.duration;
  if (sw?.warmup !== undefined) workload.warmup = sw.warmup;
  if (sw?.mix !== undefined) workload.mix = sw.mix;
  return { ok: true, value: { des, workload, hits } };
}
