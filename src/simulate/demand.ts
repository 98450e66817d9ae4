// What one request of each operation asks of each station, read off the compiled programs.
import { D_LOGNORMAL, distMean, distVar, OP_ARRIVE, OP_CHECK, OP_DELAY, OP_SPAWN, OP_VISIT, W, type Compiled } from './compile.js';

/** Per top-level operation: what one request does to each station. */
export interface OpDemand {
  /**
   * critical path: station of each visit, its mean and variance, the mean of the delays (latency,
   * waits) just before it, and whether it is fresh: not the straight continuation of a visit to the
   * same station (the same process carrying on, which finds it warm; see cold-visit.ts)
   */
  visits: { station: number; mean: number; variance: number; before: number; fresh: boolean; /** its work is lognormal (analytic.ts latencyQuantiles: the family of the work's fit) */ lognormal: boolean }[];
  delayMean: number;
  delayVar: number;
  hops: number;
  /** one-way latencies on the critical path, ms (each hop at its protocol's) */
  networkMs: number;
  /** load per request including spawned event work: visits and ms per station */
  loadVisits: Float64Array;
  loadDemand: Float64Array;
  /** Σ E[S²] of the visits per station (for the service-time variability of each station) */
  loadM2: Float64Array;
  /** of loadVisits, the fresh ones per station */
  loadFresh: Float64Array;
}

/**
 * Is the instruction at pc a visit that continues the visit just before it (same station, nothing
 * between)? An OP_CHECK or OP_ARRIVE between them is nothing: it takes no time and leaves the
 * process as it was.
 */
function continues(code: Int32Array, pc: number): boolean {
  let p = pc - W;
  while (p >= 0 && (code[p] === OP_CHECK || code[p] === OP_ARRIVE)) p -= W;
  return p >= 0 && code[p] === OP_VISIT && code[p + 1] === code[pc + 1];
}

/**
 * Per top-level operation (or only those of `ids` that are operations: the analytic solve reads
 * its mix's alone, a third of a bundled blueprint's), what one request does to each station.
 */
export function opDemands(c: Compiled, ids?: Iterable<string>): Map<string, OpDemand> {
  const n = c.stations.length;
  type Load = { v: Float64Array; d: Float64Array; m2: Float64Array; f: Float64Array };
  const spawnLoad = new Map<number, Load>();
  const loadOf = (p: number, depth = 0): Load => {
    const hit = spawnLoad.get(p);
    if (hit) return hit;
    const v = new Float64Array(n);
    const d = new Float64Array(n);
    const m2 = new Float64Array(n);
    const f = new Float64Array(n);
    const code = c.programs[p]!.code;
    for (let pc = 0; pc < code.length; pc += W) {
      if (code[pc] === OP_VISIT) {
        v[code[pc + 1]!]! += 1;
        if (!continues(code, pc)) f[code[pc + 1]!]! += 1;
        const dd = c.dists[code[pc + 2]!]!;
        d[code[pc + 1]!]! += distMean(dd);
        m2[code[pc + 1]!]! += distVar(dd) + distMean(dd) ** 2;
      } else if (code[pc] === OP_SPAWN && depth < 16) {
        const sub = loadOf(code[pc + 1]!, depth + 1);
        for (let i = 0; i < n; i++) {
          v[i]! += sub.v[i]!;
          d[i]! += sub.d[i]!;
          m2[i]! += sub.m2[i]!;
          f[i]! += sub.f[i]!;
        }
      }
    }
    const r = { v, d, m2, f };
    spawnLoad.set(p, r);
    return r;
  };
  const out = new Map<string, OpDemand>();
  const entries: Iterable<readonly [string, number]> = ids ? [...ids].filter((id) => c.entry.has(id)).map((id) => [id, c.entry.get(id)!] as const) : c.entry;
  for (const [id, p] of entries) {
    const code = c.programs[p]!.code;
    const visits: OpDemand['visits'] = [];
    let delayMean = 0;
    let delayVar = 0;
    let before = 0;
    for (let pc = 0; pc < code.length; pc += W) {
      if (code[pc] === OP_VISIT) {
        const d = c.dists[code[pc + 2]!]!;
        visits.push({ station: code[pc + 1]!, mean: distMean(d), variance: distVar(d), before, fresh: !continues(code, pc), lognormal: d.kind === D_LOGNORMAL });
        before = 0;
      } else if (code[pc] === OP_DELAY) {
        const d = c.dists[code[pc + 1]!]!;
        before += distMean(d);
        delayMean += distMean(d);
        delayVar += distVar(d);
      }
    }
    const load = loadOf(p);
    out.set(id, { visits, delayMean, delayVar, hops: c.programs[p]!.tally.hops, networkMs: c.programs[p]!.tally.networkMs, loadVisits: load.v, loadDemand: load.d, loadM2: load.m2, loadFresh: load.f });
  }
  return out;
}

