// Measurement: what a finished request adds to the statistics (count, errors, latency sum,
// max and histogram per operation; per failure window), requests in the system over time
// (Little's law), and the stations' time-integrals over the measured window.
import { BUCKETS, bucketOf } from './histogram.js';
import type { Clock } from './kernel.js';
import type { Stations, StationTotals } from './stations.js';
import type { Token } from './tokens.js';
import type { DesRaw, DesScenario } from './types.js';

export const BACKLOG_SAMPLES = 20;

export class Measure {
  readonly count: Float64Array;
  readonly errors: Float64Array;
  readonly done: Float64Array;
  readonly sum: Float64Array;
  readonly max: Float64Array;
  /** the smallest latency per operation (Infinity before the first): percentiles never fall below it */
  readonly min: Float64Array;
  readonly hist: Uint32Array;
  readonly windows: DesRaw['windows'];
  private readonly windowSpan: { from: number; to: number }[];
  private readonly clientTimeout: number;
  // Requests in the system: the count, its time-integral, and the integral over the window.
  inSystem = 0;
  private inSystemArea = 0;
  private inSystemLast = 0;
  private inSystemMeasured = 0;
  /** requests started inside the measured window */
  arrivals = 0;
  /**
   * Requests in the system at BACKLOG_SAMPLES + 1 evenly spaced times across the measured window
   * (taken by the loop at the first event at or after each time): a backlog that grows along the
   * window is the DES's sign of overload (simulate.ts reads it).
   */
  readonly backlog = new Float64Array(BACKLOG_SAMPLES + 1);
  /** samples taken so far, and the time of the next */
  backlogTaken = 0;
  nextBacklogAt: number;
  private before: StationTotals | null = null;
  station: DesRaw['station'] | null = null;

  constructor(
    nops: number,
    scenario: DesScenario | undefined,
    /** measured window [warmup, end), ms */
    readonly warmup: number,
    readonly end: number,
    private readonly stations: Stations,
    /**
     * The engine's clock. The per-request calls read it (and take the token, not its start time)
     * rather than being passed the time: a double passed to a call V8 does not inline is boxed on
     * the heap, and these run on every request.
     */
    private readonly clock: Clock,
  ) {
    this.count = new Float64Array(nops);
    this.errors = new Float64Array(nops);
    this.done = new Float64Array(nops);
    this.sum = new Float64Array(nops);
    this.max = new Float64Array(nops);
    this.min = new Float64Array(nops).fill(Infinity);
    this.hist = new Uint32Array(nops * BUCKETS);
    this.windowSpan = (scenario?.windows ?? []).map((x) => ({ from: x.from, to: x.to }));
    this.windows = (scenario?.windows ?? []).map((x) => ({ label: x.label, sent: new Float64Array(nops), ok: new Float64Array(nops), total: new Float64Array(nops), hist: new Uint32Array(nops * BUCKETS), max: new Float64Array(nops), okHist: new Uint32Array(nops * BUCKETS), okMax: new Float64Array(nops) }));
    this.clientTimeout = scenario?.clientTimeout ?? Infinity;
    this.nextBacklogAt = warmup;
  }

  /** The loop calls this when the clock reaches nextBacklogAt. */
  sampleBacklog(now: number): void {
    const step = (this.end - this.warmup) / BACKLOG_SAMPLES;
    while (this.backlogTaken <= BACKLOG_SAMPLES && now >= this.nextBacklogAt) {
      this.backlog[this.backlogTaken++] = this.inSystem;
      this.nextBacklogAt = this.warmup + this.backlogTaken * step;
    }
    if (this.backlogTaken > BACKLOG_SAMPLES) this.nextBacklogAt = Infinity;
  }

  private inSystemTo(now: number): void {
    this.inSystemArea += this.inSystem * (now - this.inSystemLast);
    this.inSystemLast = now;
  }

