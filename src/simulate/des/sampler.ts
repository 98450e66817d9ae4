// Service times and delays: the compiled distributions flattened into typed arrays, sampled
// from the run's one generator (the order of draws is part of determinism).
import { D_CONST, D_EXP, D_GAMMA, D_LOGNORMAL, D_UNIFORM, OP_DELAY, W, type Compiled } from '../compile.js';
import { Lanes, type Clock } from './kernel.js';
import type { Rng } from './rng.js';

export class Sampler {
  private readonly kind: Int32Array;
  readonly mean: Float64Array;
  readonly add: Float64Array;
  /** lognormal: μ and σ of the log; gamma: shape and scale; uniform: min and width */
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  /** constant delays: the kernel lane their events go to (−1: the heap) */
  readonly laneOf: Int32Array;
  /** one lane per distinct constant delay */
  readonly lanes: Lanes;

  constructor(c: Compiled, private readonly rng: Rng, clock: Clock) {
    const nd = c.dists.length;
    this.kind = new Int32Array(nd);
    this.mean = new Float64Array(nd);
    this.add = new Float64Array(nd);
    this.a = new Float64Array(nd);
    this.b = new Float64Array(nd);
    this.laneOf = new Int32Array(nd).fill(-1);
    const laneByValue = new Map<number, number>();
    // Only constant delays get a lane (each lane costs a comparison per event).
    const delayed = new Set<number>();
    for (const p of c.programs) for (let pc = 0; pc < p.code.length; pc += W) if (p.code[pc] === OP_DELAY) delayed.add(p.code[pc + 1]!);
    c.dists.forEach((d, i) => {
      this.kind[i] = d.kind;
      this.mean[i] = d.mean;
      this.add[i] = d.add;
      if (d.kind === D_LOGNORMAL) {
        const s2 = Math.log(1 + d.cv * d.cv);
        this.a[i] = Math.log(d.mean) - s2 / 2;
        this.b[i] = Math.sqrt(s2);
      } else if (d.kind === D_GAMMA) {
        const k = d.cv > 0 ? 1 / (d.cv * d.cv) : 1e9;
        this.a[i] = k;
        this.b[i] = d.mean / k;
      } else if (d.kind === D_UNIFORM) {
        this.a[i] = d.min;
        this.b[i] = d.max - d.min;
      }
      if ((d.kind === D_CONST || d.mean === 0) && delayed.has(i)) {
        const v = d.mean + d.add;
        let l = laneByValue.get(v);
        if (l === undefined) {
          l = laneByValue.size;
          laneByValue.set(v, l);
        }
        this.laneOf[i] = l;
      }
    });
    this.lanes = new Lanes(laneByValue.size, clock, this.mean, this.add);
  }

  /** The value of the last draw() (see there). */
  readonly drawn = new Float64Array(1);

  /**
   * Draw from distribution d into drawn[0]. The value goes through a typed array, not a return:
   * a double returned from a call V8 does not inline is boxed on the heap, and this runs about
   * ten times per request (the boxes were most of what a run allocated).
   */
  draw(d: number): void {
    const k = this.kind[d]!;
    const m = this.mean[d]!;
    let x: number;
    if (k === D_EXP) x = m * this.rng.exp1();
    else if (k === D_LOGNORMAL) x = Math.exp(this.a[d]! + this.b[d]! * this.rng.normal());
    else if (k === D_CONST) x = m;
    else if (k === D_GAMMA) x = this.rng.gamma(this.a[d]!) * this.b[d]!;
    else x = this.a[d]! + this.b[d]! * this.rng.next();
    this.drawn[0] = x + this.add[d]!;
  }
}
