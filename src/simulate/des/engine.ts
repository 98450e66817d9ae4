// Stations, requests and workloads on top of the kernel. A request is a token running its
// operation's compiled program: each VISIT picks a replica (least connections or round robin),
// takes a server (FCFS) or a share of the cores (processor sharing), holds it for a sampled
// service time and moves on; DELAYs are pure waits; SPAWN starts detached event work;
// BEGIN/END bracket a call edge with a resilience policy (timeout, retries with exponential
// backoff, circuit breaker, optional). Tokens and events are pooled: the steady state allocates
// nothing, which is what makes a million requests take about a second.
import type { Profile } from '../../model/schema.js';
import { D_CONST, D_EXP, D_GAMMA, D_LOGNORMAL, D_UNIFORM, OP_BEGIN, OP_DELAY, OP_END, OP_SPAWN, OP_VISIT, W, type Compiled } from '../compile.js';
import type { Balance, WorkloadSpec } from '../types.js';
import { maxRate, rateAt } from '../workload.js';
import { BUCKETS, bucketOf } from './histogram.js';
import { EventHeap, Lane } from './kernel.js';
import { Rng } from './rng.js';

// Event kinds.
const E_RESUME = 0;
const E_DONE = 1;
const E_ARRIVAL = 2;
const E_USER = 3;
const E_TIMER = 4;
const E_PSWAKE = 5;
const E_CONTROL = 6;

// Control sub-kinds (event id), argument in aux.
const C_MEASURE_START = 0;
const C_MEASURE_END = 1;
const C_FAULT_START = 2;
const C_FAULT_END = 3;
const C_AUTOSCALE = 4;
const C_SCALE_UP = 5;

export interface DesFault {
  station: number;
  from: number;
  to: number;
  down: boolean;
  /** service-time multiplier while slow */
  factor: number;
}

export interface DesLoad {
  from: number;
  to: number;
  rate: number;
  profile?: Profile;
  mix: Record<string, number>;
}

export interface DesScenario {
  faults: DesFault[];
  loads: DesLoad[];
  /** the client gives up (and counts an error) after this long, ms */
  clientTimeout?: number;
  /** windows for the fault-isolation table */
  windows: { label: string; from: number; to: number }[];
}

export interface DesOptions {
  seed: number;
  balance?: Balance;
  /** all service shares this many cores (processor sharing across the host) */
  hostCores?: number;
  scenario?: DesScenario;
  /** autoscaler period, ms */
  autoscalePeriod?: number;
  /** called every ~1% of simulated time (progress) */
  onProgress?: (fraction: number) => void;
}

export interface DesRaw {
  opIds: string[];
  count: Float64Array;
  errors: Float64Array;
  sum: Float64Array;
  max: Float64Array;
  hist: Uint32Array;
  /** per window: ok and total per op, and histograms */
  windows: { label: string; ok: Float64Array; total: Float64Array; hist: Uint32Array; max: Float64Array }[];
  station: { busy: Float64Array; wait: Float64Array; active: Float64Array; visits: Float64Array; waited: Float64Array; maxActive: Int32Array };
  measured: number;
  arrivals: number;
  inSystemArea: number;
  events: number;
  requests: number;
  unfinished: number;
}

interface Frame {
  edge: number;
  begin: number;
  end: number;
  attempt: number;
  gen: number;
}

class Tok {
  code: Int32Array = new Int32Array(0);
  pc = 0;
  /** index into opIds for a request; -1 for event work */
  op = -1;
  start = 0;
  user = -1;
  q = -1;
  frames: Frame[] | null = null;
  orphan = -1;
  nextAttempt = 0;
  window = -1;
  /** the service distribution a waiting token will be served with */
  d = -1;
  constructor(readonly id: number) {}
}

class Ring {
  items: Tok[] = [];
  head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(t: Tok): void {
    this.items.push(t);
  }
  shift(): Tok {
    const t = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return t;
  }
  drain(): Tok[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }
}

class PsPool {
  n = 0;
  v = 0;
  last = 0;
  version = 0;
  fv = new Float64Array(64);
  tok: Tok[] = [];
  constructor(readonly index: number, readonly cores: number) {}
}

export function runDes(c: Compiled, w: WorkloadSpec, o: DesOptions): DesRaw {
  return new Sim(c, w, o).run();
}

