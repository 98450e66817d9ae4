// The host's cores handed out in time slices (HostModel.slice), the way Linux's scheduler does,
// rather than shared continuously (ps-pool.ts, host-groups.ts). Measured here (2026-12-04,
// scripts/slice-probe.mjs): a short burst waking beside a CPU-bound process mostly runs at once
// (p50 +0.02 ms) and otherwise waits out a slice (p90 +3 ms), where processor sharing says every
// burst runs at half speed; beside another bursty process it waits more than sharing says
// (0.3 ms bursts beside 2 ms ones at 80%: +0.44 ms on average, sharing about +0.24). At high load
// the difference adds up: a request is several bursts on a busy core.
//
// The rule, after CFS (simplified; a model, not the kernel): every process (a unit replica with
// its thread pool, as autogroup groups them; each database or broker connection's job a process
// of its own) carries a virtual runtime v, the CPU it has received. A free core takes the waiting
// process of least v and runs its next job (its event loop's before its pool's) for up to one
// slice. A process that wakes (had no job on the host) is placed at max(its v, minV − credit),
// minV the least v of those with work, so a sleeper is not owed unbounded time; a waking one
// preempts the running process furthest ahead if that one's v exceeds its own by more than
// `gran`. Another process's hog (a hash, a long query) is thus preempted by a waking event loop;
// two bursty processes mostly take turns. Within a process nothing is preempted: its event loop's
// job waits for its pool's running turn to end (letting the loop preempt its own pool predicted
// far worse on the saved runs: the monolith's own p50 at 75% −48% against about 0, BENCHMARKS
// session 21). Processor sharing is the limit of slices going to zero.
//
// Fractional cores (the units' background work takes part of the host: stations.ts hostLeft) are
// ceil(cores) cores each running at cores / ceil(cores) of full speed.
//
// Events: EV_POOL_WAKE with id = this host's number among the pools and aux = version × cores +
// core (a preempted turn's wake-up is stale: its core's version moved on). The line of waiting
// processes is scanned for its least v: it holds the processes with work, a few dozen at most.
import type { Scheduler } from './ps-pool.js';
import { EV_POOL_WAKE } from './names.js';
import type { Token } from './tokens.js';

/**
 * A ring of entries (token, work, tag, key) that grows by doubling: no allocation in the steady
 * state. Taken from the front (a process's own jobs, first come first served) or by least key
 * (the host's line, least v; the earliest among equals).
 */
class Line {
  tok: (Token | null)[] = new Array<Token | null>(16).fill(null);
  rem = new Float64Array(16);
  tag = new Int32Array(16);
  key = new Float64Array(16);
  head = 0;
  size = 0;

  push(t: Token | null, work: number, tag: number, key: number): void {
    if (this.size === this.tok.length) this.grow();
    const i = (this.head + this.size) & (this.tok.length - 1);
    this.tok[i] = t;
    this.rem[i] = work;
    this.tag[i] = tag;
    this.key[i] = key;
    this.size++;
  }

  /** Removes the front entry and returns its slot (read its fields there before the next push). */
  shift(): number {
    const h = this.head;
    this.head = (h + 1) & (this.tok.length - 1);
    this.size--;
    return h;
  }

  /** Removes the entry of least key (the earliest of equals) and returns its slot, as shift does. */
  takeLeast(): number {
    const m = this.tok.length - 1;
    let best = 0;
    for (let j = 1; j < this.size; j++) if (this.key[(this.head + j) & m]! < this.key[(this.head + best) & m]!) best = j;
    // the entries before it move up one slot, so the front slot is the one freed
    const taken = (this.head + best) & m;
    const t = this.tok[taken]!;
    const r = this.rem[taken]!;
    const g = this.tag[taken]!;
    const k = this.key[taken]!;
    for (let j = best; j > 0; j--) {
      const to = (this.head + j) & m;
      const from = (this.head + j - 1) & m;
      this.tok[to] = this.tok[from]!;
      this.rem[to] = this.rem[from]!;
      this.tag[to] = this.tag[from]!;
      this.key[to] = this.key[from]!;
    }
    const h = this.head;
    this.tok[h] = t;
    this.rem[h] = r;
    this.tag[h] = g;
    this.key[h] = k;
    return this.shift();
  }

  private grow(): void {
    const n = this.tok.length;
    const tok = new Array<Token | null>(2 * n).fill(null);
    const rem = new Float64Array(2 * n);
    const tag = new Int32Array(2 * n);
    const key = new Float64Array(2 * n);
    for (let j = 0; j < this.size; j++) {
      const i = (this.head + j) & (n - 1);
      tok[j] = this.tok[i]!;
      rem[j] = this.rem[i]!;
      tag[j] = this.tag[i]!;
      key[j] = this.key[i]!;
    }
    this.tok = tok;
    this.rem = rem;
    this.tag = tag;
    this.key = key;
    this.head = 0;
  }
}

/** tag of a line entry that is a connection's job (a process of its own), not a process's turn */
const SINGLE = -1;

