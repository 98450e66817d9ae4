// The DES: the event loop, and a request's life — it arrives (arrivals.ts), runs its compiled
// program instruction by instruction (visits to stations.ts, delays, spawned event work, call
// frames in calls.ts) and leaves (measure.ts). Control events (measurement window, faults,
// autoscaling) are control.ts. The names (station, replica, edge, dist, token; the event kinds
// and what their id and aux mean) are explained once, in names.ts.
//
// Tokens and events are pooled in typed arrays: the steady state allocates nothing, which is
// what makes a million requests take about a second.
import { coldTables } from '../cold-visit.js';
import { OP_ARRIVE, OP_BEGIN, OP_CHECK, OP_DELAY, OP_END, OP_SPAWN, OP_VISIT, W, type Compiled } from '../compile.js';
import type { WorkloadSpec } from '../types.js';
import { Arrivals } from './arrivals.js';
import { Calls } from './calls.js';
import { Control } from './control.js';
import { EventHeap, type Lanes } from './kernel.js';
import { Measure } from './measure.js';
import { EV_ARRIVAL, EV_CONTROL, EV_POOL_WAKE, EV_RESUME, EV_SERVICE_DONE, EV_TIMEOUT, EV_USER } from './names.js';
import { Rng } from './rng.js';
import { Sampler } from './sampler.js';
import { Stations } from './stations.js';
import { Tokens, type Token } from './tokens.js';
import { MAX_IN_SYSTEM, type DesOptions, type DesRaw } from './types.js';

export type { DesFault, DesLoad, DesOptions, DesRaw, DesScenario } from './types.js';
export { MAX_IN_SYSTEM } from './types.js';

/** The program of a token that only holds a server (Stations.serviceDone): it ends when its work does. */
const NO_PROGRAM = new Int32Array(0);

export function runDes(c: Compiled, w: WorkloadSpec, o: DesOptions): DesRaw {
  return new Sim(c, w, o).run();
}

class Sim {
  now = 0;
  private readonly heap = new EventHeap();
  private readonly lanes: Lanes;
  private readonly rng: Rng;
  private readonly sampler: Sampler;
  private readonly tokens = new Tokens(this);
  private readonly stations: Stations;
  private readonly calls: Calls;
  private readonly arrivals: Arrivals;
  private readonly measure: Measure;
  private readonly control: Control;
  private readonly programs: Int32Array[];
  /** requests started, and finished (successfully or not) */
  private started = 0;
  private finished = 0;
  private rejected = 0;

  constructor(
    c: Compiled,
    private readonly w: WorkloadSpec,
    private readonly o: DesOptions,
  ) {
    this.rng = new Rng(o.seed);
    this.sampler = new Sampler(c, this.rng, this);
    this.lanes = this.sampler.lanes;
    this.programs = c.programs.map((p) => p.code);
    this.stations = new Stations(c, this, this.sampler, o.balance ?? 'least-connections', o.hostCores, this.rng, o.hostIdleSlowdown ?? 0, coldTables(c.stations, o), o.hostPoolWeight ?? 0, o.hostSharing ?? 'thread', o.hostSlice ?? 0);
    this.calls = new Calls(c, this, this.tokens, this.stations.down);
    this.arrivals = new Arrivals(c, w, o.scenario, this, this.rng);
    this.measure = new Measure(this.arrivals.opIds.length, o.scenario, w.warmup, w.duration, this.stations, this);
    this.control = new Control(c, this, this.stations, this.measure, o.scenario?.faults ?? [], o.autoscalePeriod ?? 5000);
  }

  at(t: number, kind: number, id: number, aux: number): void {
    this.heap.push(t, kind, id, aux);
  }

  // ── the loop: earliest of the heap and the constant-delay lanes, one handler per kind ────
  run(): DesRaw {
    const end = this.w.duration;
    this.control.start();
    this.arrivals.start();
    this.control.startFaultsAndScaling();
    // Let the system drain after the last arrival, but not forever when it is overloaded.
    const horizon = end + Math.max(30_000, end);
    const heap = this.heap;
    const lanes = this.lanes;
    const laneHead = lanes.head;
    const nl = lanes.count;
    const toks = this.tokens.all;
    const pools = this.stations.pools;
    const progress = this.o.onProgress;
    let nextProgress = end / 100;
    const m = this.measure;
    let events = 0;
    for (;;) {
      let t = heap.t[0]!; // Infinity when the heap is empty
      let lane = -1;
      for (let l = 0; l < nl; l++) {
        if (laneHead[l]! < t) {
          t = laneHead[l]!;
          lane = l;
        }
      }
      if (t > horizon) break;
      this.now = t;
      events++;
      if (t >= m.nextBacklogAt) m.sampleBacklog(t);
      if (progress && t >= nextProgress) {
        progress(Math.min(1, t / end));
        nextProgress += end / 100;
      }
      // A lane's event is always a token resuming after a constant delay.
      if (lane >= 0) {
        this.exec(toks[lanes.pop(lane)]!);
        continue;
      }
      const kind = heap.k[0]!;
      const id = heap.id[0]!;
      const aux = heap.aux[0]!;
      heap.pop();
      // Service completions are most of the heap's events (about 10 in 11 on the bundled microservices blueprint): tested first.
      if (kind === EV_SERVICE_DONE) {
        this.stations.serviceDone(toks[id]!);
        continue;
      }
      switch (kind) {
        case EV_RESUME:
          this.exec(toks[id]!);
          break;
        case EV_ARRIVAL:
          this.arrivals.arrive(id);
          break;
        case EV_USER:
          this.arrivals.user(id, end);
          break;
        case EV_TIMEOUT:
          this.calls.expire(toks[id]!, aux);
          break;
        case EV_POOL_WAKE:
          pools[id]!.wake(aux);
          break;
        case EV_CONTROL:
          this.control.handle(id, aux);
          break;
      }
    }
    return this.result(events);
  }