class Sim {
  private readonly rng: Rng;
  private readonly heap = new EventHeap();
  private readonly lanes: Lane[] = [];
  private now = 0;
  private events = 0;
  // Distributions, flattened.
  private readonly dKind: Int32Array;
  private readonly dMean: Float64Array;
  private readonly dAdd: Float64Array;
  private readonly dA: Float64Array;
  private readonly dB: Float64Array;
  private readonly laneOf: Int32Array;
  // Station groups and their replica queues.
  private readonly G: number;
  private readonly gFirst: Int32Array;
  private readonly gAlloc: Int32Array;
  private readonly gActive: Int32Array;
  private readonly gPending: Int32Array;
  private readonly gServers: Int32Array;
  private readonly gPs: Uint8Array;
  private readonly gDown: Uint8Array;
  private readonly gSlow: Float64Array;
  private readonly gRr: Int32Array;
  private readonly gActiveArea: Float64Array;
  private readonly gLast: Float64Array;
  private readonly gVisits: Float64Array;
  private readonly gWaited: Float64Array;
  private readonly gMaxActive: Int32Array;
  private readonly qGroup: Int32Array;
  private readonly qBusy: Int32Array;
  private readonly qLast: Float64Array;
  private readonly qBusyArea: Float64Array;
  private readonly qWaitArea: Float64Array;
  private readonly qWaiting: Ring[];
  private readonly qPool: (PsPool | null)[];
  private readonly pools: PsPool[] = [];
  private readonly hostPool: PsPool | null;
  private readonly leastConn: boolean;
  // Tokens.
  private readonly toks: Tok[] = [];
  private readonly free: Tok[] = [];
  private gen = 0;
  // Workload.
  private readonly opIds: string[];
  private readonly streams: { from: number; to: number; base: number; profile?: Profile; lmax: number; cum: Float64Array; op: Int32Array; prog: Int32Array; limit: number; made: number }[] = [];
  private readonly userOp: { cum: Float64Array; op: Int32Array; prog: Int32Array };
  // Edges.
  private readonly eTimeout: Float64Array;
  private readonly eRetries: Int32Array;
  private readonly eBackoff: Float64Array;
  private readonly eOptional: Uint8Array;
  private readonly cbOn: Uint8Array;
  private readonly cbStart: Float64Array;
  private readonly cbCalls: Float64Array;
  private readonly cbFails: Float64Array;
  private readonly cbOpenUntil: Float64Array;
  // Statistics.
  private measuring = false;
  private readonly warmup: number;
  private readonly end: number;
  private inSystem = 0;
  private inSystemArea = 0;
  private inSystemLast = 0;
  private inSystemAt0 = 0;
  private arrivals = 0;
  private started = 0;
  private recorded = 0;
  private readonly count: Float64Array;
  private readonly errors: Float64Array;
  private readonly sum: Float64Array;
  private readonly max: Float64Array;
  private readonly hist: Uint32Array;
  private readonly windows: DesRaw['windows'];
  private readonly windowSpan: { from: number; to: number }[];
  private snapshot: { busy: Float64Array; wait: Float64Array; active: Float64Array; visits: Float64Array; waited: Float64Array } | null = null;
  private result: DesRaw['station'] | null = null;
  private readonly clientTimeout: number;

