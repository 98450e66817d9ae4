// A k6 script for the blueprint's workload, built from the same scenario plan the embedded driver
// runs (src/loadtest/profile): setup() seeds and logs in as the load profile says and hands the
// data (tokens, ids) to the VUs; every iteration sends the operation at its position in the
// weighted round-robin order both drivers follow, tagged operation:<domain.op>.
//
// Options are faithful to the run: an open workload is one constant-arrival-rate scenario at the
// exact rate (a timeUnit that makes 12.5/s exact); a closed one is constant-vus with think time.
// The run's timeline is the simulator's: the workload's duration is the whole run and its warm-up
// the first part of it, a scenario of its own whose requests are tagged warmup:<op> (not
// operation) so they stay out of every per-operation figure; a load profile's times count from
// the run's start. The request timeout is the run's. Thresholds come from the operations' latency
// budgets. Pure: text in, text out.
//
// A public operation of a unit that serves gRPC is a gRPC method (generate/grpc.ts names it), not
// an HTTP route: the gateway passes it on as gRPC, so the script calls it with k6/net/grpc on the
// system's .proto (written beside the script as system.proto), its path parameters (and query)
// in `params`, its JSON body in `body_json`, its headers as metadata. HTTP operations stay HTTP.
import { operationIndex, type ResolvedLayout } from '../model/resolve.js';

import type { Blueprint, Profile } from '../model/schema.js';
import { maxRate, rateAt } from '../simulate/workload.js';
import { analyze } from '../simulate/analytic.js';
import type { LoadProfile } from '../loadtest/profile/schema.js';
import { ProfileError, expectedCounts, scenarioPlan, type ScenarioPlan } from '../loadtest/profile/plan.js';
import { RUNTIME_SOURCE, lpCycle } from '../loadtest/profile/runtime.js';
import { GenerateError, envName, gatewayKind, gatewayPort, layoutToGenerate, unitHostPortRanges, type GatewayKind, type GenerateOptions, type GeneratedFile } from './common.js';
import { gatewayGrpcPort } from './gateway.js';
import { grpcNames, grpcPath, protoFile, routedByGrpc } from './grpc.js';
import { k6OperatorFiles } from './k6-operator.js';
import { commentText, jsonText, tsString } from './escape.js';

export interface K6Options {
  /**
   * Where requests go; default: __ENV.BASE_URL, else the gateway (or the unit) on 127.0.0.1.
   * gRPC calls go to its host: the gateway's gRPC port, or without a gateway each unit's own port.
   */
  baseUrl?: string;
  /** Open model: total arrival rate per second; default: the workload's. */
  rate?: number;
  /** Closed model: concurrent users (constant-vus); default: the workload's when it has no rate. */
  users?: number;
  /** Closed model: ms a user waits after each answer; default: the workload's think time. */
  thinkTime?: number;
  /**
   * Milliseconds measured, after the warm-up (the run lasts warm-up + this, as loadtest plans it);
   * default: the workload's duration less its warm-up (a blueprint's duration counts the warm-up in).
   */
  duration?: number;
  /** Milliseconds of load before measuring, the run's first part, in a scenario of its own; default: the workload's. */
  warmup?: number;
  /** Per-request timeout in ms (default 5000). */
  timeout?: number;
  /** Only these operations of the mix (domain.op). */
  operations?: string[];
  /** How to build valid requests (setup, auth, bodies); without one, placeholder requests. */
  profile?: LoadProfile | null;
  /** The gateway flavour the script goes through (where gRPC is taken); default: the layout's. */
  gatewayKind?: GatewayKind;
}

/** Where the script finds the system's .proto for its gRPC operations: beside the script. */
export const K6_PROTO_FILE = 'system.proto';

/**
 * The host of a base URL as a gRPC client dials it (its gRPC calls go to that host): parsed as
 * the URL standard says (an IDN as punycode, an IPv6 address in brackets, no user or port).
 * Undefined for a URL that is not http(s): the CLI refuses those; the library takes any string.
 */
export function baseUrlHost(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname ? u.hostname : undefined;
}