  /** What the run measured (once, when the loop is over). */
  private result(events: number): DesRaw {
    const m = this.measure;
    if (!m.station) m.stop(this.now);
    // A run that ended before the window did (nothing left to happen): the backlog stayed as it was.
    m.sampleBacklog(Infinity);
    return {
      opIds: this.arrivals.opIds,
      count: m.count,
      errors: m.errors,
      done: m.done,
      sum: m.sum,
      max: m.max,
      min: m.min,
      hist: m.hist,
      windows: m.windows,
      station: m.station!,
      measured: this.w.duration - this.w.warmup,
      arrivals: m.arrivals,
      inSystemArea: m.inSystemIntegral,
      events,
      requests: this.started,
      unfinished: this.started - this.finished,
      backlog: m.backlog,
      rejected: this.rejected,
    };
  }

  // ── a request's life ───────────────────────────────────────────────────────
  startRequest(op: number, prog: number, user: number): void {
    const m = this.measure;
    if (m.inSystem >= (this.o.maxInSystem ?? MAX_IN_SYSTEM)) {
      // Far past saturation: refuse rather than let the backlog eat the memory (counted as errors).
      this.rejected++;
      m.refuse(op);
      if (user >= 0) this.arrivals.thinkThen(user);
      return;
    }
    const t = this.tokens.take(this.programs[prog]!);
    t.op = op;
    t.user = user;
    t.window = m.windowAt(op);
    this.started++;
    m.enter();
    this.exec(t);
  }

  /** The token's program is over (ok) or failed with no frame to handle it. */
  finish(t: Token, ok: boolean): void {
    if (t.detachedAt >= 0 || t.op < 0) {
      this.tokens.release(t);
      return;
    }
    this.finished++;
    this.measure.leave(t, ok);
    if (t.user >= 0 && this.now < this.w.duration) this.arrivals.thinkThen(t.user);
    this.tokens.release(t);
  }

  fail(t: Token): boolean {
    return this.calls.fail(t);
  }

  idleToken(): Token {
    return this.tokens.take(NO_PROGRAM);
  }

  /** Run token t's program from t.pc until it has to wait (a visit, a delay, a backoff) or ends. */
  exec(t: Token): void {
    const code = t.code;
    const n = code.length;
    for (;;) {
      const pc = t.pc;
      if (pc >= n) {
        this.finish(t, true);
        return;
      }
      const ins = code[pc]!;
      t.pc = pc + W;
      if (ins === OP_VISIT) {
        if (this.stations.visit(t, code[pc + 1]!, code[pc + 2]!)) return;
      } else if (ins === OP_DELAY) {
        const d = code[pc + 1]!;
        const lane = this.sampler.laneOf[d]!;
        if (lane >= 0) this.lanes.push(lane, d, t.id);
        else {
          this.sampler.draw(d);
          this.at(this.now + this.sampler.drawn[0]!, EV_RESUME, t.id, 0);
        }
        return;
      } else if (ins === OP_SPAWN) {
        // Event work runs detached from the request: nobody waits for it.
        this.exec(this.tokens.take(this.programs[code[pc + 1]!]!));
      } else if (ins === OP_BEGIN) {
        if (this.calls.begin(t, pc, code[pc + 1]!, code[pc + 2]!)) return;
      } else if (ins === OP_END) {
        if (this.calls.end(t)) return;
      } else if (ins === OP_CHECK) {
        // A unit that is down refuses even a request that asks it for no work.
        if (this.stations.down[code[pc + 1]!] && this.fail(t)) return;
      } else if (ins === OP_ARRIVE) this.stations.arrivals[code[pc + 1]!]!++; // a unit scaled on requests counts it
    }
  }
}