  constructor(
    private readonly c: Compiled,
    private readonly w: WorkloadSpec,
    private readonly o: DesOptions,
  ) {
    this.rng = new Rng(o.seed);
    this.leastConn = (o.balance ?? 'least-connections') === 'least-connections';
    // Distributions.
    const nd = c.dists.length;
    this.dKind = new Int32Array(nd);
    this.dMean = new Float64Array(nd);
    this.dAdd = new Float64Array(nd);
    this.dA = new Float64Array(nd);
    this.dB = new Float64Array(nd);
    this.laneOf = new Int32Array(nd).fill(-1);
    const laneByValue = new Map<number, number>();
    // Only constant delays get a lane (each lane costs a comparison per event).
    const delayed = new Set<number>();
    for (const p of c.programs) for (let pc = 0; pc < p.code.length; pc += W) if (p.code[pc] === OP_DELAY) delayed.add(p.code[pc + 1]!);
    c.dists.forEach((d, i) => {
      this.dKind[i] = d.kind;
      this.dMean[i] = d.mean;
      this.dAdd[i] = d.add;
      if (d.kind === D_LOGNORMAL) {
        const s2 = Math.log(1 + d.cv * d.cv);
        this.dA[i] = Math.log(d.mean) - s2 / 2;
        this.dB[i] = Math.sqrt(s2);
      } else if (d.kind === D_GAMMA) {
        const k = d.cv > 0 ? 1 / (d.cv * d.cv) : 1e9;
        this.dA[i] = k;
        this.dB[i] = d.mean / k;
      } else if (d.kind === D_UNIFORM) {
        this.dA[i] = d.min;
        this.dB[i] = d.max - d.min;
      }
      if ((d.kind === D_CONST || d.mean === 0) && delayed.has(i)) {
        const v = d.mean + d.add;
        let l = laneByValue.get(v);
        if (l === undefined) {
          l = this.lanes.length;
          this.lanes.push(new Lane());
          laneByValue.set(v, l);
        }
        this.laneOf[i] = l;
      }
    });
    // Stations: one queue per replica, allocated up to the autoscaler's maximum.
    const G = (this.G = c.stations.length);
    this.gFirst = new Int32Array(G);
    this.gAlloc = new Int32Array(G);
    this.gActive = new Int32Array(G);
    this.gPending = new Int32Array(G);
    this.gServers = new Int32Array(G);
    this.gPs = new Uint8Array(G);
    this.gDown = new Uint8Array(G);
    this.gSlow = new Float64Array(G).fill(1);
    this.gRr = new Int32Array(G);
    this.gActiveArea = new Float64Array(G);
    this.gLast = new Float64Array(G);
    this.gVisits = new Float64Array(G);
    this.gWaited = new Float64Array(G);
    this.gMaxActive = new Int32Array(G);
    let nq = 0;
    c.stations.forEach((s, g) => {
      const a = s.autoscale;
      const active = a ? Math.min(Math.max(s.replicas, a.min, 1), a.max) : s.replicas;
      this.gFirst[g] = nq;
      this.gAlloc[g] = a ? Math.max(a.max, active) : active;
      this.gActive[g] = active;
      this.gMaxActive[g] = active;
      this.gServers[g] = s.servers;
      this.gPs[g] = s.discipline === 'ps' ? 1 : 0;
      nq += this.gAlloc[g]!;
    });
    this.qGroup = new Int32Array(nq);
    this.qBusy = new Int32Array(nq);
    this.qLast = new Float64Array(nq);
    this.qBusyArea = new Float64Array(nq);
    this.qWaitArea = new Float64Array(nq);
    this.qWaiting = [];
    this.qPool = [];
    this.hostPool = o.hostCores ? this.newPool(o.hostCores) : null;
    for (let g = 0; g < G; g++) {
      for (let r = 0; r < this.gAlloc[g]!; r++) {
        const q = this.gFirst[g]! + r;
        this.qGroup[q] = g;
        this.qWaiting.push(new Ring());
        this.qPool.push(!this.hostPool && this.gPs[g] ? this.newPool(this.gServers[g]!) : null);
      }
    }
    // Edges.
    const ne = c.edges.length;
    this.eTimeout = new Float64Array(ne);
    this.eRetries = new Int32Array(ne);
    this.eBackoff = new Float64Array(ne);
    this.eOptional = new Uint8Array(ne);
    this.cbOn = new Uint8Array(ne);
    this.cbStart = new Float64Array(ne);
    this.cbCalls = new Float64Array(ne);
    this.cbFails = new Float64Array(ne);
    this.cbOpenUntil = new Float64Array(ne);
    c.edges.forEach((e, i) => {
      this.eTimeout[i] = e.timeout ?? 0;
      this.eRetries[i] = e.retries;
      this.eBackoff[i] = e.backoff;
      this.eOptional[i] = e.optional ? 1 : 0;
      this.cbOn[i] = e.circuitBreaker ? 1 : 0;
    });
    // Workload streams.
    const sc = o.scenario;
    const ids = new Set(Object.keys(w.mix));
    for (const l of sc?.loads ?? []) for (const id of Object.keys(l.mix)) ids.add(id);
    this.opIds = [...ids];
    const table = (mix: Record<string, number>) => {
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
    this.warmup = w.warmup;
    this.end = w.duration;
    this.userOp = table(w.mix);
    if (w.kind === 'open') {
      const base = w.profile ? (w.profile.kind === 'spike' ? w.profile.base : w.rate!) : w.rate!;
      this.streams.push({ from: 0, to: w.duration, base, ...(w.profile ? { profile: w.profile } : {}), lmax: maxRate(w.profile, base), ...this.userOp, limit: w.requests ?? Infinity, made: 0 });
    }
    for (const l of sc?.loads ?? []) {
      this.streams.push({ from: l.from, to: Math.min(l.to, w.duration), base: l.rate, ...(l.profile ? { profile: l.profile } : {}), lmax: maxRate(l.profile, l.rate), ...table(l.mix), limit: Infinity, made: 0 });
    }
    const nops = this.opIds.length;
    this.count = new Float64Array(nops);
    this.errors = new Float64Array(nops);
    this.sum = new Float64Array(nops);
    this.max = new Float64Array(nops);
    this.hist = new Uint32Array(nops * BUCKETS);
    this.windowSpan = (sc?.windows ?? []).map((x) => ({ from: x.from, to: x.to }));
    this.windows = (sc?.windows ?? []).map((x) => ({ label: x.label, ok: new Float64Array(nops), total: new Float64Array(nops), hist: new Uint32Array(nops * BUCKETS), max: new Float64Array(nops) }));
    this.clientTimeout = sc?.clientTimeout ?? Infinity;
  }

  private newPool(cores: number): PsPool {
    const p = new PsPool(this.pools.length, cores);
    this.pools.push(p);
    return p;
  }

  // ── scheduling ────────────────────────────────────────────────────────────
  private at(t: number, kind: number, id: number, aux: number): void {
    this.heap.push(t, kind, id, aux);
  }

  private sample(d: number): number {
    const k = this.dKind[d]!;
    const m = this.dMean[d]!;
    let x: number;
    if (k === D_EXP) x = -m * Math.log(1 - this.rng.next());
    else if (k === D_LOGNORMAL) x = Math.exp(this.dA[d]! + this.dB[d]! * this.rng.normal());
    else if (k === D_CONST) x = m;
    else if (k === D_GAMMA) x = this.rng.gamma(this.dA[d]!) * this.dB[d]!;
    else x = this.dA[d]! + this.dB[d]! * this.rng.next();
    return x + this.dAdd[d]!;
  }

  // ── main loop ─────────────────────────────────────────────────────────────
  run(): DesRaw {
    const w = this.w;
    this.at(this.warmup, E_CONTROL, C_MEASURE_START, 0);
    this.at(this.end, E_CONTROL, C_MEASURE_END, 0);
    this.streams.forEach((s, i) => this.nextArrival(i, s.from));
    if (w.kind === 'closed') {
      for (let u = 0; u < w.users!; u++) this.at(this.thinkTime(), E_USER, u, 0);
    }
    (this.o.scenario?.faults ?? []).forEach((f, i) => {
      this.at(f.from, E_CONTROL, C_FAULT_START, i);
      this.at(f.to, E_CONTROL, C_FAULT_END, i);
    });
    const period = this.o.autoscalePeriod ?? 5000;
    if (this.c.stations.some((s) => s.autoscale)) this.at(period, E_CONTROL, C_AUTOSCALE, 0);
    // Let the system drain after the last arrival, but not forever when it is overloaded.
    const horizon = this.end + Math.max(30_000, this.end);
    const heap = this.heap;
    const lanes = this.lanes;
    const nl = lanes.length;
    const progress = this.o.onProgress;
    let nextProgress = this.end / 100;
    for (;;) {
      let t = heap.size > 0 ? heap.t[0]! : Infinity;
      let src = -1;
      for (let l = 0; l < nl; l++) {
        const lane = lanes[l]!;
        if (lane.size > 0 && lane.t[lane.head]! < t) {
          t = lane.t[lane.head]!;
          src = l;
        }
      }
      if (t > horizon) break;
      let kind: number;
      let id: number;
      let aux: number;
      if (src < 0) {
        kind = heap.k[0]!;
        id = heap.id[0]!;
        aux = heap.aux[0]!;
        heap.pop();
      } else {
        const lane = lanes[src]!;
        kind = lane.k[lane.head]!;
        id = lane.id[lane.head]!;
        aux = lane.aux[lane.head]!;
        lane.pop();
      }
      this.now = t;
      this.events++;
      if (progress && t >= nextProgress) {
        progress(Math.min(1, t / this.end));
        nextProgress += this.end / 100;
      }
      switch (kind) {
        case E_RESUME:
          this.exec(this.toks[id]!);
          break;
        case E_DONE:
          this.serviceDone(this.toks[id]!);
          break;
        case E_ARRIVAL:
          this.arrive(id);
          break;
        case E_USER:
          this.userRequest(id);
          break;
        case E_TIMER:
          this.timer(this.toks[id]!, aux);
          break;
        case E_PSWAKE:
          this.psWake(this.pools[id]!, aux);
          break;
        case E_CONTROL:
          this.control(id, aux);
          break;
      }
    }
    if (!this.result) this.measureEnd();
    return {
      opIds: this.opIds,
      count: this.count,
      errors: this.errors,
      sum: this.sum,
      max: this.max,
      hist: this.hist,
      windows: this.windows,
      station: this.result!,
      measured: this.end - this.warmup,
      arrivals: this.arrivals,
      inSystemArea: this.inSystemAt0,
      events: this.events,
      requests: this.started,
      unfinished: this.started - this.recorded,
    };
  }

  // ── workload ──────────────────────────────────────────────────────────────
  private nextArrival(i: number, from: number): void {
    const s = this.streams[i]!;
    if (s.made >= s.limit) return;
    let t = from;
    const inv = 1000 / s.lmax;
    for (;;) {
      t += -inv * Math.log(1 - this.rng.next());
      if (t >= s.to) return;
      if (!s.profile || this.rng.next() * s.lmax < rateAt(s.profile, s.base, t)) break;
    }
    this.at(t, E_ARRIVAL, i, 0);
  }

  private pick(cum: Float64Array): number {
    const u = this.rng.next();
    let i = 0;
    while (cum[i]! <= u && i < cum.length - 1) i++;
    return i;
  }

  private arrive(i: number): void {
    const s = this.streams[i]!;
    s.made++;
    const k = this.pick(s.cum);
    this.startRequest(s.op[k]!, s.prog[k]!, -1);
    this.nextArrival(i, this.now);
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

  private userRequest(u: number): void {
    if (this.now >= this.end) return;
    const k = this.pick(this.userOp.cum);
    this.startRequest(this.userOp.op[k]!, this.userOp.prog[k]!, u);
  }

  private alloc(): Tok {
    const t = this.free.pop();
    if (t) return t;
    const n = new Tok(this.toks.length);
    this.toks.push(n);
    return n;
  }

  private startRequest(op: number, prog: number, user: number): void {
    const t = this.alloc();
    t.code = this.c.programs[prog]!.code;
    t.pc = 0;
    t.op = op;
    t.start = this.now;
    t.user = user;
    t.frames = null;
    t.orphan = -1;
    t.nextAttempt = 0;
    t.window = -1;
    for (let i = 0; i < this.windowSpan.length; i++) {
      const x = this.windowSpan[i]!;
      if (this.now >= x.from && this.now < x.to) {
        t.window = i;
        break;
      }
    }
    this.started++;
    if (this.now >= this.warmup && this.now < this.end) this.arrivals++;
    this.inSystemArea += this.inSystem * (this.now - this.inSystemLast);
    this.inSystemLast = this.now;
    this.inSystem++;
    this.exec(t);
  }

  private finishRequest(t: Tok, ok: boolean): void {
    const lat = this.now - t.start;
    this.inSystemArea += this.inSystem * (this.now - this.inSystemLast);
    this.inSystemLast = this.now;
    this.inSystem--;
    this.recorded++;
    if (lat > this.clientTimeout) ok = false;
    const op = t.op;
    if (t.start >= this.warmup && t.start < this.end) {
      this.count[op]!++;
      if (!ok) this.errors[op]!++;
      this.sum[op]! += lat;
      if (lat > this.max[op]!) this.max[op] = lat;
      this.hist[op * BUCKETS + bucketOf(lat)]!++;
    }
    if (t.window >= 0) {
      const win = this.windows[t.window]!;
      win.total[op]!++;
      if (ok) win.ok[op]!++;
      win.hist[op * BUCKETS + bucketOf(lat)]!++;
      if (lat > win.max[op]!) win.max[op] = lat;
    }
    if (t.user >= 0 && this.now < this.end) this.at(this.now + this.thinkTime(), E_USER, t.user, 0);
    this.release(t);
  }

  private release(t: Tok): void {
    t.frames = null;
    t.op = -1;
    this.free.push(t);
  }

  // ── execution of a program ────────────────────────────────────────────────
  private exec(t: Tok): void {
    const code = t.code;
    const n = code.length;
    for (;;) {
      const pc = t.pc;
      if (pc >= n) {
        if (t.orphan >= 0) this.release(t);
        else if (t.op >= 0) this.finishRequest(t, true);
        else this.release(t);
        return;
      }
      const ins = code[pc]!;
      t.pc = pc + W;
      if (ins === OP_VISIT) {
        if (this.visit(t, code[pc + 1]!, code[pc + 2]!)) return;
        continue;
      }
      if (ins === OP_DELAY) {
        const d = code[pc + 1]!;
        const lane = this.laneOf[d]!;
        if (lane >= 0) this.lanes[lane]!.push(this.now + this.dMean[d]! + this.dAdd[d]!, E_RESUME, t.id, 0);
        else this.at(this.now + this.sample(d), E_RESUME, t.id, 0);
        return;
      }
      if (ins === OP_SPAWN) {
        const s = this.alloc();
        s.code = this.c.programs[code[pc + 1]!]!.code;
        s.pc = 0;
        s.op = -1;
        s.user = -1;
        s.frames = null;
        s.orphan = -1;
        s.nextAttempt = 0;
        s.window = -1;
        s.start = this.now;
        this.exec(s);
        continue;
      }
      if (ins === OP_BEGIN) {
        const e = code[pc + 1]!;
        const f: Frame = { edge: e, begin: pc, end: code[pc + 2]!, attempt: t.nextAttempt, gen: ++this.gen };
        t.nextAttempt = 0;
        (t.frames ??= []).push(f);
        if (this.cbOn[e] && this.now < this.cbOpenUntil[e]!) {
          // An open breaker fails the call at once, without touching the callee.
          if (this.fail(t, false)) return;
          continue;
        }
        if (this.eTimeout[e]! > 0) this.at(this.now + this.eTimeout[e]!, E_TIMER, t.id, f.gen);
        continue;
      }
      if (ins === OP_END) {
        const frames = t.frames!;
        const f = frames.pop()!;
        if (t.orphan === frames.length) {
          // The caller gave up on this call (timeout): the callee's work is done, nobody waits.
          this.release(t);
          return;
        }
        this.cbRecord(f.edge, true);
        continue;
      }
    }
  }

  /**
   * Failure of the current step: unwind call frames until one handles it (a retry after
   * backoff, or an optional call that is skipped). Returns true when the token stopped running
   * (scheduled a retry, finished or died); false when it continues at t.pc.
   */
  private fail(t: Tok, record = true): boolean {
    const frames = t.frames;
    while (frames && frames.length > 0) {
      const i = frames.length - 1;
      if (t.orphan >= 0 && i <= t.orphan) {
        this.release(t);
        return true;
      }
      const f = frames[i]!;
      if (record) this.cbRecord(f.edge, false);
      record = true;
      frames.pop();
      const e = f.edge;
      if (f.attempt < this.eRetries[e]!) {
        t.nextAttempt = f.attempt + 1;
        t.pc = f.begin;
        this.at(this.now + this.eBackoff[e]! * Math.pow(2, f.attempt), E_RESUME, t.id, 0);
        return true;
      }
      if (this.eOptional[e]) {
        t.pc = f.end + W;
        return false;
      }
    }
    if (t.orphan >= 0 || t.op < 0) this.release(t);
    else this.finishRequest(t, false);
    return true;
  }

  private cbRecord(e: number, ok: boolean): void {
    if (!this.cbOn[e]) return;
    const cb = this.c.edges[e]!.circuitBreaker!;
    if (this.now - this.cbStart[e]! > cb.window) {
      this.cbStart[e] = this.now;
      this.cbCalls[e] = 0;
      this.cbFails[e] = 0;
    }
    this.cbCalls[e]!++;
    if (!ok) this.cbFails[e]!++;
    if (this.cbCalls[e]! >= cb.minCalls && this.cbFails[e]! / this.cbCalls[e]! >= cb.failureThreshold) {
      this.cbOpenUntil[e] = this.now + cb.openFor;
      this.cbCalls[e] = 0;
      this.cbFails[e] = 0;
      this.cbStart[e] = this.now;
    }
  }

  private timer(t: Tok, gen: number): void {
    const frames = t.frames;
    if (!frames) return;
    let i = frames.length - 1;
    while (i >= 0 && frames[i]!.gen !== gen) i--;
    if (i < 0 || (t.orphan >= 0 && i <= t.orphan)) return;
    // The caller stops waiting: a clone carries the request on from the failed call, while the
    // original keeps holding (or queueing for) the callee's stations until its work is done.
    const k = this.alloc();
    k.code = t.code;
    k.op = t.op;
    k.start = t.start;
    k.user = t.user;
    k.window = t.window;
    k.orphan = t.orphan;
    k.nextAttempt = 0;
    k.frames = frames.slice(0, i + 1).map((f) => ({ ...f }));
    k.pc = frames[i]!.end + W;
    t.orphan = i;
    if (!this.fail(k)) this.exec(k);
  }

  // ── stations ──────────────────────────────────────────────────────────────
  private touch(q: number): void {
    const dt = this.now - this.qLast[q]!;
    if (dt > 0) {
      const g = this.qGroup[q]!;
      const b = this.qBusy[q]!;
      const c = this.gServers[g]!;
      this.qBusyArea[q]! += (b < c ? b : c) * dt;
      this.qWaitArea[q]! += this.qWaiting[q]!.length * dt;
      this.qLast[q] = this.now;
    }
  }

  private touchGroup(g: number): void {
    const dt = this.now - this.gLast[g]!;
    if (dt > 0) {
      this.gActiveArea[g]! += this.gActive[g]! * dt;
      this.gLast[g] = this.now;
    }
  }

  /** Returns true when the token is now waiting (it always is, unless the visit failed and was handled). */
  private visit(t: Tok, g: number, d: number): boolean {
    if (this.gDown[g]) return this.fail(t);
    const first = this.gFirst[g]!;
    const active = this.gActive[g]!;
    let q = first;
    if (active > 1) {
      const start = this.gRr[g]!;
      this.gRr[g] = start + 1 >= active ? 0 : start + 1;
      if (this.leastConn) {
        let best = Infinity;
        for (let i = 0; i < active; i++) {
          let r = start + i;
          if (r >= active) r -= active;
          const qq = first + r;
          const load = this.qBusy[qq]! + this.qWaiting[qq]!.length;
          if (load < best) {
            best = load;
            q = qq;
          }
        }
      } else q = first + start;
    }
    t.q = q;
    if (this.measuring) this.gVisits[g]!++;
    this.touch(q);
    const servers = this.gServers[g]!;
    const pool = this.qPool[q]!;
    if (pool) {
      this.qBusy[q]!++;
      this.poolAdd(pool, t, this.sample(d) * this.gSlow[g]!);
      return true;
    }
    if (this.qBusy[q]! < servers) {
      this.qBusy[q]!++;
      this.startService(t, g, d);
    } else {
      if (this.measuring) this.gWaited[g]!++;
      this.qWaiting[q]!.push(t);
      t.d = d;
    }
    return true;
  }

  private startService(t: Tok, g: number, d: number): void {
    const s = this.sample(d) * this.gSlow[g]!;
    if (this.hostPool) this.poolAdd(this.hostPool, t, s);
    else this.at(this.now + s, E_DONE, t.id, 0);
  }

  private serviceDone(t: Tok): void {
    const q = t.q;
    this.touch(q);
    const waiting = this.qWaiting[q]!;
    if (!this.qPool[q] && waiting.length > 0) {
      const next = waiting.shift();
      this.startService(next, this.qGroup[q]!, next.d);
    } else this.qBusy[q]!--;
    this.exec(t);
  }

  // Processor sharing: each job's attained service grows at min(1, cores/n); the pool keeps a
  // min-heap of finishing levels and one wake-up event, rescheduled when n changes.
  private poolAdvance(p: PsPool): void {
    if (p.n > 0) p.v += (this.now - p.last) * (p.n <= p.cores ? 1 : p.cores / p.n);
    p.last = this.now;
  }

  private poolAdd(p: PsPool, t: Tok, s: number): void {
    this.poolAdvance(p);
    // binary heap push on (fv, tok)
    if (p.n === p.fv.length) {
      const f = new Float64Array(p.fv.length * 2);
      f.set(p.fv);
      p.fv = f;
    }
    const fv = p.v + s;
    let i = p.n++;
    while (i > 0) {
      const par = (i - 1) >> 1;
      if (p.fv[par]! <= fv) break;
      p.fv[i] = p.fv[par]!;
      p.tok[i] = p.tok[par]!;
      i = par;
    }
    p.fv[i] = fv;
    p.tok[i] = t;
    this.poolSchedule(p);
  }

  private poolSchedule(p: PsPool): void {
    p.version++;
    if (p.n === 0) return;
    const rate = p.n <= p.cores ? 1 : p.cores / p.n;
    this.at(this.now + Math.max(0, (p.fv[0]! - p.v) / rate), E_PSWAKE, p.index, p.version);
  }

  private psWake(p: PsPool, version: number): void {
    if (version !== p.version) return;
    this.poolAdvance(p);
    const done: Tok[] = [];
    while (p.n > 0 && p.fv[0]! <= p.v + 1e-9) {
      done.push(p.tok[0]!);
      const n = --p.n;
      const fv = p.fv[n]!;
      const tk = p.tok[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && p.fv[c + 1]! < p.fv[c]!) c++;
        if (p.fv[c]! >= fv) break;
        p.fv[i] = p.fv[c]!;
        p.tok[i] = p.tok[c]!;
        i = c;
      }
      p.fv[i] = fv;
      p.tok[i] = tk;
    }
    this.poolSchedule(p);
    for (const t of done) this.serviceDone(t);
  }

  // ── control: measurement, faults, autoscaling ─────────────────────────────
  private totals() {
    const G = this.G;
    const busy = new Float64Array(G);
    const wait = new Float64Array(G);
    const active = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      this.touchGroup(g);
      active[g] = this.gActiveArea[g]!;
      for (let r = 0; r < this.gAlloc[g]!; r++) {
        const q = this.gFirst[g]! + r;
        this.touch(q);
        busy[g]! += this.qBusyArea[q]!;
        wait[g]! += this.qWaitArea[q]!;
      }
    }
    return { busy, wait, active, visits: Float64Array.from(this.gVisits), waited: Float64Array.from(this.gWaited) };
  }