/** host:port of a base URL as a gRPC client dials it (its scheme's port when it names none), or undefined (baseUrlHost). */
export function baseUrlAddress(url: string): string | undefined {
  const host = baseUrlHost(url);
  if (host === undefined) return undefined;
  const u = new URL(url);
  return `${host}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
}

/** A public operation the script calls as a gRPC method. */
export interface K6GrpcCall {
  /** the operation (domain.op) and the unit serving it */
  id: string;
  unit: string;
  /** "<package>.<Service>/<Method>", as k6's client.invoke takes it */
  method: string;
  /** the environment variable holding the host:port to dial, and the port when it is unset */
  target: string;
  port: number;
  /**
   * Traefik takes gRPC on its one entrypoint, so the address is BASE_URL's own host and port:
   * a base URL on another port (a caller's --base-url, BASE_URL at run time) moves it too.
   */
  viaBase?: true;
}

/**
 * The chosen operations served over gRPC, and where each is dialled: the gateway's gRPC listener
 * where the layout declares a gateway (nginx and Kong take h2c on a port of their own, Traefik
 * on its one port), else the serving unit itself (GRPC_ADDR or <UNIT>_GRPC_ADDR).
 */
export function k6GrpcCalls(bp: Blueprint, r: ResolvedLayout, operations: readonly string[], kind: GatewayKind): K6GrpcCall[] {
  const byOp = new Map(r.routes.map((t) => [t.op, t]));
  const names = grpcNames(bp);
  const out: K6GrpcCall[] = [];
  for (const id of operations) {
    const t = byOp.get(id);
    const u = t && r.units.find((x) => x.name === t.unit);
    if (!t || !u || !routedByGrpc(u)) continue;
    const method = grpcPath(names, t.domain, id.slice(t.domain.length + 1)).slice(1);
    if (r.layout.gateway) out.push({ id, unit: u.name, method, target: 'GRPC_ADDR', ...(kind === 'traefik' ? { port: gatewayPort(r), viaBase: true as const } : { port: gatewayGrpcPort(r)! }) });
    else out.push({ id, unit: u.name, method, target: `${envName(u.name)}_GRPC_ADDR`, port: u.port });
  }
  return out;
}

/** A route path as an anchored regex capturing each {param} (lpRequest encodes values: no "/"). */
function captureParams(path: string): { pattern: string; params: string[] } {
  const params: string[] = [];
  const pattern = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        params.push(m[1]!);
        return '([^/]*)';
      }
      return part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  return { pattern: `^${pattern}$`, params };
}

export const K6_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/** k6's rate is a whole number per timeUnit: the smallest whole number of seconds that makes it exact. */
export function exactRate(perSecond: number): { rate: number; timeUnit: string; exact: boolean } {
  for (let k = 1; k <= 1000; k++) {
    const n = perSecond * k;
    if (Math.abs(n - Math.round(n)) < 1e-9 * Math.max(1, n) && Math.round(n) >= 1) return { rate: Math.round(n), timeUnit: `${k}s`, exact: true };
  }
  return { rate: Math.max(1, Math.round(perSecond * 1000)), timeUnit: '1000s', exact: false };
}

function fmtMs(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}

/** Whether a k6 script can drive the layout: some public operation of the workload has a route in it (`generate all` leaves k6 out otherwise). */
export function k6Drivable(bp: Blueprint, layoutName: string): boolean {
  try {
    mixOf(bp, layoutName, undefined);
    return true;
  } catch (e) {
    if (e instanceof GenerateError) return false;
    throw e;
  }
}

/** The workload's mix for the chosen operations (every public operation equally without a workload). */
function mixOf(bp: Blueprint, layoutName: string, operations: string[] | undefined): Record<string, number> {
  const table = layoutToGenerate(bp, layoutName).routes;
  const byOp = new Map(table.map((t) => [t.op, t]));
  const w = bp.workload;
  let mix: [string, number][] = w ? Object.entries(w.mix).filter(([op]) => byOp.has(op)) : table.map((t) => [t.op, 1]);
  if (operations) {
    for (const op of operations) if (!byOp.has(op)) throw new GenerateError(`k6: "${op}" is not a public operation with a route; ${table.length ? `operations: ${table.map((t) => t.op).join(', ')}` : `layout ${layoutName} has none`}`);
    const chosen = mix.filter(([op]) => operations.includes(op));
    mix = chosen.length ? chosen : operations.map((op) => [op, 1]);
  }
  if (mix.length === 0) throw new GenerateError('k6: the workload has no public operation with a route to drive');
  return Object.fromEntries(mix);
}

type Load = { model: 'open' | 'closed'; rate: number | null; users: number | null; thinkTime: number; duration: number; warmup: number; timeout: number };

/**
 * The run's two parts from a duration that counts the warm-up in (the blueprint's, simulate's and
 * generate's --duration): the warm-up first, then the measured window. A warm-up as long as the
 * run leaves nothing to measure: refused in one line, as simulate refuses it.
 */
export function k6RunWindow(bp: Blueprint, o: { duration?: number | undefined; warmup?: number | undefined }): { warmup: number; measured: number } {
  const total = o.duration ?? bp.workload?.duration ?? 60_000;
  const warmup = o.warmup ?? bp.workload?.warmup ?? 0;
  if (warmup >= total) throw new GenerateError(`k6: the warm-up (${fmtMs(warmup / 1000)} s) must be shorter than the duration (${fmtMs(total / 1000)} s), which counts it in`);
  return { warmup, measured: total - warmup };
}

function loadOf(bp: Blueprint, opts: K6Options): Load {
  const w = bp.workload;
  const warmup = opts.warmup ?? w?.warmup ?? 0;
  const users = opts.users ?? (opts.rate === undefined && !w?.rate ? w?.users : undefined) ?? null;
  const rate = users !== null ? null : (opts.rate ?? w?.rate ?? 10);
  return {
    model: users !== null ? 'closed' : 'open',
    rate,
    users,
    thinkTime: users !== null ? (opts.thinkTime ?? w?.thinkTime?.mean ?? 0) : 0,
    duration: opts.duration ?? k6RunWindow(bp, { warmup }).measured,
    warmup,
    timeout: opts.timeout ?? DEFAULT_K6_TIMEOUT_MS,
  };
}

/** The names the script exports (the runner's wrapper re-exports exactly these). */
/**
 * Open model: the iterations k6's warm-up scenario starts at `rate`/s over `warmupMs` (it ends
 * half an interval early, see span below): the measured scenario's first position in the order.
 */
export function k6WarmupIterations(rate: number, warmupMs: number): number {
  return Math.max(0, Math.ceil((rate * warmupMs) / 1000 - (warmupMs - 500 / rate >= 1000 ? 0.5 : 0)));
}

/** A profile in a few words, for the script's first line. */
function profileWords(p: Exclude<Profile, { kind: 'constant' }>): string {
  const r = (x: number) => `${fmtMs(x)}/s`;
  const sec = (x: number) => `${fmtMs(x / 1000)} s`;
  switch (p.kind) {
    case 'ramp':
      return `${r(p.from)} to ${r(p.to)} over ${sec(p.over)}`;
    case 'spike':
      return `${r(p.base)}, ${r(p.peak)} from ${sec(p.at)} for ${sec(p.for)}`;
    case 'diurnal':
      return `${r(p.min)} to ${r(p.max)} every ${sec(p.period)}`;
  }
}

/** At most this many k6 stages for a diurnal window; at least DIURNAL_MIN_STAGES, so a short window follows the curve too. */
const MAX_PROFILE_STAGES = 480;
const DIURNAL_MIN_STAGES = 12;

/**
 * A workload's load profile as k6's ramping-arrival-rate stages over one window [fromMs, toMs) of
 * the run, on the simulator's clock (time 0 the run's start, the warm-up inside the run): k6 ramps
 * linearly from each stage's rate to the next, so a ramp is one stage, a spike two instant steps
 * ('0s' stages) and a diurnal curve a stage per twenty-fourth of its period or per twelfth of the
 * window, whichever is shorter (a 10-minute window of a 24-hour curve: 12 stages of 50 s; it had
 * none, which k6 refuses), at most 480. startRate is the rate at fromMs. Rates per second. Pure.
 */
export function k6ProfileStages(p: Exclude<Profile, { kind: 'constant' }>, toMs: number, fromMs = 0): { startRate: number; stages: { target: number; duration: string }[] } {
  const ms = (x: number) => `${fmtMs(Math.max(0, x))}ms`;
  const a = fromMs;
  const b = Math.max(a, toMs);
  const clamp = (x: number) => Math.min(Math.max(x, a), b);
  switch (p.kind) {
    case 'ramp': {
      const rate = (t: number) => (p.over > 0 ? p.from + ((p.to - p.from) * Math.min(1, t / p.over)) : p.to);
      const stages: { target: number; duration: string }[] = [];
      // (from the run's start, the ramp's stage even when it takes no time: k6 starts at `from`)
      if (a < p.over || a === 0) stages.push({ target: rate(clamp(p.over)), duration: ms(clamp(p.over) - a) });
      const held = Math.max(a, p.over);
      if (b > held || stages.length === 0) stages.push({ target: p.to, duration: ms(b - held) });
      return { startRate: a === 0 ? p.from : rate(a), stages };
    }
    case 'spike': {
      const at = clamp(p.at);
      const end = clamp(p.at + p.for);
      const stages: { target: number; duration: string }[] = [];
      const inside = a > 0 && a >= p.at && a < p.at + p.for;
      if (inside) stages.push({ target: p.peak, duration: ms(end - a) }, { target: p.base, duration: '0s' });
      else {
        if (at > a || a === 0) stages.push({ target: p.base, duration: ms(at - a) });
        if (end > at) stages.push({ target: p.peak, duration: '0s' }, { target: p.peak, duration: ms(end - at) }, { target: p.base, duration: '0s' });
      }
      if (b > end || stages.length === 0) stages.push({ target: p.base, duration: ms(b - end) });
      return { startRate: inside ? p.peak : p.base, stages };
    }
    case 'diurnal': {
      const span = b - a;
      const step = Math.max(Math.min(p.period / 24, span / DIURNAL_MIN_STAGES), span / MAX_PROFILE_STAGES);
      const n = span > 0 ? Math.max(1, Math.ceil(span / step - 1e-9)) : 1;
      // Boundaries on whole microseconds, so the stages add up to the window exactly.
      const edge = (i: number) => (i === n ? b : Math.round((a + i * step) * 1000) / 1000);
      const stages: { target: number; duration: string }[] = [];
      for (let i = 1; i <= n; i++) stages.push({ target: +rateAt(p, 0, edge(i)).toPrecision(6), duration: ms(edge(i) - edge(i - 1)) });
      return { startRate: rateAt(p, 0, a), stages };
    }
  }
}

/** A profile's stages as k6 takes them: whole numbers of iterations per `timeUnit`. */
export interface K6WholeStages {
  startRate: number;
  stages: { target: number; duration: string }[];
  timeUnit: string;
  /** every rate kept exactly; else rounded, each at most `maxError` (a fraction) off */
  exact: boolean;
  maxError: number;
}

/**
 * k6 refuses a fractional startRate or stage target (they are int64: "cannot unmarshal number
 * 837.482"), so every rate of the profile is scaled by one common timeUnit: the smallest whole
 * number of seconds up to 1000 that makes them all whole (10.5/s and 20.25/s: 42 and 81 per 4s),
 * else the smallest power of ten seconds whose rounding keeps every rate within 0.1% of itself
 * (at most 10^6 s; past that, the closest of them, and maxError says how far). Pure.
 */
export function k6WholeStages(ps: { startRate: number; stages: { target: number; duration: string }[] }): K6WholeStages {
  const rates = [ps.startRate, ...ps.stages.map((s) => s.target)];
  const scaled = (k: number): K6WholeStages => {
    const w = (x: number) => Math.round(x * k);
    const maxError = Math.max(0, ...rates.filter((x) => x > 0).map((x) => Math.abs(w(x) - x * k) / (x * k)));
    return { startRate: w(ps.startRate), stages: ps.stages.map((s) => ({ target: w(s.target), duration: s.duration })), timeUnit: `${k}s`, exact: maxError < 1e-9, maxError };
  };
  for (let k = 1; k <= 1000; k++) {
    if (rates.every((x) => Math.abs(x * k - Math.round(x * k)) < 1e-9 * Math.max(1, x * k))) return { ...scaled(k), exact: true, maxError: 0 };
  }
  let best = scaled(1);
  for (let k = 10; k <= 1e6; k *= 10) {
    if (best.maxError < 1e-3) break;
    const next = scaled(k);
    if (next.maxError < best.maxError) best = next;
  }
  return best;
}

type ProfileStages = { startRate: number; stages: { target: number; duration: string }[] };

/**
 * Several windows of one profile (the warm-up's, the measured one's) on one common timeUnit, so
 * the header's one sentence about it holds for every scenario: k6WholeStages over all of their
 * rates at once, split back. Pure.
 */
function k6WholeWindows(windows: ProfileStages[]): { windows: ProfileStages[]; whole: K6WholeStages } {
  const flat = windows.flatMap((w, i) => [...(i > 0 ? [{ target: w.startRate, duration: '' }] : []), ...w.stages]);
  const whole = k6WholeStages({ startRate: windows[0]!.startRate, stages: flat });
  const out: ProfileStages[] = [];
  let at = 0;
  for (const [i, w] of windows.entries()) {
    const startRate = i === 0 ? whole.startRate : whole.stages[at++]!.target;
    out.push({ startRate, stages: whole.stages.slice(at, at + w.stages.length) });
    at += w.stages.length;
  }
  return { windows: out, whole: { ...whole, stages: out.flatMap((w) => w.stages) } };
}

/**
 * The iterations k6's ramping-arrival-rate starts over these stages: one each time the rate's
 * integral reaches 1, 2, 3, … (none at the start; measured with k6 v0.53), before the end.
 */
export function k6RampingIterations(startRate: number, stages: { target: number; duration: string }[], timeUnit: string): number {
  const unitMs = parseFloat(timeUnit) * 1000;
  let area = 0;
  let from = startRate;
  for (const s of stages) {
    const ms = s.duration.endsWith('ms') ? parseFloat(s.duration) : parseFloat(s.duration) * 1000;
    area += ((from + s.target) / 2) * (ms / unitMs);
    from = s.target;
  }
  return Math.max(0, Math.ceil(area - 1e-9) - 1);
}

export const K6_SCRIPT_EXPORTS = { execs: ['warmup', 'load'], setup: true, teardown: false, handleSummary: false, default: false } as const;

export function k6Script(bp: Blueprint, layoutName: string, opts: K6Options = {}): string {
  const r = layoutToGenerate(bp, layoutName);
  const mix = mixOf(bp, layoutName, opts.operations);
  const load = loadOf(bp, opts);
  // The workload's load profile drives the open model unless a rate is given (as in simulate,
  // where --rate replaces the profile); the rate then is its starting one (the warm-up's).
  const declared = bp.workload?.profile;
  const profile = load.model === 'open' && opts.rate === undefined && declared && declared.kind !== 'constant' ? declared : undefined;
  if (profile) load.rate = k6ProfileStages(profile, load.warmup + load.duration).startRate || load.rate;
  let plan: ScenarioPlan;
  try {
    plan = scenarioPlan(bp, mix, { rate: load.rate, users: load.users, thinkTime: load.thinkTime, duration: load.duration / 1000, warmup: load.warmup / 1000 }, opts.profile ?? null, { webSocket: true });
  } catch (e) {
    if (e instanceof ProfileError) throw new GenerateError(`k6: ${e.message}`);
    throw e;
  }
  const ops = operationIndex(bp);
  const order = lpCycle(plan.operations.map((o) => o.weight));
  // The gateway where the layout declares one, else the unit serving the first public route.
  const entry = r.units.find((u) => u.name === r.routes[0]?.unit) ?? r.units[0]!;
  const defaultBase = (opts.baseUrl ?? `http://127.0.0.1:${r.layout.gateway ? gatewayPort(r) : entry.port}`).replace(/\/+$/, '');
  // Without a gateway each unit publishes its own public routes on its own port: a request goes
  // to the unit whose route it matches (BASE_URL_<UNIT> overrides that unit's address). All of
  // them went to BASE_URL, the first unit, which answers 404 for the others' routes.
  const publicUnits = r.layout.gateway ? [] : [...new Set(r.routes.map((x) => x.unit))];
  // Where compose publishes each (unitHostPortRanges: a port two units share moves to the next
  // free one; a replicated unit has a port per replica, and its requests go round them).
  const hostPorts = unitHostPortRanges(r);
  // (A base URL given by the caller, e.g. loadtest's target, is the one address: kept.)
  const perUnit = opts.baseUrl === undefined && (publicUnits.length > 1 || publicUnits.some((u) => (hostPorts.get(u)?.count ?? 1) > 1));
  const unitVar = (u: string) => `BASE_URL_${u.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const unitUrls = Object.fromEntries(
    publicUnits.map((u) => {
      const at = hostPorts.get(u) ?? { first: r.units.find((x) => x.name === u)!.port, count: 1 };
      return [u, Array.from({ length: at.count }, (_, i) => `http://127.0.0.1:${at.first + i}`)];
    }),
  );
  /** The replicated public units' host ports, for the Run line (names as a comment may hold them). */
  const replicatedAt = (units: string[]) =>
    units.length ? `; ${units.map((u) => `${commentText(u)} at 127.0.0.1:${hostPorts.get(u)!.first}-${hostPorts.get(u)!.first + hostPorts.get(u)!.count - 1}`).join(', ')}, one port per replica, taken in turn` : '';
  /** The script's expression for the base URL of a request with this method and path. */
  const base = (method: string, path: string) => (perUnit ? `baseOf(${method}, ${path})` : 'BASE_URL');
  const usesWs = plan.operations.some((o) => o.method === 'WS');
  const grpcCalls = new Map(k6GrpcCalls(bp, r, plan.operations.map((o) => o.id), opts.gatewayKind ?? gatewayKind(r, {})).map((g) => [g.id, g]));
  // Each target the script dials, with its ports when the variable is unset (on BASE_URL's host):
  // without a gateway, a unit's host ports as compose publishes them (unitHostPortRanges, as
  // UNIT_URLS: one per replica, taken in turn; a port another unit took moves to a free one),
  // else the one port (the gateway's gRPC listener; a caller's base URL keeps the unit's port).
  // None for Traefik's: it is BASE_URL's own address (K6GrpcCall.viaBase).
  const grpcTargets: Record<string, number[]> = {};
  for (const g of grpcCalls.values()) {
    const at = !r.layout.gateway && opts.baseUrl === undefined ? hostPorts.get(g.unit) : undefined;
    grpcTargets[g.target] = g.viaBase ? [] : at ? Array.from({ length: at.count }, (_, i) => at.first + i) : [g.port];
  }
  const viaBase = [...grpcCalls.values()].some((g) => g.viaBase);
  /** A unit dialled over gRPC without a gateway: the variable its calls read, for the Run line. */
  const grpcVarOf = new Map([...grpcCalls.values()].filter((g) => g.target !== 'GRPC_ADDR').map((g) => [g.unit, g.target]));
  const portsText = (ports: number[]) => (ports.length > 1 ? `ports ${ports[0]}-${ports[ports.length - 1]}, one per replica, taken in turn` : `port ${ports[0]}`);
  // A base URL given says where the system is: its gRPC calls go to that host too, through the
  // gateway's gRPC listener, or without a gateway to each unit's own port there (the one address
  // the caller gave cannot say where else a unit listens). The header names the address.
  const givenHost = opts.baseUrl !== undefined ? baseUrlHost(opts.baseUrl) : undefined;
  const givenAddress = opts.baseUrl !== undefined ? baseUrlAddress(opts.baseUrl) : undefined;
  const grpcDefaultText = (v: string, ports: number[]) =>
    ports.length === 0
      ? `${givenAddress !== undefined ? `${commentText(givenAddress)}, ` : ''}BASE_URL's host and port: Traefik takes gRPC on the same entrypoint`
      : givenHost !== undefined && ports.length === 1
      ? `${commentText(givenHost)}:${ports[0]}, BASE_URL's host and ${v === 'GRPC_ADDR' ? "the gateway's gRPC port" : "the unit's own port"}`
      : `BASE_URL's host, ${portsText(ports)}`;
  const timeout = `${fmtMs(load.timeout)}ms`;

  // Scenarios: the warm-up (if any, the run's first part), then the measured load starting when it ends.
  const scenarios: Record<string, Record<string, unknown>> = {};
  let warmupIterations = 0;
  let whole: K6WholeStages | undefined;
  const gracefulStop = `${fmtMs(load.timeout + 1000)}ms`;
  if (load.model === 'open') {
    const rate = load.rate!;
    const { rate: n, timeUnit } = exactRate(rate);
    // k6 also starts an iteration at the closing instant (101 for 50/s × 2 s): end half an
    // interval early so it starts exactly rate × duration, as the embedded driver does (k6 wants
    // a scenario of at least 1 s, so a shorter one keeps its length and may send one more).
    const span = (ms: number) => `${fmtMs(ms - 500 / rate >= 1000 ? ms - 500 / rate : ms)}ms`;
    // VUs made before the start (making one mid-run evaluates the script and stalls the schedule).
    const pre = Math.min(1000, Math.max(10, Math.ceil(rate)));
    const max = Math.min(2000, Math.max(pre, Math.ceil((rate * load.timeout) / 1000)));
    const base = { executor: 'constant-arrival-rate', rate: n, timeUnit, preAllocatedVUs: pre, maxVUs: max, gracefulStop };
    // k6 refuses a constant-arrival-rate scenario under 1 s ("the duration must be at least 1s"),
    // and the run's parts can be shorter (a 1.5 s run with a 1 s warm-up measures 0.5 s): such a
    // part is the same rate as one ramping-arrival-rate stage, which k6 takes at any length.
    const short = (ms: number) => ({ executor: 'ramping-arrival-rate', startRate: n, timeUnit, stages: [{ target: n, duration: `${fmtMs(ms)}ms` }], preAllocatedVUs: pre, maxVUs: max, gracefulStop });
    if (profile) {
      // The profile over the run, its times from the run's start as the simulator's: the warm-up
      // follows it over its own part (a spike at 2 s of a 5 s warm-up is in the warm-up), the
      // measured scenario over the rest, both on one timeUnit.
      const warmStages = load.warmup > 0 ? k6ProfileStages(profile, load.warmup, 0) : undefined;
      const loadStages = k6ProfileStages(profile, load.warmup + load.duration, load.warmup);
      const split = k6WholeWindows(warmStages ? [warmStages, loadStages] : [loadStages]);
      whole = split.whole;
      const peak = maxRate(profile, rate);
      const ramping = (w: ProfileStages) => ({
        executor: 'ramping-arrival-rate',
        startRate: w.startRate,
        timeUnit: whole!.timeUnit,
        stages: w.stages,
        preAllocatedVUs: Math.min(1000, Math.max(10, Math.ceil(peak))),
        maxVUs: Math.min(2000, Math.max(10, Math.ceil((peak * load.timeout) / 1000))),
      });
      if (warmStages) {
        const w = split.windows[0]!;
        warmupIterations = k6RampingIterations(w.startRate, w.stages, whole.timeUnit);
        // It stops at the warm-up's end (as the constant one's does): the load reuses its VUs.
        scenarios.warmup = { ...ramping(w), gracefulStop: '0ms', exec: 'warmup', tags: { phase: 'warmup' } };
      }
      scenarios.load = {
        ...ramping(split.windows[split.windows.length - 1]!),
        gracefulStop,
        ...(load.warmup > 0 ? { startTime: `${fmtMs(load.warmup)}ms` } : {}),
        exec: 'load',
        tags: { phase: 'measure' },
      };
    } else {
      if (load.warmup > 0 && load.warmup < 1000) {
        warmupIterations = k6RampingIterations(n, short(load.warmup).stages, timeUnit);
        scenarios.warmup = { ...short(load.warmup), gracefulStop: '0ms', exec: 'warmup', tags: { phase: 'warmup' } };
      } else if (load.warmup > 0) {
        warmupIterations = k6WarmupIterations(rate, load.warmup);
        // Its VUs free by the time the load starts, so the load reuses them and their open
        // connections: with the load's gracefulStop the two scenarios overlapped in k6's plan and
        // the load got fresh VUs, each opening a connection in the measured window's first second
        // (25 of 375 requests at 25/s × 15 s, measured 23% slower than their operation's median),
        // while the embedded driver was warm. A warm-up request still in flight then is cut (its
        // figures are not measured); 0 new connections in the measured window with this stop.
        const warmStop = `${fmtMs(load.warmup - 500 / rate >= 1000 ? 500 / rate : 0)}ms`;
        scenarios.warmup = { ...base, gracefulStop: warmStop, duration: span(load.warmup), exec: 'warmup', tags: { phase: 'warmup' } };
      }
      const at = load.warmup > 0 ? { startTime: `${fmtMs(load.warmup)}ms` } : {};
      scenarios.load = load.duration < 1000 ? { ...short(load.duration), ...at, exec: 'load', tags: { phase: 'measure' } } : { ...base, ...at, duration: span(load.duration), exec: 'load', tags: { phase: 'measure' } };
    }
  } else {
    const base = { executor: 'constant-vus', vus: load.users!, gracefulStop };
    // k6 refuses constant-vus under 1 s too: the same users as one ramping-vus stage.
    const short = (ms: number) => ({ executor: 'ramping-vus', startVUs: load.users!, stages: [{ target: load.users!, duration: `${fmtMs(ms)}ms` }], gracefulStop });
    if (load.warmup > 0) {
      // A closed warm-up sends an unknown number of requests; its positions are estimated.
      warmupIterations = Object.values(expectedCounts(mix, { ...load, duration: 0, warmup: load.warmup / 1000 })).reduce((a, b) => a + b, 0);
      scenarios.warmup = { ...(load.warmup < 1000 ? short(load.warmup) : { ...base, duration: `${fmtMs(load.warmup)}ms` }), exec: 'warmup', tags: { phase: 'warmup' } };
    }
    const at = load.warmup > 0 ? { startTime: `${fmtMs(load.warmup)}ms` } : {};
    scenarios.load = load.duration < 1000 ? { ...short(load.duration), ...at, exec: 'load', tags: { phase: 'measure' } } : { ...base, ...at, duration: `${fmtMs(load.duration)}ms`, exec: 'load', tags: { phase: 'measure' } };
  }
  const thresholds: Record<string, string[]> = {};
  for (const o of plan.operations) {
    const b = ops.get(o.id)!.op.budget;
    if (!b) continue;
    const conds = (['p50', 'p95', 'p99'] as const).filter((p) => b[p] !== undefined).map((p) => `${p === 'p50' ? 'med' : `p(${p.slice(1)})`}<${fmtMs(b[p]!)}`);
    const metric = grpcCalls.has(o.id) ? 'grpc_req_duration' : o.method === 'WS' ? 'ws_connecting' : 'http_req_duration';
    if (conds.length) thresholds[`${metric}{operation:${o.id}}`] = conds;
  }
  thresholds['http_req_failed{phase:measure}'] = ['rate<0.01'];
  thresholds['checks{phase:measure}'] = ['rate>0.99'];
  const options = { scenarios, thresholds, setupTimeout: '10m', discardResponseBodies: true, summaryTrendStats: K6_TREND_STATS };

  // The profile's data is the user's text: C1, U+2028/9 and bidi controls written as \uXXXX.
  const j = (v: unknown) => jsonText(v, 2);
  const describe = profile
    ? `the workload's ${profile.kind} profile (${profileWords(profile)})`
    : load.model === 'open'
      ? `${fmtMs(load.rate!)} requests/s`
      : `${load.users} users${load.thinkTime ? ` with ${fmtMs(load.thinkTime)} ms think time` : ''}`;
  const L: string[] = [];
  L.push(
    // The run as the blueprint and simulate count it: the warm-up is its first part.
    `// k6 load test for ${bp.metadata.name}, layout ${layoutName}: ${describe} for ${fmtMs((load.warmup + load.duration) / 1000)} s${load.warmup ? `, the first ${fmtMs(load.warmup / 1000)} s a warm-up that is not measured` : ''}.`,
    '// Generated by archsim; regenerate rather than edit. Needs k6 v0.53 or newer.',
    perUnit
      ? `// Run: k6 run ${publicUnits
          .filter((u) => unitUrls[u]!.length === 1)
          .map((u) => (grpcVarOf.has(u) ? `-e ${grpcVarOf.get(u)}=${unitUrls[u]![0]!.slice('http://'.length)} ` : `-e ${unitVar(u)}=${unitUrls[u]![0]} `))
          .join('')}load-test.js (no gateway: each unit's routes go to its own address${replicatedAt(publicUnits.filter((u) => unitUrls[u]!.length > 1))})`
      : `// Run: k6 run -e BASE_URL=${commentText(defaultBase)} load-test.js`,
  );
  if (whole) {
    L.push(
      `// The profile's rates are per ${whole.timeUnit} (k6 takes whole numbers of iterations per timeUnit): ${
        whole.exact ? 'exact' : `rounded to whole numbers, each within ${fmtMs(Math.ceil(whole.maxError * 1e5) / 1e3)}% of the profile's`
      }.`,
    );
  }
  if (grpcCalls.size) {
    L.push(
      '// gRPC: these operations are methods of units that serve gRPC; the script calls them with',
      `// k6/net/grpc on ${K6_PROTO_FILE} (keep it beside this script), in plain text (h2c${viaBase ? '; TLS when BASE_URL is https' : ''}), dialling`,
      ...Object.entries(grpcTargets).map(([v, ports]) => `// ${v} (default: ${grpcDefaultText(v, ports)})`),
      '// Route parameters and query go in `params`, the JSON body in `body_json`, headers as metadata:',
      ...[...grpcCalls.values()].map((g) => `//   ${commentText(g.id)} (${commentText(g.unit)}): ${g.method}`),
    );
  }
  if (plan.placeholder) {
    L.push(
      '// No load profile was given: requests are placeholders built from the blueprint routes ({param} =',
      '// the request number, writes send a JSON body of the operation’s request size, no login). Write',
      '// <blueprint>.load.yaml (see the README, "Load profiles") for setup, auth and valid bodies.',
    );
  }
  L.push("import http from 'k6/http';");
  if (usesWs) L.push("import ws from 'k6/ws';");
  if (grpcCalls.size) L.push("import grpc from 'k6/net/grpc';");
  L.push("import exec from 'k6/execution';", "import { check, sleep } from 'k6';", '');
  L.push(`const BASE_URL = (__ENV.BASE_URL || ${tsString(defaultBase)}).replace(/\\/+$/, '');`);
  if (perUnit) {
    L.push(
      '// No gateway: each unit serves its own public routes at its own address (BASE_URL_<UNIT>),',
      "// a replicated unit at one host port per replica, taken in turn (compose publishes them so).",
      `const UNIT_URLS = {${publicUnits.map((u) => `${JSON.stringify(u)}: (__ENV.${unitVar(u)} ? [__ENV.${unitVar(u)}] : ${JSON.stringify(unitUrls[u])}).map((x) => x.replace(/\\/+$/, ''))`).join(', ')}};`,
      'let turn = 0;',
      `const ROUTES = ${JSON.stringify(r.routes.map((x) => [x.method, x.pattern, x.unit]))}.map(([m, p, u]) => [m, new RegExp(p), u]);`,
      '/** The address of the unit whose route this request matches (BASE_URL when none does). */',
      'function baseOf(method, path) {',
      "  const q = path.search(/[?#]/);",
      '  const bare = q < 0 ? path : path.slice(0, q);',
      '  for (const [m, re, u] of ROUTES) if (m === method && re.test(bare)) return UNIT_URLS[u][turn++ % UNIT_URLS[u].length];',
      '  return BASE_URL;',
      '}',
    );
  }
  L.push('// The load profile: setup steps (seeding, login) and default token.');
  L.push(`const PROFILE = ${j({ users: plan.profile.users, vars: plan.profile.vars, token: plan.profile.token, setup: plan.profile.setup })};`);
  L.push('// Each operation: its route and request template.');
  L.push(
    `const OPERATIONS = ${j(
      plan.operations.map((o) => {
        const g = grpcCalls.get(o.id);
        return { id: o.id, method: o.method, path: o.path, t: o.t, ...(g ? { grpc: { method: g.method, target: g.target, ...captureParams(o.path) } } : {}) };
      }),
    )};`,
  );
  if (grpcCalls.size) {
    L.push(
      '// gRPC: each target (an environment variable) and its addresses (a replicated unit: one per',
      '// replica, taken in turn); one client per address and VU, loaded with the system\'s contract in',
      '// the init context, connected at its first call.',
      `const GRPC_PORTS = ${JSON.stringify(grpcTargets)};`,
      '// BASE_URL\'s host (a name, an IPv4 address or a bracketed IPv6 one), without user or port.',
      ...(givenHost !== undefined ? ['// The base URL archsim was given is parsed already (new URL: an IDN as punycode).'] : []),
      'function hostOf(url) {',
      "  const rest = url.slice(url.indexOf('://') + 3);",
      "  const end = rest.search(/[/?#]/);",
      "  const hostPort = (end < 0 ? rest : rest.slice(0, end)).slice(rest.lastIndexOf('@', end < 0 ? rest.length : end) + 1);",
      "  if (hostPort[0] === '[') return hostPort.slice(0, hostPort.indexOf(']') + 1);",
      "  const colon = hostPort.lastIndexOf(':');",
      "  return (colon < 0 ? hostPort : hostPort.slice(0, colon)) || '127.0.0.1';",
      '}',
      givenHost !== undefined ? `const BASE_HOST = BASE_URL === ${tsString(defaultBase)} ? ${tsString(givenHost)} : hostOf(BASE_URL);` : 'const BASE_HOST = hostOf(BASE_URL);',
      ...(viaBase
        ? [
            "// BASE_URL's host and port (its scheme's when it names none): where Traefik takes gRPC too.",
            'function addressOf(url) {',
            "  const rest = url.slice(url.indexOf('://') + 3);",
            "  const end = rest.search(/[/?#]/);",
            "  const hostPort = (end < 0 ? rest : rest.slice(0, end)).slice(rest.lastIndexOf('@', end < 0 ? rest.length : end) + 1);",
            "  const colon = hostPort.indexOf(':', hostPort[0] === '[' ? hostPort.indexOf(']') : 0);",
            "  return BASE_HOST + ':' + (colon >= 0 && colon < hostPort.length - 1 ? hostPort.slice(colon + 1) : url.startsWith('https:') ? '443' : '80');",
            '}',
            givenAddress !== undefined ? `const BASE_ADDR = BASE_URL === ${tsString(defaultBase)} ? ${tsString(givenAddress)} : addressOf(BASE_URL);` : 'const BASE_ADDR = addressOf(BASE_URL);',
            "const BASE_TLS = BASE_URL.startsWith('https:');",
          ]
        : []),
      'const GRPC_ADDRS = {};',
      'const GRPC_CLIENTS = {};',
      'const GRPC_CONNECTED = {};',
      'const GRPC_TURN = {};',
      'for (const v of Object.keys(GRPC_PORTS)) {',
      viaBase
        ? "  GRPC_ADDRS[v] = __ENV[v] ? [__ENV[v]] : GRPC_PORTS[v].length ? GRPC_PORTS[v].map((port) => BASE_HOST + ':' + port) : [BASE_ADDR];"
        : "  GRPC_ADDRS[v] = __ENV[v] ? [__ENV[v]] : GRPC_PORTS[v].map((port) => BASE_HOST + ':' + port);",
      '  GRPC_CLIENTS[v] = GRPC_ADDRS[v].map(() => {',
      '    const c = new grpc.Client();',
      `    c.load(['.'], ${JSON.stringify(K6_PROTO_FILE)});`,
      '    return c;',
      '  });',
      '  GRPC_CONNECTED[v] = GRPC_ADDRS[v].map(() => false);',
      '  GRPC_TURN[v] = 0;',
      '}',
    );
  }
  L.push('// Requests each operation is expected to send (pools of single-use items are sized from it).');
  L.push(`const EXPECTED = ${JSON.stringify(plan.expected)};`);
  L.push('// The weighted round-robin order of the operations (one cycle), as the embedded driver sends them.');
  L.push(`const ORDER = ${JSON.stringify(order)};`);
  L.push(`const WARMUP_ITERATIONS = ${warmupIterations};`);
  L.push(`const THINK_TIME_S = ${fmtMs(load.thinkTime / 1000)};`);
  L.push(`const TIMEOUT = '${timeout}';`, '');
  L.push(`export const options = ${j(options)};`, '');
  L.push('// The load profile interpreter (archsim src/loadtest/profile/runtime.ts), shared with the embedded driver.');
  L.push(RUNTIME_SOURCE);
  L.push(
    'const BYTES = {};',
    'function bodyOf(r) {',
    '  if (r.bytes === undefined) return r.body === undefined ? null : r.body;',
    '  if (!BYTES[r.bytes]) BYTES[r.bytes] = lpBytes(r.bytes).buffer;',
    '  return BYTES[r.bytes];',
    '}',
    '',
    '/** Seed and log in as the profile says; what it returns is every VU\'s data. */',
    'export function setup() {',
    '  const steps = lpSetup(PROFILE, EXPECTED, Date.now().toString(36));',
    '  let step = steps.next();',
    '  while (!step.done) {',
    '    if (step.value.sleep !== undefined) {',
    '      sleep(step.value.sleep / 1000);',
    '      step = steps.next();',
    '      continue;',
    '    }',
    "    // Seeding may be slow (password hashing, many writes): a minute per request, not the load's timeout.",
    "    const params = (r) => ({ headers: r.headers, responseType: 'text', timeout: '60s', tags: { phase: 'setup' } });",
    `    const res = http.batch(step.value.requests.map((r) => ({ method: r.method, url: ${base('r.method', 'r.path')} + r.path, body: bodyOf(r), params: params(r) })));`,
    '    step = steps.next(res.map((x) => ({ status: x.status, body: x.body, error: x.error })));',
    '  }',
    '  return step.value;',
    '}',
    '',
    '/** The request at this position of the order; warm-up requests are tagged warmup, not operation. */',
    'function send(data, position, warm) {',
    '  const slot = position % ORDER.cycle.length;',
    '  const k = ORDER.cycle[slot];',
    '  const op = OPERATIONS[k];',
    '  const opSeq = Math.floor(position / ORDER.cycle.length) * ORDER.perCycle[k] + ORDER.rank[slot];',
    '  const r = lpRequest(op, data, { seq: position, opSeq, random: Math.random }, PROFILE.token);',
    '  // name groups the URLs of a route in one series; it keeps the host (k6 reports it as the url).',
    `  const name = ${base('op.method', 'op.path')} + op.path;`,
    '  const tags = warm ? { warmup: op.id, name } : { operation: op.id, name };',
  );
  if (usesWs) {
    L.push(
      "  if (op.method === 'WS') {",
      `    const res = ws.connect(${base("'WS'", 'r.path')}.replace(/^http/, 'ws') + r.path, { headers: r.headers, tags }, (socket) => socket.on('open', () => socket.close()));`,
      "    check(res, { 'status 101': (x) => x && x.status === 101 }, tags);",
      '    return;',
      '  }',
    );
  }
  if (grpcCalls.size) {
    L.push(
      '  if (op.grpc) {',
      '    sendGrpc(op, r, warm ? { warmup: op.id } : { operation: op.id });',
      '    return;',
      '  }',
    );
  }
  L.push(
    `  const res = http.request(op.method, ${base('op.method', 'r.path')} + r.path, bodyOf(r), { headers: r.headers, tags, timeout: TIMEOUT });`,
    "  check(res, { 'status 2xx': (x) => x.status >= 200 && x.status < 300 }, tags);",
    '}',
    '',
  );
  if (grpcCalls.size) {
    L.push(
      '/** A gRPC operation: the route\'s parameters and query as params, the body as body_json, headers as metadata. */',
      'function sendGrpc(op, r, tags) {',
      "  const q = r.path.indexOf('?');",
      '  const m = new RegExp(op.grpc.pattern).exec(q < 0 ? r.path : r.path.slice(0, q));',
      '  const params = {};',
      '  op.grpc.params.forEach((name, i) => (params[name] = m ? decodeURIComponent(m[i + 1]) : \'\'));',
      '  if (q >= 0) {',
      "    for (const kv of r.path.slice(q + 1).split('&')) {",
      "      const e = kv.indexOf('=');",
      '      if (e > 0) params[decodeURIComponent(kv.slice(0, e))] = decodeURIComponent(kv.slice(e + 1));',
      '    }',
      '  }',
      '  // A binary body (bytes) has no field in the contract: refine the .proto to send one.',
      "  const body_json = r.body === undefined || r.body === null ? '' : String(r.body);",
      '  const metadata = {};',
      "  for (const k of Object.keys(r.headers || {})) if (k !== 'content-type' && k !== 'content-length') metadata[k] = String(r.headers[k]);",
      '  const v = op.grpc.target;',
      '  const i = GRPC_TURN[v]++ % GRPC_ADDRS[v].length;',
      '  if (!GRPC_CONNECTED[v][i]) {',
      viaBase
        ? '    GRPC_CLIENTS[v][i].connect(GRPC_ADDRS[v][i], { plaintext: GRPC_PORTS[v].length > 0 || !BASE_TLS, timeout: TIMEOUT });'
        : '    GRPC_CLIENTS[v][i].connect(GRPC_ADDRS[v][i], { plaintext: true, timeout: TIMEOUT });',
      '    GRPC_CONNECTED[v][i] = true;',
      '  }',
      '  const res = GRPC_CLIENTS[v][i].invoke(op.grpc.method, { params, body_json }, { metadata, tags, timeout: TIMEOUT });',
      "  check(res, { 'status OK': (x) => !!x && x.status === grpc.StatusOK }, tags);",
      '}',
      '',
    );
  }
  L.push(
    'export function warmup(data) {',
    ...(load.model === 'open' && load.warmup > 0
      ? [
          '  // A late k6 can start one warm-up iteration more than planned: its position is the',
          "  // load's first, and a single-use item (a refresh token) would be spent twice. Skip it.",
          '  if (exec.scenario.iterationInTest >= WARMUP_ITERATIONS) return;',
        ]
      : []),
    '  send(data, exec.scenario.iterationInTest, true);',
    '  if (THINK_TIME_S > 0) sleep(THINK_TIME_S);',
    '}',
    '',
    'export function load(data) {',
    '  send(data, WARMUP_ITERATIONS + exec.scenario.iterationInTest, false);',
    '  if (THINK_TIME_S > 0) sleep(THINK_TIME_S);',
    '}',
    '',
  );
  return L.join('\n');
}

