// Overload, said the same way by both methods. The analytic method knows it from ρ ≥ 1 at a
// station; the DES from the offered load (the same ρ, from the compiled demands) or, when load
// varies (scenarios, profiles, faults), from a backlog that grows along the measured window.

/** The one wording of a saturated run (SimulationResult.warnings). */
export function saturatedWarning(station: string, utilization: number): string {
  return `unstable: ${station} is saturated (ρ=${utilization.toFixed(2)}); latencies are unbounded`;
}

export interface Backlog {
  /** least-squares growth of the requests in the system over the window */
  growth: number;
  /** the noise around that trend (standard deviation of the residuals) */
  noise: number;
  /** a backlog that grew beyond noise and beyond 2% of the window's arrivals */
  growing: boolean;
}

/**
 * Requests in the system sampled at evenly spaced times → is the backlog growing? In a stable
 * system the count fluctuates around its mean (no trend); past saturation it grows by (λ − μ)
 * per unit time. The thresholds (5σ of the residuals plus 20 requests, and 2% of arrivals) keep
 * a stable system at ρ 0.95 far from a false alarm while a 20% overload over any window that
 * sees a few hundred arrivals is caught; the offered-load check covers steady overload exactly.
 */
export function backlogTrend(samples: ArrayLike<number>, arrivals: number): Backlog {
  const n = samples.length;
  if (n < 3) return { growth: 0, noise: 0, growing: false };
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += samples[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (samples[i]! - my);
  }
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (samples[i]! - my - slope * (i - mx)) ** 2;
  const noise = Math.sqrt(rss / (n - 2));
  const growth = slope * (n - 1);
  return { growth, noise, growing: growth > 5 * noise + 20 && growth > 0.02 * arrivals };
}
