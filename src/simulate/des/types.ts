// What the DES takes and gives back (simulate.ts turns DesRaw into a SimulationResult).
import type { ColdVisit } from '../cold-visit.js';
import type { Profile } from '../../model/schema.js';
import type { Balance } from '../types.js';

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
  /** see HostModel.idleSlowdown */
  hostIdleSlowdown?: number;
  /** see HostModel.poolWeight (default 0: strict priority) */
  hostPoolWeight?: number;
  /** see HostModel.sharing (default thread) */
  hostSharing?: 'thread' | 'process';
  /** see HostModel.slice (ms; with hostSharing 'process') */
  hostSlice?: number;
  /** see HostModel.coldVisit */
  coldVisit?: ColdVisit;
  /** see HostModel.coldVisitDb */
  coldVisitDb?: ColdVisit;
  scenario?: DesScenario;
  /** autoscaler period, ms */
  autoscalePeriod?: number;
  /** refuse arrivals while this many requests are in the system (default MAX_IN_SYSTEM; tests set it low to reach the refusal in a short run) */
  maxInSystem?: number;
  /** called every ~1% of simulated time (progress) */
  onProgress?: (fraction: number) => void;
}

export interface DesRaw {
  opIds: string[];
  count: Float64Array;
  errors: Float64Array;
  /** requests completed inside the measured window (throughput), whenever they started */
  done: Float64Array;
  sum: Float64Array;
  max: Float64Array;
  /** smallest latency per operation (Infinity with none) */
  min: Float64Array;
  hist: Uint32Array;
  /**
   * per failure window and operation: requests sent in it (`sent`), of those the ones that finished
   * (`total`) and succeeded (`ok`); the latencies of every one that finished (`hist`, `max`) and of
   * those that succeeded (`okHist`, `okMax`: the fault table's p95)
   */
  windows: { label: string; sent: Float64Array; ok: Float64Array; total: Float64Array; hist: Uint32Array; max: Float64Array; okHist: Uint32Array; okMax: Float64Array }[];
  station: { busy: Float64Array; wait: Float64Array; active: Float64Array; visits: Float64Array; waited: Float64Array; work: Float64Array; served: Float64Array; maxActive: Int32Array };
  measured: number;
  arrivals: number;
  inSystemArea: number;
  events: number;
  requests: number;
  unfinished: number;
  /** requests in the system at evenly spaced times across the measured window (measure.ts) */
  backlog: Float64Array;
  /** requests refused because the system already held MAX_IN_SYSTEM (or DesOptions.maxInSystem) */
  rejected: number;
}

/** A backlog this large means the run is far past saturation; refusing keeps memory bounded. */
export const MAX_IN_SYSTEM = 1_000_000;
