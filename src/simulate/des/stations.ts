// Stations: the network's resources. A station has replicas; a visit picks one (least
// connections, or round robin), then either takes one of its servers first-come first-served
// (a server busy for a sampled service time, or — with a shared host — for that much work in the
// host's PS pool), or joins the replica's own PS pool. Busy and waiting time-areas per replica
// give utilization and queue lengths; visits and waits per station give P(wait).
import { MIN_HOST_CORES, type Compiled } from '../compile.js';
import { coldAfter, coldExtra, type ColdVisit } from '../cold-visit.js';
import type { Balance } from '../types.js';
import { EV_SERVICE_DONE } from './names.js';
import { SlicedHost } from './sliced-host.js';
import { ProcessSharedHost, processOfReplica, type SharedCores } from './host-groups.js';
import { PsPool } from './ps-pool.js';
import type { Rng } from './rng.js';
import type { Sampler } from './sampler.js';
import { TokenQueue, type Token } from './tokens.js';

/** What stations need from the engine: the clock, scheduling, and a token's next step. */
export interface StationHost {
  readonly now: number;
  at(time: number, kind: number, id: number, aux: number): void;
  /** run the token on from its pc */
  exec(t: Token): void;
  /** the token's current step failed; true when it stopped running */
  fail(t: Token): boolean;
  /** a token with no program, to hold a server for work no request waits for (a cold visit's afterMs) */
  idleToken(): Token;
}

/** Time-integrals per station, for windows (measurement, autoscaler periods). */
export interface StationTotals {
  busy: Float64Array;
  wait: Float64Array;
  active: Float64Array;
  visits: Float64Array;
  waited: Float64Array;
  work: Float64Array;
  served: Float64Array;
}

export class Stations {
  readonly count: number;
  // Per station (index s).
  readonly firstReplica: Int32Array;
  /** replicas allocated (autoscaling: up to its maximum) */
  readonly allocated: Int32Array;
  /** replicas taking work */
  readonly active: Int32Array;
  readonly servers: Int32Array;
  /** 1 while a fault has the station down */
  readonly down: Uint8Array;
  /** service-time multiplier (a slow fault) */
  readonly slow: Float64Array;
  /** round robin: the next replica; least connections: where the scan starts (ties) */
  private readonly rrNext: Int32Array;
  private readonly activeArea: Float64Array;
  private readonly activeLast: Float64Array;
  // Counted on every visit, with no test of the window: measure.ts zeroes them when the window
  // opens and copies them when it closes (what comes after is never read).
  readonly visits: Float64Array;
  readonly waited: Float64Array;
  /** requests and calls that entered each unit scaled on requests (OP_ARRIVE), never zeroed: the autoscaler's count */
  readonly arrivals: Float64Array;
  /** service work handed out (sampled, with a cold visit's extra and the work after its answer) and visits that got it */
  readonly work: Float64Array;
  readonly served: Float64Array;
  readonly maxActive: Int32Array;
  // Per replica (index r).
  private readonly stationOf: Int32Array;
  /** servers of the replica's station (copied here: read on every visit and completion) */
  private readonly cap: Int32Array;
  private readonly busy: Int32Array;
  /** tokens in the replica's waiting line (its length, kept beside it for the areas and pick()) */
  private readonly queued: Int32Array;
  /** per PS replica: visits beyond its cores (all are served at once, each at a share); their time-area is in waitArea */
  private readonly shared: Int32Array;
  // Time-areas of busy servers and waiting tokens, kept as running sums: each server taken adds
  // −now, each freed +now (so the area up to T is the sum plus the count now × T, totals()).
  // This replaced bringing an area up to now (a read of its last time, a multiply, two writes)
  // before every change: twice per visit.
  private readonly busyArea: Float64Array;
  private readonly waitArea: Float64Array;
  private readonly waiting: TokenQueue[] = [];
  /** a PS replica's own pool of cores, or null (FCFS servers) */
  private readonly pool: (PsPool | null)[] = [];
  /** every pool, by its index in EV_POOL_WAKE events */
  readonly pools: (PsPool | SlicedHost)[] = [];
  /** --host-cores: every FCFS server's work shares these cores (per thread, or per process: host-groups.ts) */
  private readonly hostPool: PsPool | ProcessSharedHost | SlicedHost | null;
  /** --host-cores: the thread pools' work, on the cores hostPool's leaves (ps-pool.ts, priority) */
  private readonly hostLowPool: PsPool | null;
  /** per station: 1 for a unit's thread pool (its work goes to hostLowPool) */
  private readonly lowPriority: Uint8Array;
  private readonly leastConn: boolean;
  private readonly random: boolean;
  // Cold visits (HostModel.coldVisit): per replica, a stack of its free servers' idle-since times,
  // the most recently freed on top (the process that just finished a step and carries on at once
  // is the one that takes it: a gap of 0). Only for stations with a table (cold-visit.ts coldTables:
  // units, the gateway, relational datastores' connections).
  private readonly cold: readonly (ColdVisit | null)[];
  private readonly coldStation: Uint8Array;
  private readonly freeBase: Int32Array;
  private readonly freeTop: Int32Array;
  private readonly freeAt: Float64Array;

