// Latency histograms: HDR, microsecond resolution, 3 significant digits, up to 10 minutes.
import hdr from 'hdr-histogram-js';
import type { Latency } from '../result.js';

export type Histogram = ReturnType<typeof hdr.build>;
const HIGHEST_US = 600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

/**
 * A histogram as text (HDR's compressed base64), so a window's driver process can hand its
 * requests' latencies to the process that pools its level's windows (poolLatency). Only archsim's
 * own driver processes write it, over their private IPC channel; it is never read from a file.
 */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/**
 * The latency of all the requests of several windows, as one histogram of them would give it: a
 * level's p95 is the 95th percentile of its requests, not the mean of its windows' p95s (a window
 * of a light operation holds a dozen requests, whose p95 is their maximum). Null for no request.
 */
export function poolLatency(encoded: readonly string[]): Latency | null {
  const pooled = newHistogram();
  for (const e of encoded) pooled.add(hdr.decodeFromCompressedBase64(e, 32, false));
  return summarize(pooled);
}

/** Record a duration given in milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

const ms = (us: number) => Math.round(us) / 1000;

/** The result's latency summary (ms), or null for an empty histogram. */
export function summarize(h: Histogram): Latency | null {
  if (h.totalCount === 0) return null;
  return {
    min: ms(h.minNonZeroValue),
    mean: Math.round(h.mean) / 1000,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}
