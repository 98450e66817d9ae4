// From (blueprint, the run's mix and load, a load profile) to what both drivers execute: each
// operation's route and request template, whole-number weights, and the requests each operation
// is expected to send (pools of single-use things are sized from it). Pure.
import { operationIndex, isPublic } from '../../model/resolve.js';
import type { Blueprint } from '../../model/schema.js';
import { LoadProfile, type OperationRequest } from './schema.js';

export type PlannedOperation = { id: string; weight: number; method: string; path: string; t: OperationRequest };

export type ScenarioPlan = {
  profile: LoadProfile;
  operations: PlannedOperation[];
  /** operation id → requests the run is expected to send (warm-up included) */
  expected: Record<string, number>;
  /** true when no load profile was given and requests are placeholders built from the routes */
  placeholder: boolean;
};

export type LoadShape = { rate: number | null; users: number | null; thinkTime?: number; duration: number; warmup: number };

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/**
 * Whole-number weights with the same proportions (to three decimals), so a cycle of the weighted
 * round-robin is finite and both drivers walk the same one.
 */
export function integerWeights(weights: number[]): number[] {
  const scale = weights.every((w) => Number.isInteger(w)) ? 1 : 1000;
  const ints = weights.map((w) => Math.max(1, Math.round(w * scale)));
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = ints.reduce(gcd);
  return ints.map((w) => w / g);
}

/** The requests each operation is expected to send over warm-up and measurement. */
export function expectedCounts(mix: Record<string, number>, load: LoadShape): Record<string, number> {
  const total = Object.values(mix).reduce((a, b) => a + b, 0) || 1;
  const perSecond = load.rate ?? (load.users ?? 1) * (load.thinkTime && load.thinkTime > 0 ? 1000 / load.thinkTime : 500);
  const seconds = load.duration + load.warmup;
  return Object.fromEntries(Object.entries(mix).map(([id, w]) => [id, Math.ceil((perSecond * seconds * w) / total)]));
}

/**
 * Without a load profile archsim can only guess: {param}s become the request number and writes
 * send a JSON body of the operation's request size, without authentication. Said in the result.
 */
function placeholderTemplate(method: string, path: string, bytes: number): OperationRequest {
  const params = Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1]!, '{{seq}}']));
  const write = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return { params, ...(write ? { json: { data: `{{fill(${Math.max(0, bytes - 11)})}}` } } : {}) };
}

/** `webSocket`: k6 drives WS routes (k6/ws); the embedded driver speaks HTTP only. */
export function scenarioPlan(bp: Blueprint, mix: Record<string, number>, load: LoadShape, profile: LoadProfile | null, o: { webSocket?: boolean } = {}): ScenarioPlan {
  const idx = operationIndex(bp);
  const ids = Object.keys(mix);
  if (ids.length === 0) throw new ProfileError('no operation to load: the mix is empty');
  const weights = integerWeights(ids.map((id) => mix[id]!));
  const operations = ids.map((id, i): PlannedOperation => {
    const ref = idx.get(id);
    if (!ref || !isPublic(ref.op)) throw new ProfileError(`"${id}" is not a public operation with a route`);
    const { method, path } = ref.op.route!;
    if (method === 'WS' && !o.webSocket) throw new ProfileError(`${id}: the embedded driver does not open WebSockets; use --driver k6 (the generated script drives them with k6/ws)`);
    const t = profile ? (profile.requests[id] ?? {}) : placeholderTemplate(method, path, ref.op.request ?? bp.system.defaults.payload.request);
    for (const m of path.matchAll(/\{([^}]+)\}/g)) {
      if (t.params?.[m[1]!] === undefined) throw new ProfileError(`load profile: requests.${id}.params.${m[1]} is missing (the route is ${method} ${path})`);
    }
    return { id, weight: weights[i]!, method, path, t };
  });
  return {
    profile: profile ?? LoadProfile.parse({ apiVersion: 'archsim/v1', kind: 'LoadProfile', users: 1 }),
    operations,
    expected: expectedCounts(mix, load),
    placeholder: !profile,
  };
}
