// Control events: the measured window's edges, scenario faults (a station down or slow for a
// while) and the autoscaler (every period: replicas for the target utilization, new ones ready
// after the scale-up delay and cold start; one fewer at a time when over-provisioned).
import type { Compiled } from '../compile.js';
import { CTL_AUTOSCALE, CTL_FAULT_END, CTL_FAULT_START, CTL_MEASURE_END, CTL_MEASURE_START, CTL_SCALE_UP, EV_CONTROL } from './names.js';
import type { Measure } from './measure.js';
import type { Stations } from './stations.js';
import type { DesFault } from './types.js';

export interface ControlHost {
  readonly now: number;
  at(time: number, kind: number, id: number, aux: number): void;
}

export class Control {
  private lastBusy: Float64Array | null = null;
  private lastActive: Float64Array | null = null;
  /** scale-up orders in flight: station, replicas (CTL_SCALE_UP's aux is the order's index) */
  private readonly orders: number[] = [];
  /** replicas ordered and not yet ready, per station */
  private readonly pending: Int32Array;

  constructor(
    private readonly c: Compiled,
    private readonly sim: ControlHost,
    private readonly stations: Stations,
    private readonly measure: Measure,
    private readonly faults: DesFault[],
    private readonly period: number,
  ) {
    this.pending = new Int32Array(stations.count);
  }

  /** Schedule the window's edges, the faults and the first autoscaler tick. */
  start(): void {
    this.sim.at(this.measure.warmup, EV_CONTROL, CTL_MEASURE_START, 0);
    this.sim.at(this.measure.end, EV_CONTROL, CTL_MEASURE_END, 0);
  }

  /** After the workload's first events (their order in the heap is part of determinism). */
  startFaultsAndScaling(): void {
    this.faults.forEach((f, i) => {
      this.sim.at(f.from, EV_CONTROL, CTL_FAULT_START, i);
      this.sim.at(f.to, EV_CONTROL, CTL_FAULT_END, i);
    });
    if (this.c.stations.some((s) => s.autoscale)) this.sim.at(this.period, EV_CONTROL, CTL_AUTOSCALE, 0);
  }

  /** EV_CONTROL. */
  handle(kind: number, arg: number): void {
    const st = this.stations;
    switch (kind) {
      case CTL_MEASURE_START:
        this.measure.start(this.sim.now);
        return;
      case CTL_MEASURE_END:
        this.measure.stop(this.sim.now);
        return;
      case CTL_FAULT_START: {
        const f = this.faults[arg]!;
        if (f.down) {
          st.down[f.station] = 1;
          // A crash drops the requests queued at it; those in service finish (or time out).
          st.crash(f.station);
        } else st.slow[f.station] = f.factor;
        return;
      }
      case CTL_FAULT_END: {
        const f = this.faults[arg]!;
        if (f.down) st.down[f.station] = 0;
        else st.slow[f.station] = 1;
        return;
      }
      case CTL_AUTOSCALE:
        this.autoscale();
        if (this.sim.now < this.measure.end) this.sim.at(this.sim.now + this.period, EV_CONTROL, CTL_AUTOSCALE, 0);
        return;
      case CTL_SCALE_UP: {
        const s = this.orders[2 * arg]!;
        const k = this.orders[2 * arg + 1]!;
        st.touchActive(s);
        this.pending[s]! -= k;
        st.active[s] = Math.min(st.allocated[s]!, st.active[s]! + k);
        if (st.active[s]! > st.maxActive[s]!) st.maxActive[s] = st.active[s]!;
        return;
      }
    }
  }

  private autoscale(): void {
    const st = this.stations;
    const t = st.totals();
    const prevB = this.lastBusy ?? new Float64Array(st.count);
    const prevA = this.lastActive ?? new Float64Array(st.count);
    this.lastBusy = t.busy;
    this.lastActive = t.active;
    this.c.stations.forEach((def, s) => {
      const a = def.autoscale;
      if (!a) return;
      const capacity = (t.active[s]! - prevA[s]!) * st.servers[s]!;
      if (capacity <= 0) return;
      const util = (t.busy[s]! - prevB[s]!) / capacity;
      const active = st.active[s]!;
      const desired = Math.min(a.max, Math.max(a.min, 1, Math.ceil((active * util) / a.targetUtilization - 1e-9)));
      if (desired > active + this.pending[s]!) {
        const k = desired - active - this.pending[s]!;
        this.pending[s]! += k;
        this.sim.at(this.sim.now + a.scaleUpDelay + a.coldStart, EV_CONTROL, CTL_SCALE_UP, this.orders.length / 2);
        this.orders.push(s, k);
      } else if (desired < active && this.pending[s] === 0) {
        st.touchActive(s);
        st.active[s] = active - 1;
      }
    });
  }
}