  constructor(
    c: Compiled,
    private readonly sim: StationHost,
    private readonly sampler: Sampler,
    balance: Balance,
    hostCores: number | undefined,
    private readonly rng: Rng,
    hostIdleSlowdown = 0,
    cold: readonly (ColdVisit | null)[] = [],
    /** HostModel.poolWeight: the thread pools' jobs' weight against the rest's (ps-pool.ts) */
    hostPoolWeight = 0,
    /** HostModel.sharing: the host's cores shared per thread (PS of every job) or per process (host-groups.ts) */
    hostSharing: 'thread' | 'process' = 'thread',
    /** HostModel.slice: with per-process sharing, the cores handed out in slices of this many ms (sliced-host.ts); 0: continuous sharing */
    hostSlice = 0,
  ) {
    this.leastConn = balance === 'least-connections';
    this.random = balance === 'random';
    const S = (this.count = c.stations.length);
    this.firstReplica = new Int32Array(S);
    this.allocated = new Int32Array(S);
    this.active = new Int32Array(S);
    this.servers = new Int32Array(S);
    this.down = new Uint8Array(S);
    this.slow = new Float64Array(S).fill(1);
    this.rrNext = new Int32Array(S);
    this.activeArea = new Float64Array(S);
    this.activeLast = new Float64Array(S);
    this.visits = new Float64Array(S);
    this.arrivals = new Float64Array(S);
    this.waited = new Float64Array(S);
    this.work = new Float64Array(S);
    this.served = new Float64Array(S);
    this.maxActive = new Int32Array(S);
    let nr = 0;
    c.stations.forEach((s, i) => {
      const a = s.autoscale;
      const active = a ? Math.min(Math.max(s.replicas, a.min, 1), a.max) : s.replicas;
      this.firstReplica[i] = nr;
      this.allocated[i] = a ? Math.max(a.max, active) : active;
      this.active[i] = active;
      this.maxActive[i] = active;
      this.servers[i] = s.servers;
      nr += this.allocated[i]!;
    });
    this.stationOf = new Int32Array(nr);
    this.cap = new Int32Array(nr);
    this.busy = new Int32Array(nr);
    this.queued = new Int32Array(nr);
    this.shared = new Int32Array(nr);
    this.busyArea = new Float64Array(nr);
    this.waitArea = new Float64Array(nr);
    this.cold = cold;
    this.coldStation = Uint8Array.from(c.stations, (_, i) => (cold[i] ? 1 : 0));
    this.freeBase = new Int32Array(nr);
    this.freeTop = new Int32Array(nr);
    let slots = 0;
    c.stations.forEach((_, i) => {
      for (let k = 0; k < this.allocated[i]!; k++) {
        const r = this.firstReplica[i]! + k;
        this.freeBase[r] = slots;
        // every server starts free, idle since time 0
        this.freeTop[r] = this.coldStation[i] ? this.servers[i]! : 0;
        if (this.coldStation[i]) slots += this.servers[i]!;
      }
    });
    this.freeAt = new Float64Array(slots);
    const done = (t: Token) => this.serviceDone(t);
    // The units' background work (timers, pollers) holds part of the host's cores all the time.
    const hostLeft = Math.max((hostCores ?? 0) - c.background, MIN_HOST_CORES);
    this.lowPriority = Uint8Array.from(c.stations, (s) => (s.kind === 'pool' ? 1 : 0));
    if (hostCores && hostSharing === 'process' && hostSlice > 0) {
      // Per process in time slices (sliced-host.ts): one host object, its thread pools' work inside it.
      const procs = processOfReplica(c.stations, this.firstReplica, this.allocated);
      const poolReplica = new Uint8Array(nr);
      c.stations.forEach((_, i) => this.lowPriority[i] === 1 && poolReplica.fill(1, this.firstReplica[i]!, this.firstReplica[i]! + this.allocated[i]!));
      const h = new SlicedHost(this.pools.length, hostLeft, hostSlice, this.sim, done, procs.of, procs.count, poolReplica, hostIdleSlowdown);
      this.pools.push(h);
      this.hostPool = h;
      this.hostLowPool = null;
    } else if (hostCores && hostSharing === 'process') {
      // Per process: a thread pool's work shares its unit's process's share (no weight), so no lower pool.
      const procs = processOfReplica(c.stations, this.firstReplica, this.allocated);
      this.hostPool = new ProcessSharedHost(hostLeft, procs.of, procs.count, (shared) => this.newPool(hostLeft, done, hostIdleSlowdown, null, 0, shared));
      this.hostLowPool = null;
    } else {
      const host = hostCores ? this.newPool(hostLeft, done, hostIdleSlowdown) : null;
      this.hostPool = host;
      this.hostLowPool = host && this.lowPriority.includes(1) ? this.newPool(hostLeft, done, hostIdleSlowdown, host, hostPoolWeight) : null;
    }
    for (let s = 0; s < S; s++) {
      const ps = c.stations[s]!.discipline === 'ps';
      for (let k = 0; k < this.allocated[s]!; k++) {
        this.stationOf[this.firstReplica[s]! + k] = s;
        this.cap[this.firstReplica[s]! + k] = this.servers[s]!;
        this.waiting.push(new TokenQueue());
        this.pool.push(!this.hostPool && ps ? this.newPool(this.servers[s]!, done) : null);
      }
    }
  }

