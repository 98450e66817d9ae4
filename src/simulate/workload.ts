// The workload a simulation runs: the blueprint's `workload`, with command-line overrides,
// normalized (probabilities that sum to 1, a mean rate for profiles). Pure.
import { isPublic, operationIndex } from '../model/resolve.js';
import type { Blueprint, Dist, Profile } from '../model/schema.js';
import type { WorkloadSpec } from './types.js';
import { ArchsimError } from '../errors.js';

export interface WorkloadOptions {
  rate?: number;
  users?: number;
  thinkTime?: Dist;
  duration?: number;
  warmup?: number;
  mix?: Record<string, number>;
  profile?: Profile;
  requests?: number;
  /** open workloads: Poisson (default) or evenly spaced arrivals */
  arrivals?: 'poisson' | 'paced';
}

export class WorkloadError extends ArchsimError {
  override name = 'WorkloadError';
  readonly kind = 'usage';
}

export function workloadFor(bp: Blueprint, o: WorkloadOptions = {}): WorkloadSpec {
  const w = bp.workload;
  const ops = operationIndex(bp);
  let mix = o.mix ?? w?.mix;
  if (!mix) mix = Object.fromEntries([...ops.values()].filter((x) => isPublic(x.op)).map((x) => [x.id, 1]));
  const total = Object.values(mix).reduce((s, v) => s + v, 0);
  if (!(total > 0)) throw new WorkloadError('the workload mix is empty');
  for (const id of Object.keys(mix)) if (!ops.has(id)) throw new WorkloadError(`the workload mix names "${id}", which is not an operation`);
  const probs = Object.fromEntries(Object.entries(mix).map(([k, v]) => [k, v / total]));
  const users = o.users ?? (o.rate === undefined ? w?.users : undefined);
  const profile = o.rate !== undefined ? o.profile : (o.profile ?? w?.profile);
  const base = o.rate ?? w?.rate ?? 100;
  // A request count without a duration (benchmarks): run as long as that many arrivals take, at
  // the profile's rates where there is one (its base rate alone would stop the run early, before a
  // spike, under a header that names the whole profile's mean rate).
  const countDuration = o.requests !== undefined && o.duration === undefined && users === undefined ? durationFor(o.requests, profile, base) : undefined;
  const duration = o.duration ?? countDuration ?? w?.duration ?? 60_000;
  const warmup = o.warmup ?? w?.warmup ?? 0;
  if (!(duration > 0)) throw new WorkloadError('the duration must be positive');
  if (warmup >= duration) throw new WorkloadError('the warm-up must be shorter than the duration');
  const requests = o.requests !== undefined ? { requests: o.requests } : {};
  const arrivals = o.arrivals ?? w?.arrivals;
  if (users !== undefined) {
    // A closed workload's requests come when its users' think times end: no arrival process to choose.
    if (arrivals === 'paced') throw new WorkloadError('paced arrivals need an open workload (a rate), not users');
    return { kind: 'closed', users, thinkTime: o.thinkTime ?? w?.thinkTime ?? { dist: 'exp', mean: 1000, cv: 1 }, duration, warmup, mix: probs, ...requests };
  }
  if (!(base > 0)) throw new WorkloadError('the rate must be positive');
  const spec: WorkloadSpec = { kind: 'open', rate: base, duration, warmup, mix: probs, ...requests, ...(arrivals === 'paced' ? { arrivals } : {}) };
  if (profile && profile.kind !== 'constant') {
    spec.profile = profile;
    spec.rate = meanRate(profile, base, duration);
  }
  return spec;
}

/** Arrival rate at time t (ms) of a profile around a base rate. */
export function rateAt(p: Profile | undefined, base: number, t: number): number {
  if (!p || p.kind === 'constant') return base;
  switch (p.kind) {
    case 'ramp':
      return p.from + (p.to - p.from) * Math.min(1, t / p.over);
    case 'spike':
      return t >= p.at && t < p.at + p.for ? p.peak : p.base;
    case 'diurnal':
      return p.min + ((p.max - p.min) * (1 - Math.cos((2 * Math.PI * t) / p.period))) / 2;
  }
}

export function maxRate(p: Profile | undefined, base: number): number {
  if (!p || p.kind === 'constant') return base;
  switch (p.kind) {
    case 'ramp':
      return Math.max(p.from, p.to);
    case 'spike':
      return Math.max(p.base, p.peak);
    case 'diurnal':
      return Math.max(p.min, p.max);
  }
}

/**
 * How long (ms) the arrivals of a profile around a base rate take to reach `requests` on average:
 * the T with ∫₀ᵀ rate = requests, by bisection on arrivalsBy (non-decreasing in T). A constant rate
 * is requests / rate exactly. A profile whose rate stays 0 (a ramp down to 0/s) may never get
 * there: refused.
 */
export function durationFor(requests: number, p: Profile | undefined, base: number): number {
  if (!p || p.kind === 'constant') return (requests / base) * 1000;
  const arrived = (t: number) => arrivalsBy(p, base, t);
  let lo = 0;
  let hi = (requests / Math.max(maxRate(p, base), Number.MIN_VALUE)) * 1000;
  for (let i = 0; arrived(hi) < requests; i++) {
    if (i === 60 || !Number.isFinite(hi)) throw new WorkloadError(`the load profile's arrivals never reach ${requests} requests: give a duration instead`);
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 60 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (arrived(mid) < requests) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The expected arrivals of a profile around a base rate in [0, t] (t in ms): ∫₀ᵗ rate, exactly. */
export function arrivalsBy(p: Profile | undefined, base: number, t: number): number {
  const perSecond = (rateMs: number) => rateMs / 1000;
  if (!p || p.kind === 'constant') return perSecond(base * t);
  switch (p.kind) {
    case 'ramp': {
      const rising = Math.min(t, p.over);
      // (a ramp over 0 s is at its end rate from the start, as rateAt has it)
      const climb = p.over > 0 ? ((p.to - p.from) * rising * rising) / (2 * p.over) : 0;
      return perSecond(p.from * rising + climb + p.to * Math.max(0, t - p.over));
    }
    case 'spike':
      return perSecond(p.base * t + (p.peak - p.base) * Math.max(0, Math.min(t, p.at + p.for) - Math.min(t, p.at)));
    case 'diurnal':
      return perSecond(p.min * t + ((p.max - p.min) / 2) * (t - (p.period / (2 * Math.PI)) * Math.sin((2 * Math.PI * t) / p.period)));
  }
}

/**
 * Mean rate of a profile over [0, duration]: its exact arrivals over that time (arrivalsBy). A
 * midpoint sum of 2,000 rates missed part of a spike whose edges fall between its points (1,999.5/s
 * where simulate, counting arrivals, said 2,000/s). A run of no length is at its starting rate.
 */
export function meanRate(p: Profile | undefined, base: number, duration: number): number {
  if (!p || p.kind === 'constant') return base;
  if (!(duration > 0)) return rateAt(p, base, 0);
  return (arrivalsBy(p, base, duration) * 1000) / duration;
}