/**
 * The waking process's preemption threshold and its sleeper credit, as fractions of the slice.
 * The seven saved run sets of 2026-12-03 barely tell them apart (thresholds 1/6 and 1/2, credits
 * 1/2, 1 and 2 of a 3 ms slice: every mean median error within 1.5 points; BENCHMARKS, session
 * 21); a small threshold is what lets a waking event loop preempt a hash, as the probe saw.
 */
export const SLICE_GRAN = 1 / 6;
export const SLICE_CREDIT = 1;

export class SlicedHost {
  /** whole cores */
  readonly k: number;
  /** each core's speed, ms of work per ms */
  private readonly speed: number;
  /** versions wrap below this so version × k + core stays an int32 */
  private readonly versions: number;
  private readonly gran: number;
  private readonly credit: number;
  // Per core: the job on it (null: idle), its process (or SINGLE), its class (1: its unit's pool),
  // the process's v when the turn began, when it began, the turn's work, what is left after it,
  // the turn's version, when the core last went idle (work added at that instant continues a busy period).
  private readonly on: (Token | null)[];
  private readonly procOn: Int32Array;
  private readonly poolOn: Uint8Array;
  private readonly vOn: Float64Array;
  private readonly startedAt: Float64Array;
  private readonly turnOn: Float64Array;
  private readonly leftAfter: Float64Array;
  private readonly ver: Int32Array;
  private readonly freedAt: Float64Array;
  /** the line: processes waiting for a core (tag ≥ 0, their jobs in loopJobs/poolJobs) and connections' jobs (tag SINGLE), with their v */
  private readonly line = new Line();
  // Per process: its event loop's and its pool's jobs not on a core, whether it is in the line,
  // its jobs on the host (on a core or not: 0 means it sleeps), its virtual runtime.
  private readonly loopJobs: Line[] = [];
  private readonly poolJobs: Line[] = [];
  private readonly queued: Uint8Array;
  private readonly held: Int32Array;
  private readonly v: Float64Array;
  /** the least v of the processes with work, never decreasing (CFS's min_vruntime) */
  private minV = 0;

  constructor(
    /** this host's number in EV_POOL_WAKE events */
    readonly index: number,
    cores: number,
    /** ms of CPU a process runs before the next in line may take its core */
    readonly slice: number,
    private readonly sim: Scheduler,
    private readonly onDone: (t: Token) => void,
    /** per replica: its process (host-groups.ts processOfReplica), −1 for a connection (each its own) */
    private readonly processOf: Int32Array,
    processes: number,
    /** per replica: 1 for a unit's thread pool (its work waits behind its process's event loop's) */
    private readonly poolReplica: Uint8Array,
    /** a job that finds a core idle runs 1 + this times its work (HostModel.idleSlowdown) */
    private readonly idleSlowdown = 0,
    /** preemption threshold and sleeper credit, ms (default: SLICE_GRAN and SLICE_CREDIT of the slice) */
    o: { gran?: number; credit?: number } = {},
  ) {
    if (!(cores > 0) || !(slice > 0) || !Number.isFinite(slice)) throw new Error(`sliced host: cores ${cores} and slice ${slice} must be positive`);
    this.k = Math.ceil(cores);
    this.speed = cores / this.k;
    this.versions = Math.floor(0x7fffffff / this.k);
    this.gran = o.gran ?? slice * SLICE_GRAN;
    this.credit = o.credit ?? slice * SLICE_CREDIT;
    const k = this.k;
    this.on = new Array<Token | null>(k).fill(null);
    this.procOn = new Int32Array(k);
    this.poolOn = new Uint8Array(k);
    this.vOn = new Float64Array(k);
    this.startedAt = new Float64Array(k);
    this.turnOn = new Float64Array(k);
    this.leftAfter = new Float64Array(k);
    this.ver = new Int32Array(k);
    this.freedAt = new Float64Array(k).fill(-1);
    for (let p = 0; p < processes; p++) {
      this.loopJobs.push(new Line());
      this.poolJobs.push(new Line());
    }
    this.queued = new Uint8Array(processes);
    this.held = new Int32Array(processes);
    this.v = new Float64Array(processes);
  }

  /** Token t (at replica t.replica: its process, and whether it is a unit's thread pool) joins with `work` ms of CPU. */
  add(t: Token, work: number): void {
    const p = this.processOf[t.replica]!;
    const pool = this.poolReplica[t.replica] === 1;
    const waking = p === SINGLE || this.held[p] === 0;
    let v = 0;
    if (waking) {
      this.raiseMinV();
      v = this.minV - this.credit;
    }
    if (p !== SINGLE) {
      this.held[p]!++;
      if (waking && this.v[p]! > v) v = this.v[p]!;
      this.v[p] = v = waking ? v : this.v[p]!;
    }
    for (let c = 0; c < this.k; c++) {
      // a core is idle only while no one waits
      if (this.on[c] === null) {
        if (this.idleSlowdown > 0 && this.freedAt[c] !== this.sim.now) work *= 1 + this.idleSlowdown;
        return this.start(c, t, work, p, pool, v);
      }
    }
    if (waking) {
      // the running process furthest ahead gives way if it is ahead by more than gran
      let c = 0;
      for (let j = 1; j < this.k; j++) if (this.vNow(j) > this.vNow(c)) c = j;
      if (this.vNow(c) - v > this.gran) {
        this.preempt(c);
        return this.start(c, t, work, p, pool, v);
      }
    }
    this.wait(t, work, p, pool, v);
  }