/** The request timeout a script gets when none is given: 5 s, unless the blueprint's own work is slower. */
export const DEFAULT_K6_TIMEOUT_MS = 5000;

/**
 * 5 s, or three times the slowest operation's p99 with no load (its own work and calls, no queue:
 * the analytic method at a thousandth of a request per second), in whole seconds up to 10 minutes: an export that
 * takes two minutes must not be cut at 5 s and fail the script's error threshold. Pure.
 */
export function defaultTimeout(bp: Blueprint, layout: string, mix: Record<string, number>): number {
  let slowest = 0;
  try {
    const r = analyze(bp, layout, { rate: 0.001, mix });
    for (const o of r.operations) if (Number.isFinite(o.latency.p99)) slowest = Math.max(slowest, o.latency.p99);
  } catch {
    return DEFAULT_K6_TIMEOUT_MS; // (a layout the solver refuses: the generators say why elsewhere)
  }
  // (at most 10 minutes: the script's end waits that long for requests in flight)
  return Math.min(600_000, Math.max(DEFAULT_K6_TIMEOUT_MS, Math.ceil((3 * slowest) / 1000) * 1000));
}

export function k6Files(bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  const k6opts: K6Options = {};
  if (opts.baseUrl !== undefined) k6opts.baseUrl = opts.baseUrl;
  if (opts.rate !== undefined) k6opts.rate = opts.rate;
  if (opts.users !== undefined) k6opts.users = opts.users;
  if (opts.thinkTime !== undefined) k6opts.thinkTime = opts.thinkTime;
  if (opts.operations !== undefined) k6opts.operations = opts.operations;
  k6opts.timeout = opts.timeout ?? defaultTimeout(bp, layout, mixOf(bp, layout, opts.operations));
  // generate's duration is the whole run, the warm-up inside it (as simulate's); the script's
  // options take the measured part (as loadtest's plan gives it). After the layout's own errors.
  const run = k6RunWindow(bp, { duration: opts.duration, warmup: opts.warmup });
  k6opts.duration = run.measured;
  k6opts.warmup = run.warmup;
  if (opts.loadProfile !== undefined) k6opts.profile = opts.loadProfile;
  const r = layoutToGenerate(bp, layout);
  k6opts.gatewayKind = gatewayKind(r, opts);
  const script = k6Script(bp, layout, k6opts);
  const files = [{ path: 'k6/load-test.js', content: script }];
  // The contract the script's gRPC client loads, only when it calls a gRPC operation.
  const extra: GeneratedFile[] = k6GrpcCalls(bp, r, Object.keys(mixOf(bp, layout, opts.operations)), k6opts.gatewayKind).length ? [{ path: `k6/${K6_PROTO_FILE}`, content: protoFile(bp) }] : [];
  files.push(...extra);
  if (opts.k6Operator) files.push(...k6OperatorFiles(bp, layout, script, { ...opts.k6Operator, ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}), files: extra.map((f) => ({ name: f.path.slice('k6/'.length), content: f.content })) }));
  return files;
}