  private newPool(cores: number, onDone: (t: Token) => void, idleSlowdown = 0, above: PsPool | null = null, weight = 0, shared: SharedCores | null = null): PsPool {
    const p = new PsPool(this.pools.length, cores, this.sim, onDone, idleSlowdown, above, weight, shared);
    this.pools.push(p);
    return p;
  }

  /** Bring station s's replica-time area up to now (before its active count changes). */
  touchActive(s: number): void {
    const dt = this.sim.now - this.activeLast[s]!;
    if (dt > 0) {
      this.activeArea[s]! += this.active[s]! * dt;
      this.activeLast[s] = this.sim.now;
    }
  }

  /** The replica a visit to station s goes to. */
  private pick(s: number): number {
    const first = this.firstReplica[s]!;
    const active = this.active[s]!;
    if (active <= 1) return first;
    if (this.random) return first + Math.floor(this.rng.next() * active);
    const start = this.rrNext[s]!;
    this.rrNext[s] = start + 1 >= active ? 0 : start + 1;
    if (!this.leastConn) return first + start;
    let best = Infinity;
    let r = first;
    for (let i = 0; i < active; i++) {
      let k = start + i;
      if (k >= active) k -= active;
      const rr = first + k;
      const load = this.busy[rr]! + this.queued[rr]!;
      if (load < best) {
        best = load;
        r = rr;
      }
    }
    return r;
  }

  /**
   * OP_VISIT: token t asks station s for service drawn from dist d. Returns true when the token
   * now waits (it always does, unless the station is down and the failure was handled).
   */
  visit(t: Token, s: number, d: number): boolean {
    if (this.down[s]) return this.sim.fail(t);
    const r = this.pick(s);
    t.replica = r;
    this.visits[s]!++;
    // A free server takes the visit; a PS replica takes every visit at once, sharing its cores
    // (run: its pool), and only one that finds a core free wakes it.
    const free = this.busy[r]! < this.cap[r]!;
    if (free || this.pool[r]) {
      const gap = free ? this.wake(r) : -1;
      // past its servers a PS replica's extra visits share them (busy stays at cap; share())
      if (free) this.busyArea[r]! -= this.sim.now;
      else this.share(r, 1);
      this.busy[r]!++;
      this.serve(t, s, d, gap);
    } else {
      this.waited[s]!++;
      this.waiting[r]!.push(t);
      this.waitArea[r]! -= this.sim.now;
      this.queued[r]!++;
      t.dist = d;
    }
    return true;
  }

  /**
   * A PS replica's visits beyond its cores, one more (d 1) or one fewer (−1), with their time-area:
   * its queue (for M/M/c-PS the same mean as FCFS's waiting line).
   */
  private share(r: number, d: 1 | -1): void {
    this.waitArea[r]! -= d * this.sim.now;
    this.shared[r]! += d;
  }

