// Control events: the measured window's edges, scenario faults (a station down or slow for a
// while) and the autoscaler (every period: replicas for the target of the unit's metric, like the
// generated HPA's ceil(current × metric / target); new ones ready after the scale-up delay and cold
// start; one fewer at a time when over-provisioned).
import type { Compiled } from '../compile.js';
import type { Autoscale } from '../../model/schema.js';
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
  private lastWait: Float64Array | null = null;
  /** arrivals (OP_ARRIVE) counted at the last tick */
  private lastArrivals: Float64Array | null = null;
  /** when the last period ended, ms */
  private lastTick = 0;
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
    const zero = () => new Float64Array(st.count);
    const prev = { busy: this.lastBusy ?? zero(), active: this.lastActive ?? zero(), wait: this.lastWait ?? zero(), arrivals: this.lastArrivals ?? zero() };
    this.lastBusy = t.busy;
    this.lastActive = t.active;
    this.lastWait = t.wait;
    this.lastArrivals = Float64Array.from(st.arrivals);
    const span = this.sim.now - this.lastTick;
    this.lastTick = this.sim.now;
    this.c.stations.forEach((def, s) => {
      const a = def.autoscale;
      if (!a) return;
      // replica-ms the station had over the period
      const replicaMs = t.active[s]! - prev.active[s]!;
      if (replicaMs <= 0) return;
      const active = st.active[s]!;
      // CPU is a share of the replica-time the period had; requests and connections are the
      // unit's, shared by the replicas it has now (the HPA's average over the current pods: a
      // replica that came up during the period does not make the rest look busier).
      const sharedMs = span * active;
      const m = metricOf(a, {
        cpu: (t.busy[s]! - prev.busy[s]!) / (replicaMs * st.servers[s]!),
        requests: ((st.arrivals[s]! - prev.arrivals[s]!) * 1000) / sharedMs,
        connections: (t.busy[s]! - prev.busy[s]! + t.wait[s]! - prev.wait[s]!) / sharedMs,
      });
      const desired = Math.min(a.max, Math.max(a.min, 1, Math.ceil((active * m.value) / m.target - 1e-9)));
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

/**
 * The metric an autoscaler reads, per replica over the last period, and its target, as the
 * generated HPA has them (generate/k8s.ts hpa; the HPA asks for ceil(replicas × metric / target)):
 *  - cpu: the share of the servers busy, against targetUtilization;
 *  - requests (the HPA's http_requests_per_second): arrivals per second against `target`, each
 *    request or call that enters the unit once (OP_ARRIVE), however many visits its work there
 *    takes (around remote calls, in-process calls, queries of in-process state, pool work);
 *  - connections (the HPA's websocket_connections, a gauge of what a replica holds): the requests in
 *    the unit, queued and in service, on average over the period, against `target`.
 * Without a `target` another metric falls back to CPU, as the analytic method's warning says.
 */
function metricOf(a: Autoscale, perReplica: Record<Autoscale['metric'], number>): { value: number; target: number } {
  if (a.metric !== 'cpu' && a.target !== undefined) return { value: perReplica[a.metric], target: a.target };
  return { value: perReplica.cpu, target: a.targetUtilization };
}
