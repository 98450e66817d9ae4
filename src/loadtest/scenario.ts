// What the driver sends: a scenario is a weighted set of operations, each building its own
// requests. The reference services plug their request builders in here; a scenario can also be
// a module file (for --target and for the driver's child process), exporting
// `createScenario(options)` or a default scenario.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runnableFile } from './runnable.js';
import { ArchsimError } from '../errors.js';
import { nextOfMix } from '../model/mix-order.js';

export type RequestSpec = {
  method: string;
  /** path and query, starting with "/" */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
};

export type RequestContext = {
  /** 0, 1, 2…: this request's number over the whole run */
  seq: number;
  /** this request's number within its operation */
  opSeq: number;
  /** a deterministic uniform [0, 1) stream (seeded), for picking users, conversations… */
  random: () => number;
  /** what setup() returned (seeded users, tokens…) */
  data: unknown;
  baseUrl: string;
};

export type ScenarioOperation = {
  /** "domain.operation", as in the blueprint */
  id: string;
  /** relative share of the requests (any positive numbers) */
  weight: number;
  build(ctx: RequestContext): RequestSpec;
};

/** How a load test builds its requests (not a failure scenario: that is simulate's Scenario). */
export type RequestScenario = {
  name?: string;
  operations: ScenarioOperation[];
  /** runs once before the load (seed data, log users in); its value is ctx.data */
  setup?(baseUrl: string): unknown | Promise<unknown>;
};

/** A scenario the driver can load in another process: a module and the options it is built with. */
export type ScenarioRef = { module: string; export?: string; options?: unknown };

/** Load a scenario module: `createScenario(options)`, a named export, or the default export. */
export async function loadScenario(ref: ScenarioRef, cwd = process.cwd()): Promise<RequestScenario> {
  const spec = ref.module.startsWith('file:') ? ref.module : pathToFileURL(isAbsolute(ref.module) ? ref.module : resolve(cwd, ref.module)).href;
  // Dynamic by nature: the module is the user's (--scenario) or a bundled one named at run time.
  const mod = (await import(spec)) as Record<string, unknown>;
  const picked = ref.export ? mod[ref.export] : (mod.createScenario ?? mod.default ?? mod.scenario);
  const value = typeof picked === 'function' ? await (picked as (o: unknown) => unknown)(ref.options) : picked;
  return checkScenario(value, ref.module);
}

export function checkScenario(value: unknown, where = 'scenario'): RequestScenario {
  const s = value as RequestScenario;
  if (!s || !Array.isArray(s.operations) || s.operations.length === 0) throw new Error(`${where}: a scenario needs operations: [{ id, weight, build(ctx) }]`);
  for (const o of s.operations) {
    if (typeof o.id !== 'string' || typeof o.build !== 'function') throw new Error(`${where}: every operation needs an id and build(ctx)`);
    if (!(o.weight > 0)) throw new Error(`${where}: operation ${o.id} needs a positive weight`);
  }
  return s;
}

/** The built-in scenario's module: one GET / against the trivial server. */
export function trivialScenario(options?: { path?: string; id?: string }): ScenarioRef {
  return { module: pathToFileURL(runnableFile(import.meta.url, './scenarios/trivial.js')).href, options };
}

/**
 * Smooth weighted round-robin (nginx's): deterministic, and every prefix of the sequence holds
 * each operation close to its share, so short runs still see the intended mix. The simulator's
 * paced arrivals take the same order from the same function (model/mix-order.ts nextOfMix),
 * so a prediction of a driver's run sends the mix in the driver's order.
 */
export function weightedPicker(weights: readonly number[]): () => number {
  const total = weights.reduce((a, b) => a + b, 0);
  const share = Float64Array.from(weights, (w) => w / total);
  const credit = new Float64Array(weights.length);
  return () => nextOfMix(credit, share);
}

/** mulberry32: a small seeded generator for ctx.random (the driver is not pure; this keeps runs repeatable). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Load tests only ever target this machine: 127.0.0.0/8, ::1 or localhost. */
export function assertLoopback(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LoopbackError(`"${url}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (u.protocol !== 'http:') throw new LoopbackError(`only http:// targets are load-tested, not ${u.protocol}//`);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) throw new LoopbackError(`refusing to load-test ${u.host}: archsim only targets 127.0.0.1, ::1 or localhost`);
  return u;
}

export class LoopbackError extends ArchsimError {
  override name = 'LoopbackError';
  readonly kind = 'usage';
}