  /** EV_POOL_WAKE: a core's turn ends; its job finishes or waits again with what it has left. */
  wake(aux: number): void {
    const c = aux % this.k;
    if ((aux - c) / this.k !== this.ver[c]) return; // preempted: that turn ended earlier
    const t = this.on[c]!;
    const left = this.leftAfter[c]!;
    const p = this.procOn[c]!;
    const pool = this.poolOn[c] === 1;
    const v = this.vOn[c]! + this.turnOn[c]!;
    this.free(c, v);
    if (left > 0) this.wait(t, left, p, pool, v);
    else if (p !== SINGLE) {
      this.held[p]!--;
      if (!this.queued[p] && this.loopJobs[p]!.size + this.poolJobs[p]!.size > 0) this.enqueue(p);
    }
    if (this.line.size > 0) this.next(c);
    // onDone may add work to this host (the token's next visit): core c is already taken or free.
    if (left <= 0) this.onDone(t);
  }

  /** v of the process on core c now */
  private vNow(c: number): number {
    return this.vOn[c]! + (this.sim.now - this.startedAt[c]!) * this.speed;
  }

  private raiseMinV(): void {
    let m = Infinity;
    for (let c = 0; c < this.k; c++) if (this.on[c] !== null) m = Math.min(m, this.vNow(c));
    const L = this.line;
    for (let j = 0; j < L.size; j++) m = Math.min(m, L.key[(L.head + j) & (L.tok.length - 1)]!);
    if (m !== Infinity && m > this.minV) this.minV = m;
  }

  /** Core c's job stops now (its turn done or preempted); its process's v becomes `v`. */
  private free(c: number, v: number): void {
    const p = this.procOn[c]!;
    if (p !== SINGLE) this.v[p] = v;
    this.on[c] = null;
    this.ver[c] = (this.ver[c]! + 1) % this.versions;
    this.freedAt[c] = this.sim.now;
  }

  /** A waker takes core c: the job on it waits with what it has left. */
  private preempt(c: number): void {
    const t = this.on[c]!;
    const done = (this.sim.now - this.startedAt[c]!) * this.speed;
    const left = this.leftAfter[c]! + this.turnOn[c]! - done;
    const p = this.procOn[c]!;
    const pool = this.poolOn[c] === 1;
    const v = this.vOn[c]! + done;
    this.free(c, v);
    this.wait(t, left, p, pool, v);
  }

  /** Job t of process p waits for a core (its process in line at the process's v), or a connection's job at `v`, its own. */
  private wait(t: Token, work: number, p: number, pool: boolean, v: number): void {
    if (p === SINGLE) return this.line.push(t, work, SINGLE, v);
    (pool ? this.poolJobs[p]! : this.loopJobs[p]!).push(t, work, 0, 0);
    if (!this.queued[p] && !this.running(p)) this.enqueue(p);
  }

  private running(p: number): boolean {
    for (let c = 0; c < this.k; c++) if (this.on[c] !== null && this.procOn[c] === p) return true;
    return false;
  }

  private enqueue(p: number): void {
    this.queued[p] = 1;
    this.line.push(null, 0, p, this.v[p]!);
  }

  /** Core c takes the waiting process of least v: a connection's job, or a process's next job (its loop's first). */
  private next(c: number): void {
    const L = this.line;
    const h = L.takeLeast();
    const p = L.tag[h]!;
    if (p === SINGLE) {
      const t = L.tok[h]!;
      L.tok[h] = null;
      return this.start(c, t, L.rem[h]!, SINGLE, false, L.key[h]!);
    }
    this.queued[p] = 0;
    const loop = this.loopJobs[p]!;
    const jobs = loop.size > 0 ? loop : this.poolJobs[p]!;
    const j = jobs.shift();
    const t = jobs.tok[j]!;
    jobs.tok[j] = null;
    this.start(c, t, jobs.rem[j]!, p, jobs !== loop, this.v[p]!);
    // more of its threads wait: the process queues again (another core may take it)
    if (loop.size + this.poolJobs[p]!.size > 0) this.enqueue(p);
  }

  private start(c: number, t: Token, work: number, p: number, pool: boolean, v: number): void {
    const turn = work < this.slice ? work : this.slice;
    this.on[c] = t;
    this.procOn[c] = p;
    this.poolOn[c] = pool ? 1 : 0;
    this.vOn[c] = v;
    this.startedAt[c] = this.sim.now;
    this.turnOn[c] = turn;
    this.leftAfter[c] = work - turn;
    this.sim.at(this.sim.now + turn / this.speed, EV_POOL_WAKE, this.index, this.ver[c]! * this.k + c);
  }
}
