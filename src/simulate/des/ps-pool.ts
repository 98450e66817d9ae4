// A processor-sharing pool of cores: every job in it gets min(1, cores/n) of a core. Used for a
// PS replica's own cores and for the shared host (--host-cores). The pool is a resource in the
// SimPy sense and knows nothing of stations: it takes (token, work) and hands the token to
// `onDone` when its work is served, so pools compose (a station's servers can sit on a host
// pool; a further layer can sit on either).
//
// Attained service is tracked as one virtual clock `v` (work done per job since the pool began):
// a job of work s entering at v finishes when v reaches v + s. A min-heap of finishing levels and
// one wake-up event (rescheduled, by version, whenever n changes) make each arrival and
// completion O(log n).
//
// Weighted sharing (`above`, `weight`): a pool whose jobs get `weight` of what each job of another
// pool gets (discriminatory processor sharing), the host's thread-pool work (scrypt, zlib) beside
// the event loops and database backends; weight 0 is strict priority, described next. Linux's
// scheduler lets a thread that mostly sleeps preempt a CPU-bound one when it wakes, so a short visit
// of an event loop barely notices a 50 ms scrypt hash on its core, where plain processor sharing
// would run the visit at half speed for the hash's whole length. Strict priority is the limit of
// that; past the upper pool's saturation the lower one starves, as a hog does on a host that
// has no core left (only near saturation, where no prediction is sharp). Measured here
// (2026-12-02, Linux 6.18's EEVDF, one core, a 0.5 ms handler called every 5 ms beside scrypt
// hashes in its own process): one hash running left the handler's median round trip at 1.05 ms
// against 0.97 (processor sharing: about 1.8), its p90 at 4.3; four at once made it 3.9 ms, close
// to sharing (4.4). Strict priority fits the reference services' loads, where a second hash
// rarely overlaps the first; a pool kept busy by several at once is slower for the loop than this.
// But a request is many such visits (the loop, a database backend, the loop again), and one more
// measurement (pool-weight.ts, 2026-12-03) put the reference services' requests beside hashes
// half-way between priority and an even share: the host's default weight is 0.5.
// The analytic method's counterpart is in analytic.ts (solve, the host's pool classes).
import type { SharedCores } from './host-groups.js';
import { EV_POOL_WAKE } from './names.js';
import type { Token } from './tokens.js';

export interface Scheduler {
  readonly now: number;
  at(time: number, kind: number, id: number, aux: number): void;
}

export class PsPool {
  /** jobs in the pool */
  n = 0;
  /**
   * virtual time: service attained by every job present since the last rebase, ms. Rebased to 0
   * whenever it passes 2^20 ms, so finishing levels keep sub-nanosecond resolution however long
   * the run (at 2^24 ms and beyond a fixed 1e-9 tolerance is below one ulp and a pool could
   * wake forever without finishing anything).
   */
  private v = 0;
  private last = 0;
  private version = 0;
  private fv = new Float64Array(64);
  private tok: Token[] = [];
  private done: Token[] = [];
  /** when a job last left: work added at that same instant continues a busy period (its core was never idle) */
  private freedAt = -1;

  constructor(
    /** the pool's number in EV_POOL_WAKE events */
    readonly index: number,
    readonly cores: number,
    private readonly sim: Scheduler,
    private readonly onDone: (t: Token) => void,
    /** a job that finds a core idle runs 1 + this times its work (HostModel.idleSlowdown) */
    private readonly idleSlowdown = 0,
    /** the pool whose jobs come first: this one runs on the cores they leave (see the top) */
    private readonly above: PsPool | null = null,
    /**
     * With `above`: this pool's jobs' weight against the upper pool's (discriminatory processor
     * sharing): 0 is strict priority, 1 plain sharing of the cores by every job of both pools.
     */
    weight = 0,
    /** a process of a host shared per process (host-groups.ts): its cores are what that host allots it */
    private readonly shared: SharedCores | null = null,
  ) {
    if (above) {
      above.below = this;
      above.belowWeight = weight;
    }
    this.weighted = weight > 0 ? above : null;
  }

  /** the pool above when this one's jobs count in its sharing (weight > 0): told of every change of n */
  private readonly weighted: PsPool | null;

