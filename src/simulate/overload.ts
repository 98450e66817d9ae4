// Overload, said the same way by both methods. The analytic method knows it from ρ ≥ 1 at a
// station; the DES from the offered load (the same ρ, from the compiled demands) or, when load
// varies (scenarios, profiles, faults), from a backlog that grows along the measured window.

/** The one wording of a saturated run (SimulationResult.warnings). */
export function saturatedWarning(station: string, utilization: number): string {
  return `unstable: ${station} is saturated (ρ=${utilization.toFixed(2)}); latencies are unbounded`;
}

/**
 * The analytic method's saturated run: an open rate at or past the mix's saturation rate, which is
 * where the first station reaches ρ = 1 or, on a shared host, its cores fill ("host"). The DES
 * says the same from the same offered load (simulate.ts). Until 2026-12-04 only a station at
 * ρ ≥ 1 was flagged, and a host-bound overload printed infinite latencies and no warning.
 * A closed workload's throughput stays below saturation: never flagged.
 */
export function analyticSaturated(rate: number | undefined, sat: { rate: number; station: string }): { station: string; utilization: number; by: 'offered load' } | undefined {
  return rate !== undefined && rate >= sat.rate ? { station: sat.station, utilization: rate / sat.rate, by: 'offered load' } : undefined;
}

export interface Backlog {
  /** least-squares growth of the requests in the system over the window */
  growth: number;
  /** the noise around that trend (standard deviation of the residuals) */
  noise: number;
  /** a backlog that grew beyond noise and beyond 2% of the window's arrivals */
  growing: boolean;
}

/** Least-squares growth across samples[from..n) and the residuals' standard deviation. */
function trend(samples: ArrayLike<number>, from: number): { growth: number; noise: number } {
  const n = samples.length - from;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += samples[from + i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (samples[from + i]! - my);
  }
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (samples[from + i]! - my - slope * (i - mx)) ** 2;
  return { growth: slope * (n - 1), noise: Math.sqrt(rss / Math.max(1, n - 2)) };
}

/**
 * Requests in the system sampled at evenly spaced times → is the backlog growing? In a stable
 * system the count fluctuates around its mean (no trend); past saturation it grows by (λ − μ)
 * per unit time. The trend is fitted over the whole window, its second half and its last
 * quarter (an overload that starts late, e.g. a spike, is a hockey stick a single line fits
 * badly). A segment counts when its growth exceeds 5σ of its residuals plus 20 requests and 2% of
 * the arrivals in it, and the backlog ends above twice the first half's mean plus 20: a stable
 * system at ρ 0.95 stays far from that, while a 20% overload over any window that sees a few
 * hundred arrivals is caught. The offered-load check covers steady overload exactly.
 */
export function backlogTrend(samples: ArrayLike<number>, arrivals: number): Backlog {
  const n = samples.length;
  if (n < 8) return { growth: 0, noise: 0, growing: false };
  let firstHalf = 0;
  for (let i = 0; i < n / 2; i++) firstHalf += samples[i]!;
  firstHalf /= Math.ceil(n / 2);
  const last = samples[n - 1]!;
  let best: Backlog = { growth: 0, noise: 0, growing: false };
  for (const from of [0, Math.floor(n / 2), Math.floor((3 * n) / 4)]) {
    const t = trend(samples, from);
    const share = (n - 1 - from) / (n - 1);
    const growing = t.growth > 5 * t.noise + 20 && t.growth > 0.02 * arrivals * share && last > 2 * firstHalf + 20;
    if (growing || (!best.growing && t.growth > best.growth)) best = { ...t, growing };
    if (growing) break;
  }
  return best;
}