  /** Replica r's most recently freed server is taken: how long it was idle, ms (-1 unless cold visits apply). */
  private wake(r: number): number {
    if (!this.coldStation[this.stationOf[r]!]) return -1;
    const top = --this.freeTop[r]!;
    return this.sim.now - this.freeAt[this.freeBase[r]! + top]!;
  }

  /** One of replica r's servers goes idle now. */
  private rest(r: number): void {
    if (this.coldStation[this.stationOf[r]!]) this.freeAt[this.freeBase[r]! + this.freeTop[r]!++] = this.sim.now;
  }

  /** A server takes token t: its work (plus a cold visit's extra) runs on a dedicated core, on the host's shared cores, or in its PS replica's pool. */
  private serve(t: Token, s: number, d: number, gap = -1): void {
    this.sampler.draw(d);
    const own = this.sampler.drawn[0]! * this.slow[s]!;
    // a cold visit's extra grows with the visit's own work (cold-visit.ts)
    const work = gap >= 0 ? own + coldExtra(this.cold[s]!, gap, own) : own;
    if (gap >= 0) t.after = coldAfter(this.cold[s]!, gap);
    this.served[s]!++;
    this.run(t, s, work);
  }

  /** Token t holds a server of station s (at replica t.replica) for `work` ms of CPU. */
  private run(t: Token, s: number, work: number): void {
    this.work[s]! += work;
    const pool = this.pool[t.replica];
    if (pool) pool.add(t, work);
    else if (this.hostPool) (this.hostLowPool && this.lowPriority[s] ? this.hostLowPool : this.hostPool).add(t, work);
    else this.sim.at(this.sim.now + work, EV_SERVICE_DONE, t.id, 0);
  }

  /** EV_SERVICE_DONE or a pool's completion: free the server (or give it to the next in line). */
  serviceDone(t: Token): void {
    if (t.after > 0) return this.holdAfter(t);
    const r = t.replica;
    if (this.queued[r]! > 0 && !this.pool[r]) {
      // the server goes straight to the next in line: busy unchanged, one fewer waiting
      this.waitArea[r]! += this.sim.now;
      this.queued[r]!--;
      const next = this.waiting[r]!.shift();
      this.serve(next, this.stationOf[r]!, next.dist);
    } else if (--this.busy[r]! < this.cap[r]!) {
      // a server went idle (with more visits than servers in a PS replica, none did)
      this.busyArea[r]! += this.sim.now;
      this.rest(r);
    } else this.share(r, -1); // a PS replica had more visits than cores: one fewer shares them
    this.sim.exec(t);
  }

  /**
   * Token t's visit is answered and it goes on, but its process carries on with the wake-up's work
   * that follows an answer (cold-visit.ts afterMs): a token with no program holds the server for
   * it, and its own serviceDone frees the server.
   */
  private holdAfter(t: Token): void {
    const g = this.sim.idleToken();
    g.replica = t.replica;
    this.run(g, this.stationOf[t.replica]!, t.after);
    t.after = 0;
    this.sim.exec(t);
  }

  /** A crash: every token waiting at station s fails (those in service finish, or time out). */
  crash(s: number): void {
    for (let k = 0; k < this.allocated[s]!; k++) {
      const r = this.firstReplica[s]! + k;
      this.waitArea[r]! += this.queued[r]! * this.sim.now;
      this.queued[r] = 0;
      for (const t of this.waiting[r]!.drain()) if (!this.sim.fail(t)) this.sim.exec(t);
    }
  }

  /** Time-integrals so far (fresh arrays: taken at window edges only). */
  totals(): StationTotals {
    const S = this.count;
    const busy = new Float64Array(S);
    const wait = new Float64Array(S);
    const active = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      this.touchActive(s);
      active[s] = this.activeArea[s]!;
      for (let k = 0; k < this.allocated[s]!; k++) {
        const r = this.firstReplica[s]! + k;
        const b = this.busy[r]!;
        const c = this.cap[r]!;
        busy[s]! += this.busyArea[r]! + (b < c ? b : c) * this.sim.now;
        wait[s]! += this.waitArea[r]! + (this.queued[r]! + this.shared[r]!) * this.sim.now;
      }
    }
    return { busy, wait, active, visits: Float64Array.from(this.visits), waited: Float64Array.from(this.waited), work: Float64Array.from(this.work), served: Float64Array.from(this.served) };
  }
}