  /**
   * The failure window a request of operation `op` starting now belongs to, or −1; counted there
   * as sent (one that never finishes still counts: none of an operation's finishing is 0% success).
   */
  windowAt(op: number): number {
    const now = this.clock.now;
    for (let i = 0; i < this.windowSpan.length; i++) {
      const x = this.windowSpan[i]!;
      if (now >= x.from && now < x.to) {
        this.windows[i]!.sent[op]!++;
        return i;
      }
    }
    return -1;
  }

  /** A request enters the system now. */
  enter(): void {
    const now = this.clock.now;
    if (now >= this.warmup && now < this.end) this.arrivals++;
    this.inSystemTo(now);
    this.inSystem++;
  }

  /**
   * A request refused at the door (the system full: MAX_IN_SYSTEM): an error of its operation, if
   * it arrived in the measured window, and sent and failed in the failure window it arrived in, as
   * one failing inside the system would be (left out there, a fault that overloads the system would
   * look healthier the more requests it turned away). It has no latency: as in the measured window,
   * it is counted but kept out of the histograms (the window's p95 is of its successes: okHist).
   */
  refuse(op: number): void {
    const now = this.clock.now;
    if (now >= this.warmup && now < this.end) {
      this.count[op]!++;
      this.errors[op]!++;
    }
    const window = this.windowAt(op);
    if (window >= 0) this.windows[window]!.total[op]!++;
  }

  /** Request t (of operation t.op, started at t.start) leaves the system now. */
  leave(t: Token, ok: boolean): void {
    const now = this.clock.now;
    const { op, start, window } = t;
    const lat = now - start;
    this.inSystemTo(now);
    this.inSystem--;
    if (now >= this.warmup && now < this.end) this.done[op]!++;
    if (start >= this.warmup && start < this.end) {
      this.count[op]!++;
      if (!ok || lat > this.clientTimeout) this.errors[op]!++;
      this.sum[op]! += lat;
      if (lat > this.max[op]!) this.max[op] = lat;
      if (lat < this.min[op]!) this.min[op] = lat;
      this.hist[op * BUCKETS + bucketOf(lat)]!++;
    }
    if (window >= 0) this.inWindow(window, op, lat, ok && lat <= this.clientTimeout);
  }

  /** A request sent during a failure window (scenarios only: off the path of a plain run). */
  private inWindow(window: number, op: number, lat: number, ok: boolean): void {
    const win = this.windows[window]!;
    win.total[op]!++;
    win.hist[op * BUCKETS + bucketOf(lat)]!++;
    if (lat > win.max[op]!) win.max[op] = lat;
    // The fault table's p95 is of the requests that succeeded: a failed one's latency is how
    // fast it failed (a call refused 1.27 ms in gave a p95 to an operation at 0% success).
    if (!ok) return;
    win.ok[op]!++;
    win.okHist[op * BUCKETS + bucketOf(lat)]!++;
    if (lat > win.okMax[op]!) win.okMax[op] = lat;
  }

  start(now: number): void {
    this.before = this.stations.totals();
    this.inSystemTo(now);
    this.inSystemMeasured = this.inSystemArea;
    this.stations.visits.fill(0);
    this.stations.waited.fill(0);
    this.stations.work.fill(0);
    this.stations.served.fill(0);
  }

  stop(now: number): void {
    const S = this.stations.count;
    const z = () => new Float64Array(S);
    const a = this.before ?? { busy: z(), wait: z(), active: z(), visits: z(), waited: z(), work: z(), served: z() };
    const b = this.stations.totals();
    const sub = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]!);
    // Visit counts run from start() (which zeroes them); a window that never opened counted none.
    const counted = this.before ? b : a;
    this.station = { busy: sub(b.busy, a.busy), wait: sub(b.wait, a.wait), active: sub(b.active, a.active), visits: counted.visits, waited: counted.waited, work: counted.work, served: counted.served, maxActive: Int32Array.from(this.stations.maxActive) };
    this.inSystemTo(now);
    this.inSystemMeasured = this.inSystemArea - this.inSystemMeasured;
  }

  /** ∫ in-system dt over the measured window (valid after stop). */
  get inSystemIntegral(): number {
    return this.inSystemMeasured;
  }
}