  /** the lower pool's weight (set by it), when this pool has one below */
  private belowWeight = 0;

  /** the pool that runs on what this one leaves, told whenever n changes */
  private below: PsPool | null = null;

  /** cores this pool's jobs share now: what the pool above leaves of them */
  private avail(): number {
    if (this.shared) return this.shared.coresOf(this);
    return this.above ? Math.max(0, this.cores - this.above.n * this.above.rate()) : this.cores;
  }

  /**
   * Each job's rate now (ms of work per ms). An upper pool's n jobs share the cores with the
   * lower pool's m jobs counted at their weight w, n + w·m in all, each of its own at most one
   * core; the lower pool's jobs share what that leaves (also at most one core each). With w = 0
   * that is strict priority, with w = 1 every job of both at min(1, cores / (n + m)).
   */
  rate(): number {
    const c = this.avail();
    const share = this.below && this.belowWeight > 0 ? this.n + this.belowWeight * this.below.n : this.n;
    return share <= c ? 1 : c / share;
  }

  advance(): void {
    const now = this.sim.now;
    if (this.n > 0) this.v += (now - this.last) * this.rate();
    this.last = now;
    if (this.v > 1048576) {
      const F = this.fv;
      for (let i = 0; i < this.n; i++) F[i]! -= this.v;
      this.v = 0;
    }
  }

  /** Token t joins with `work` ms of service to receive. */
  add(t: Token, work: number): void {
    if (this.idleSlowdown > 0 && (this.shared ? this.shared.jobs < this.cores : this.n < this.avail()) && this.freedAt !== this.sim.now) work *= 1 + this.idleSlowdown;
    this.advanceAll();
    if (this.n === this.fv.length) {
      const f = new Float64Array(this.fv.length * 2);
      f.set(this.fv);
      this.fv = f;
    }
    const fv = this.v + work;
    const F = this.fv;
    const T = this.tok;
    let i = this.n++;
    while (i > 0) {
      const par = (i - 1) >> 1;
      if (F[par]! <= fv) break;
      F[i] = F[par]!;
      T[i] = T[par]!;
      i = par;
    }
    F[i] = fv;
    T[i] = t;
    this.scheduleAll();
  }

  /** This pool and every pool whose rate depends on its job count, brought up to now. */
  private advanceAll(): void {
    if (this.shared) return this.shared.advanceAll();
    this.advance();
    this.below?.advance();
    this.weighted?.advance();
  }

  /** After a job count changed: the wake-ups of this pool and of every pool sharing with it. */
  private scheduleAll(): void {
    if (this.shared) return this.shared.changed();
    this.schedule();
    this.below?.schedule();
    this.weighted?.schedule();
  }

  schedule(): void {
    // Versions travel in an Int32 event field: wrap as it does.
    this.version = (this.version + 1) | 0;
    if (this.n === 0) return;
    const rate = this.rate();
    // no core left by the pool above: its next change reschedules this one
    if (rate <= 0) return;
    this.sim.at(this.sim.now + Math.max(0, (this.fv[0]! - this.v) / rate), EV_POOL_WAKE, this.index, this.version);
  }

  /** EV_POOL_WAKE: hand every finished job to onDone. */
  wake(version: number): void {
    if (version !== this.version) return;
    this.advanceAll();
    const F = this.fv;
    const T = this.tok;
    let k = 0;
    // The wake-up was set for the top job (nothing changed since: same version), so it is done
    // whatever rounding says; others finishing within rounding of it go with it.
    const level = Math.max(F[0]!, this.v) + 1e-9 * (1 + Math.abs(this.v));
    if (this.n > 0 && F[0]! <= level) this.freedAt = this.sim.now;
    while (this.n > 0 && F[0]! <= level) {
      this.done[k++] = T[0]!;
      const n = --this.n;
      const fv = F[n]!;
      const tk = T[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && F[c + 1]! < F[c]!) c++;
        if (F[c]! >= fv) break;
        F[i] = F[c]!;
        T[i] = T[c]!;
        i = c;
      }
      F[i] = fv;
      T[i] = tk;
    }
    this.scheduleAll();
    // onDone may add to this pool (a token's next visit), never wake it: the scratch list is safe.
    for (let j = 0; j < k; j++) this.onDone(this.done[j]!);
  }
}
