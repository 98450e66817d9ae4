// The host's cores shared per process rather than per thread (HostModel.sharing 'process').
// Linux with autogroup (CONFIG_SCHED_AUTOGROUP, on by default on most distributions; in effect
// for tasks outside any CPU cgroup) shares a core fairly between sessions first and only then
// between the threads of one session: a unit's event loop and its libuv pool threads hashing a
// password split one share, while each PostgreSQL backend (every one calls setsid) has a share
// of its own. Measured on this project's host (2026-12-04, one core, `taskset -c 0`): a
// one-thread process beside a two-thread one in another session ran 50% / 25% / 25%, not a third
// each. `calibrate --platform` measures which rule a machine follows (platform.ts cpuSharing).
//
// Each process is a PsPool of its own whose cores are what this host allots it: the active
// processes share the cores equally, each at most one core per job it holds (water-filling);
// its jobs share its allotment equally. Jobs of processes with one job each (database backends:
// a connection is a process) sit in one pool whose every job is its own process. Whenever the
// set of active processes or a process's job count changes, every pool is brought up to now
// first and rescheduled after (pools' versions drop their stale wake-ups).
import type { StationDef } from '../compile.js';
import { PsPool, type Scheduler } from './ps-pool.js';
import type { Token } from './tokens.js';

/**
 * Which process each replica's work runs in: units, the gateway and the driver are one process
 * per replica; a unit's thread pool runs in its unit's process (the same replica); a datastore's
 * and a broker's connections are each a process of their own (-1). Pure.
 */
export function processOfReplica(stations: readonly StationDef[], firstReplica: Int32Array, allocated: Int32Array): { of: Int32Array; count: number } {
  const total = stations.reduce((n, _, s) => n + allocated[s]!, 0);
  const of = new Int32Array(total).fill(-1);
  const key = new Map<string, number>();
  stations.forEach((st, s) => {
    if (st.kind === 'datastore' || st.kind === 'broker' || st.kind === 'network') return;
    const owner = st.kind === 'pool' ? st.id.replace(/ \(thread pool\)$/, '') : st.id;
    for (let k = 0; k < allocated[s]!; k++) {
      const name = `${owner}#${k}`;
      if (!key.has(name)) key.set(name, key.size);
      of[firstReplica[s]! + k] = key.get(name)!;
    }
  });
  return { of, count: key.size };
}

/** How the cores are shared: what PsPool asks of it (ps-pool.ts `shared`). */
export interface SharedCores {
  /** cores allotted to pool p now */
  coresOf(p: PsPool): number;
  /** every pool brought up to now (before a job count changes) */
  advanceAll(): void;
  /** a job count changed: allot again and reschedule every pool */
  changed(): void;
  /** jobs on the host now (a core is idle while fewer than the cores) */
  readonly jobs: number;
}

export class ProcessSharedHost implements SharedCores {
  readonly processes: PsPool[] = [];
  /** jobs that are each a process of their own (database backends) */
  readonly singles: PsPool;
  private readonly alloc: Float64Array;
  /** per process: allotted all it can use (its jobs' count) in this allotment */
  private readonly full: Uint8Array;
  /** each single job's allotment */
  private single = 0;
  jobs = 0;

  constructor(
    readonly cores: number,
    private readonly processOf: Int32Array,
    count: number,
    /** makes a pool in the engine's list of pools (EV_POOL_WAKE numbers them) */
    newPool: (shared: SharedCores) => PsPool,
  ) {
    for (let i = 0; i < count; i++) this.processes.push(newPool(this));
    this.singles = newPool(this);
    this.alloc = new Float64Array(count);
    this.full = new Uint8Array(count);
  }

  /** The work of token t (at replica t.replica) runs in its process. */
  add(t: Token, work: number): void {
    const p = this.processOf[t.replica]!;
    (p >= 0 ? this.processes[p]! : this.singles).add(t, work);
  }

  coresOf(p: PsPool): number {
    return p === this.singles ? this.single * p.n : this.alloc[p.index - this.processes[0]!.index]!;
  }

  advanceAll(): void {
    for (const p of this.processes) p.advance();
    this.singles.advance();
  }

  changed(): void {
    this.allot();
    for (const p of this.processes) p.schedule();
    this.singles.schedule();
  }

  /**
   * Equal shares per active process, none above its jobs' count (a job runs on at most one
   * core): with as many processes as cores or more, cores / processes each; else water-filling.
   */
  private allot(): void {
    const P = this.processes;
    const base = P.length ? P[0]!.index : 0;
    let groups = this.singles.n;
    let jobs = this.singles.n;
    for (const p of P) {
      if (p.n > 0) groups++;
      jobs += p.n;
    }
    this.jobs = jobs;
    if (groups === 0) return;
    let level = this.cores / groups;
    const full = this.full;
    full.fill(0);
    let singlesFull = false;
    if (this.cores > groups) {
      // A process with fewer jobs than the level runs them all on a core each; the rest share what is left.
      let left = this.cores;
      let open = groups;
      for (;;) {
        level = left / open;
        let more = false;
        for (const p of P) {
          const i = p.index - base;
          if (p.n > 0 && !full[i] && p.n <= level) {
            full[i] = 1;
            this.alloc[i] = p.n;
            left -= p.n;
            open--;
            more = true;
          }
        }
        if (this.singles.n > 0 && !singlesFull && 1 <= level) {
          singlesFull = true;
          this.single = 1;
          left -= this.singles.n;
          open -= this.singles.n;
          more = true;
        }
        if (!more || open === 0) break;
      }
    }
    if (!singlesFull) this.single = level;
    for (const p of P) {
      const i = p.index - base;
      if (p.n === 0) this.alloc[i] = 0;
      else if (!full[i]) this.alloc[i] = level;
    }
  }
}
