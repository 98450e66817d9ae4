// Whether a run's first measured window came before the system had settled, so that it is
// dropped and one more window measured: the warm-up was too short for this run. Pure.
//
// A closed run (the capacity) says it by its throughput: the first window below WARMING_RATIO of
// the later windows' median was still warming up (JIT, connection pools, caches). On four sets of
// validate-model runs of 2026-12-04 (5 s warm-up, 16 connections, three 2 s windows) the first
// capacity window was the lowest in 17 of 20 runs, up to 38% below the others' median (the
// monolith 183/s against 295 and 299; microservices 55/s against 67 and 79, still rising), and
// the load levels are placed as fractions of that capacity.
//
// An open run's throughput is its arrival rate whatever the system's state, so it says it by its
// latency: a first window whose p50 is over SETTLING_FACTOR times the later windows' median
// caught a transient that then cleared (a backlog after the load changed, a burst of the
// database's maintenance). On five sets of those runs (75 load levels) the first window's p50 was
// 0.86–1.09 times the others' median in half of them and 2.6–34 times in 7 (microservices at 75%:
// 177.5 ms, then 9.9 and 11.8), where it set the level's mean p50 by itself. A level that is truly
// saturated gets slower window after window, so its first window is never the one dropped.
import { median } from 'simple-statistics';

/** What a window says of its settling. */
export type Settling = { throughput: number; p50: number };

/** A closed run's first window below this share of the later windows' median throughput was still warming up. */
export const WARMING_RATIO = 0.9;
/** An open run's first window with a p50 over this multiple of the later windows' median had not settled. */
export const SETTLING_FACTOR = 2.5;
/** At most this many windows are dropped; past it the run is what it is. */
export const MAX_UNSETTLED_WINDOWS = 2;

/** Whether the windows, in order, open with one that had not settled (see the top of this file). */
export function firstUnsettled(closed: boolean, windows: readonly Settling[]): boolean {
  if (windows.length < 2) return false;
  const rest = windows.slice(1);
  if (closed) return windows[0]!.throughput < WARMING_RATIO * median(rest.map((w) => w.throughput));
  const m = median(rest.map((w) => w.p50));
  return m > 0 && windows[0]!.p50 > SETTLING_FACTOR * m;
}

/**
 * `n` windows measured in turn by `measure(i)`; while the first had not settled (firstUnsettled
 * over `settling` of each), it is dropped and one more measured, at most MAX_UNSETTLED_WINDOWS
 * times. The windows kept and what the dropped ones showed, in order.
 */
export async function windowsOnceSettled<T>(n: number, closed: boolean, settling: (w: T) => Settling, measure: (i: number) => Promise<T>, onDrop?: (s: Settling) => void): Promise<{ windows: T[]; dropped: Settling[] }> {
  const windows: T[] = [];
  const dropped: Settling[] = [];
  for (let i = 0; i < n + dropped.length; i++) {
    windows.push(await measure(i));
    if (windows.length === n && dropped.length < MAX_UNSETTLED_WINDOWS && firstUnsettled(closed, windows.map(settling))) {
      dropped.push(settling(windows.shift()!));
      onDrop?.(dropped[dropped.length - 1]!);
    }
  }
  return { windows, dropped };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** What a dropped window showed, in a few words: its throughput for a closed run, its p50 for an open one. */
export const settlingWords = (closed: boolean, d: Settling): string => (closed ? `${round1(d.throughput)}/s` : `p50 ${round1(d.p50)} ms`);

/** The note a run's result carries when windows were dropped: what they showed, and the warm-up in all (s). */
export function unsettledNote(closed: boolean, dropped: readonly Settling[], warmup: number): string {
  const which = dropped.length === 1 ? 'the first window' : `the first ${dropped.length} windows`;
  const verb = dropped.length === 1 ? 'it was' : 'they were';
  return closed
    ? `${which} (${dropped.map((d) => settlingWords(true, d)).join(', ')}) ran below ${Math.round(WARMING_RATIO * 100)}% of the later windows' median throughput: the system was still warming up (JIT, connection pools, caches), so ${verb} driven and not measured, the warm-up ${warmup} s in all`
    : `${which} (p50 ${dropped.map((d) => `${round1(d.p50)} ms`).join(', ')}) ran over ${SETTLING_FACTOR}× the later windows' median p50: the system had not settled at this rate (a transient that then cleared), so ${verb} driven and not measured, the warm-up ${warmup} s in all`;
}
