// The gateway's upstream weights: which unit serves each route, and in what share. At start
// every route goes to the unit of the route table; a caller with the control identity
// (service-auth.ts CONTROL_CALLER, e.g. `archsim rehearse`) may replace the upstreams of some
// routes at run time, all of them in one assignment, so no request ever sees half a change.
// Pure: parsing a change request and picking an upstream; the HTTP side is in gateway.ts.

export interface Upstream {
  unit: string;
  port: number;
  weight: number;
}

/** op ("domain.op") → its upstreams; a route absent from the map goes to its table unit. */
export type WeightTable = ReadonlyMap<string, readonly Upstream[]>;

/**
 * The response header naming the unit that answered a proxied request: a client watching a
 * canary tells the new route's latencies from the old route's in the same seconds (the
 * gateways a plan generates say the same with their upstream logs). Only for a request that
 * carries TAP_HEADER with the control identity's token: unit names are the layout's internals,
 * not a public client's business.
 */
export const UPSTREAM_HEADER = 'x-archsim-upstream';

/**
 * The request header with which the control plane (the rehearsal's load) asks for
 * UPSTREAM_HEADER: a service token of the run for the control identity. The gateway never
 * forwards it to a unit, and ignores (without a word) any value that is not such a token.
 */
export const TAP_HEADER = 'x-archsim-tap';

/** Bounds of a change request, so a caller cannot make the gateway hold or scan much. */
export const WEIGHTS_LIMITS = { bodyBytes: 64 * 1024, upstreams: 16, weight: 1000 } as const;

const UNIT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export type WeightsChange = { ok: true; ops: string[]; upstreams: Upstream[] } | { ok: false; message: string };

/**
 * Check a change request `{ ops: ["domain.op", …], upstreams: [{ unit, port, weight }, …] }`
 * against the routes the gateway knows. Every op must be a route of the table (a change never
 * creates a route); ports are loopback ports; weights are whole numbers, at least one above 0.
 */
export function parseWeightsChange(body: unknown, knownOps: ReadonlySet<string>): WeightsChange {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, message: 'expected an object { ops, upstreams }' };
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (k !== 'ops' && k !== 'upstreams') return { ok: false, message: `unknown key ${JSON.stringify(k.slice(0, 40))}` };
  const { ops, upstreams } = b;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > knownOps.size) return { ok: false, message: `ops: expected 1 to ${knownOps.size} operations` };
  for (const op of ops) if (typeof op !== 'string' || !knownOps.has(op)) return { ok: false, message: `ops: ${JSON.stringify(String(op).slice(0, 80))} is not a route of this gateway` };
  if (new Set(ops).size !== ops.length) return { ok: false, message: 'ops: an operation is listed twice' };
  if (!Array.isArray(upstreams) || upstreams.length === 0 || upstreams.length > WEIGHTS_LIMITS.upstreams) return { ok: false, message: `upstreams: expected 1 to ${WEIGHTS_LIMITS.upstreams} upstreams` };
  const out: Upstream[] = [];
  for (const [i, u] of upstreams.entries()) {
    if (u === null || typeof u !== 'object' || Array.isArray(u)) return { ok: false, message: `upstreams[${i}]: expected { unit, port, weight }` };
    const { unit, port, weight, ...rest } = u as Record<string, unknown>;
    if (Object.keys(rest).length) return { ok: false, message: `upstreams[${i}]: unknown key ${JSON.stringify(Object.keys(rest)[0]!.slice(0, 40))}` };
    if (typeof unit !== 'string' || !UNIT_NAME.test(unit)) return { ok: false, message: `upstreams[${i}].unit: expected a unit name (DNS-1123 label)` };
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return { ok: false, message: `upstreams[${i}].port: expected a port 1-65535` };
    if (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > WEIGHTS_LIMITS.weight) return { ok: false, message: `upstreams[${i}].weight: expected a whole number 0-${WEIGHTS_LIMITS.weight}` };
    if (out.some((o) => o.unit === unit || o.port === port)) return { ok: false, message: `upstreams[${i}]: unit or port listed twice` };
    out.push({ unit, port: port as number, weight: weight as number });
  }
  if (!out.some((u) => u.weight > 0)) return { ok: false, message: 'upstreams: at least one weight must be above 0' };
  return { ok: true, ops: ops as string[], upstreams: out };
}

/** A new table with the change applied (the old one is left as it was: callers swap references). */
export function applyWeights(table: WeightTable, ops: readonly string[], upstreams: readonly Upstream[]): WeightTable {
  const next = new Map(table);
  for (const op of ops) next.set(op, upstreams.map((u) => ({ ...u })));
  return next;
}

/**
 * The upstream of one request, by weight: `r` uniform in [0, 1). `exclude` leaves out ports
 * already tried (a retry goes elsewhere). Undefined when no upstream with weight is left.
 */
export function pickUpstream(upstreams: readonly Upstream[], r: number, exclude: ReadonlySet<number> = new Set()): Upstream | undefined {
  const live = upstreams.filter((u) => u.weight > 0 && !exclude.has(u.port));
  const total = live.reduce((s, u) => s + u.weight, 0);
  if (total <= 0) return undefined;
  let x = r * total;
  for (const u of live) {
    if (x < u.weight) return u;
    x -= u.weight;
  }
  return live[live.length - 1];
}
