// Where requests come from: open streams (Poisson, thinned for a rate profile; a scenario adds
// streams for its loads) and closed users (think, request, wait for the answer, think again).
// A paced stream (workload `arrivals: paced`) is what a load driver at a constant rate sends:
// requests evenly spaced at 1/rate (under a profile, one request's worth of its rate apart), each taking the next
// operation of the mix in a fixed interleaved order (smooth weighted round robin, the order
// archsim's driver uses: model/mix-order.ts nextOfMix). Its queues are far shorter than
// Poisson's at the same rate (D/M/1 at ρ 0.5 waits half as often as M/M/1), so predicting a
// driver's run with Poisson arrivals overstates every wait.
import { nextOfMix } from '../../model/mix-order.js';
import type { Profile } from '../../model/schema.js';
import type { Compiled } from '../compile.js';
import type { WorkloadSpec } from '../types.js';
import { maxRate, rateAt } from '../workload.js';
import { EV_ARRIVAL, EV_USER } from './names.js';
import type { Rng } from './rng.js';
import type { DesScenario } from './types.js';

export interface ArrivalHost {
  readonly now: number;
  at(time: number, kind: number, id: number, aux: number): void;
  /** start a request of operation `op` (index into opIds) running entry program `prog` */
  startRequest(op: number, prog: number, user: number): void;
}

/** An operation mix as a cumulative table: pick with one uniform draw. */
interface MixTable {
  cum: Float64Array;
  op: Int32Array;
  prog: Int32Array;
}

interface Stream extends MixTable {
  from: number;
  to: number;
  base: number;
  profile?: Profile;
  /** the profile's peak rate (thinning bound), per second */
  lmax: number;
  /** stop after this many requests (benchmarks) */
  limit: number;
  made: number;
  /** paced: the smooth weighted round robin's running credits per mix entry (null: Poisson) */
  credit: Float64Array | null;
  /** the mix's weights (probabilities), for the round robin */
  weight: Float64Array;
}

export class Arrivals {
  /** every operation a request can be of: the mix's, then the scenario loads' */
  readonly opIds: string[];
  private readonly streams: Stream[] = [];
  private readonly userMix: MixTable;

  constructor(
    c: Compiled,
    private readonly w: WorkloadSpec,
    scenario: DesScenario | undefined,
    private readonly sim: ArrivalHost,
    private readonly rng: Rng,
  ) {
    const ids = new Set(Object.keys(w.mix));
    for (const l of scenario?.loads ?? []) for (const id of Object.keys(l.mix)) ids.add(id);
    this.opIds = [...ids];
    const table = (mix: Record<string, number>): MixTable => {
      const entries = Object.entries(mix).filter(([id]) => c.entry.has(id));
      const total = entries.reduce((s, [, p]) => s + p, 0);
      const cum = new Float64Array(entries.length);
      const op = new Int32Array(entries.length);
      const prog = new Int32Array(entries.length);
      let acc = 0;
      entries.forEach(([id, p], i) => {
        acc += p / total;
        cum[i] = acc;
        op[i] = this.opIds.indexOf(id);
        prog[i] = c.entry.get(id)!;
      });
      if (entries.length) cum[entries.length - 1] = 1;
      return { cum, op, prog };
    };
    const weights = (t: MixTable) => Float64Array.from(t.cum, (c, i) => c - (i > 0 ? t.cum[i - 1]! : 0));
    this.userMix = table(w.mix);
    if (w.kind === 'open') {
      const base = w.profile ? (w.profile.kind === 'spike' ? w.profile.base : w.rate!) : w.rate!;
      const paced = w.arrivals === 'paced';
      this.streams.push({ from: 0, to: w.duration, base, ...(w.profile ? { profile: w.profile } : {}), lmax: maxRate(w.profile, base), ...this.userMix, limit: w.requests ?? Infinity, made: 0, credit: paced ? new Float64Array(this.userMix.cum.length) : null, weight: weights(this.userMix) });
    }
    for (const l of scenario?.loads ?? []) {
      const t = table(l.mix);
      this.streams.push({ from: l.from, to: Math.min(l.to, w.duration), base: l.rate, ...(l.profile ? { profile: l.profile } : {}), lmax: maxRate(l.profile, l.rate), ...t, limit: Infinity, made: 0, credit: null, weight: weights(t) });
    }
  }