  private measureEnd(): void {
    const a = this.snapshot ?? { busy: new Float64Array(this.G), wait: new Float64Array(this.G), active: new Float64Array(this.G), visits: new Float64Array(this.G), waited: new Float64Array(this.G) };
    const b = this.totals();
    const sub = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]!);
    this.result = { busy: sub(b.busy, a.busy), wait: sub(b.wait, a.wait), active: sub(b.active, a.active), visits: b.visits, waited: b.waited, maxActive: Int32Array.from(this.gMaxActive) };
    this.inSystemArea += this.inSystem * (this.now - this.inSystemLast);
    this.inSystemLast = this.now;
    this.inSystemAt0 = this.inSystemArea - this.inSystemAt0;
    this.measuring = false;
  }

  private control(kind: number, arg: number): void {
    switch (kind) {
      case C_MEASURE_START:
        this.snapshot = this.totals();
        this.inSystemArea += this.inSystem * (this.now - this.inSystemLast);
        this.inSystemLast = this.now;
        this.inSystemAt0 = this.inSystemArea;
        this.measuring = true;
        this.gVisits.fill(0);
        this.gWaited.fill(0);
        return;
      case C_MEASURE_END:
        this.measureEnd();
        return;
      case C_FAULT_START: {
        const f = this.o.scenario!.faults[arg]!;
        if (f.down) {
          this.gDown[f.station] = 1;
          // A crash drops the requests queued at it; those in service finish (or time out).
          for (let r = 0; r < this.gAlloc[f.station]!; r++) {
            const q = this.gFirst[f.station]! + r;
            this.touch(q);
            for (const t of this.qWaiting[q]!.drain()) if (!this.fail(t)) this.exec(t);
          }
        } else this.gSlow[f.station] = f.factor;
        return;
      }
      case C_FAULT_END: {
        const f = this.o.scenario!.faults[arg]!;
        if (f.down) this.gDown[f.station] = 0;
        else this.gSlow[f.station] = 1;
        return;
      }
      case C_AUTOSCALE:
        this.autoscale();
        if (this.now < this.end) this.at(this.now + (this.o.autoscalePeriod ?? 5000), E_CONTROL, C_AUTOSCALE, 0);
        return;
      case C_SCALE_UP: {
        const g = arg & 0xffff;
        const k = arg >>> 16;
        this.touchGroup(g);
        this.gPending[g]! -= k;
        this.gActive[g] = Math.min(this.gAlloc[g]!, this.gActive[g]! + k);
        if (this.gActive[g]! > this.gMaxActive[g]!) this.gMaxActive[g] = this.gActive[g]!;
        return;
      }
    }
  }

  private lastScaleBusy: Float64Array | null = null;
  private lastScaleActive: Float64Array | null = null;

  private autoscale(): void {
    const t = this.totals();
    const prevB = this.lastScaleBusy ?? new Float64Array(this.G);
    const prevA = this.lastScaleActive ?? new Float64Array(this.G);
    this.lastScaleBusy = t.busy;
    this.lastScaleActive = t.active;
    this.c.stations.forEach((s, g) => {
      const a = s.autoscale;
      if (!a) return;
      const capacity = (t.active[g]! - prevA[g]!) * this.gServers[g]!;
      if (capacity <= 0) return;
      const util = (t.busy[g]! - prevB[g]!) / capacity;
      const active = this.gActive[g]!;
      const desired = Math.min(a.max, Math.max(a.min, 1, Math.ceil((active * util) / a.targetUtilization - 1e-9)));
      if (desired > active + this.gPending[g]!) {
        const k = desired - active - this.gPending[g]!;
        this.gPending[g]! += k;
        this.at(this.now + a.scaleUpDelay + a.coldStart, E_CONTROL, C_SCALE_UP, g | (k << 16));
      } else if (desired < active && this.gPending[g] === 0) {
        this.touchGroup(g);
        this.gActive[g] = active - 1;
      }
    });
  }
}