  /** Schedule the first arrival of every stream and every user's first request. */
  start(): void {
    this.streams.forEach((s, i) => (s.credit ? this.paced(i, s, true) : this.schedule(i, true)));
    if (this.w.kind === 'closed') for (let u = 0; u < this.w.users!; u++) this.sim.at(this.thinkTime(), EV_USER, u, 0);
  }

  /**
   * Stream i's next arrival after its start (`first`) or after now (thinning: candidates at the
   * peak rate, kept with rate(t)/peak). It reads the time rather than being passed it: a double
   * passed to a call V8 does not inline is boxed on the heap, and this runs on every arrival.
   */
  private schedule(i: number, first: boolean): void {
    const s = this.streams[i]!;
    if (s.made >= s.limit) return;
    let t = first ? s.from : this.sim.now;
    const inv = 1000 / s.lmax;
    for (;;) {
      t += inv * this.rng.exp1();
      if (t >= s.to) return;
      if (!s.profile || this.rng.next() * s.lmax < rateAt(s.profile, s.base, t)) break;
    }
    this.sim.at(t, EV_ARRIVAL, i, 0);
  }

  /**
   * An entry of a cumulative table, by one uniform draw: Rng.next() spelt out, because where this
   * is inlined the budget for inlining next() was often spent, and a double returned from a call
   * is boxed on the heap (the int32 bits never are).
   */
  private pick(cum: Float64Array): number {
    const u = (this.rng.bits() >>> 0) / 4294967296;
    let i = 0;
    while (cum[i]! <= u && i < cum.length - 1) i++;
    return i;
  }

  /**
   * A paced stream's next arrival (in place of schedule): one request's worth of the rate later
   * (∫ rate = 1, the rate taken piecewise constant over a peak interval, so a rate near 0 only
   * slows the stream), evenly spaced at a constant rate; the first at a random phase of one
   * interval (a driver's start is aligned with nothing the model knows).
   */
  private paced(i: number, s: Stream, first: boolean): void {
    let t = first ? s.from : this.sim.now;
    const step = 1000 / s.lmax;
    let need = first ? this.rng.next() : 1;
    for (let r = rateAt(s.profile, s.base, t); (r * step) / 1000 < need && t < s.to; r = rateAt(s.profile, s.base, t)) {
      need -= (r * step) / 1000;
      t += step;
    }
    t += (need * 1000) / rateAt(s.profile, s.base, t);
    if (t < s.to && s.made < s.limit) this.sim.at(t, EV_ARRIVAL, i, 0);
  }

  /** EV_ARRIVAL of stream i. */
  arrive(i: number): void {
    const s = this.streams[i]!;
    s.made++;
    const k = s.credit ? nextOfMix(s.credit, s.weight) : this.pick(s.cum);
    this.sim.startRequest(s.op[k]!, s.prog[k]!, -1);
    if (s.credit) this.paced(i, s, false);
    else this.schedule(i, false);
  }

  /** EV_USER: user u's think time is over. */
  user(u: number, end: number): void {
    if (this.sim.now >= end) return;
    const k = this.pick(this.userMix.cum);
    this.sim.startRequest(this.userMix.op[k]!, this.userMix.prog[k]!, u);
  }

  /** User u got an answer (or was refused): think, then ask again. */
  thinkThen(u: number): void {
    this.sim.at(this.sim.now + this.thinkTime(), EV_USER, u, 0);
  }

  private thinkTime(): number {
    const z = this.w.thinkTime;
    if (!z || z.mean <= 0) return 0;
    if (z.dist === 'const') return z.mean;
    if (z.dist === 'exp') return this.rng.exp(z.mean);
    // Other shapes: lognormal with the same mean and cv (think times are not a precision matter).
    const s2 = Math.log(1 + z.cv * z.cv);
    return Math.exp(Math.log(z.mean) - s2 / 2 + Math.sqrt(s2) * this.rng.normal());
  }
}
