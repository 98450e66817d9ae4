// Closed forms of queueing theory the analytic solver and the tests share.

/** Erlang C: probability an arrival waits in an M/M/c queue with offered load a = λ/μ (erlangs). */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** M/M/c: mean waiting time in queue (excluding service), for arrival rate λ and mean service s. */
export function mmcWait(c: number, lambda: number, s: number): number {
  const a = lambda * s;
  if (a >= c) return Infinity;
  return (erlangC(c, a) * s) / (c - a);
}

/** M/M/c mean response time. */
export function mmcResponse(c: number, lambda: number, s: number): number {
  return s + mmcWait(c, lambda, s);
}

/** M/G/1 (Pollaczek–Khinchine) mean response time for service mean s and coefficient of variation cv. */
export function mg1Response(lambda: number, s: number, cv: number): number {
  const rho = lambda * s;
  if (rho >= 1) return Infinity;
  return s + (rho * s * (1 + cv * cv)) / (2 * (1 - rho));
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Quantile of a gamma distribution with this mean and variance (Wilson–Hilferty). */
export function gammaQuantile(mean: number, variance: number, p: number): number {
  if (!(variance > 0) || !(mean > 0)) return mean;
  const k = (mean * mean) / variance;
  const theta = variance / mean;
  const z = normalQuantile(p);
  const h = 1 - 1 / (9 * k) + z * Math.sqrt(1 / (9 * k));
  return Math.max(0, k * theta * h * h * h);
}

/** Two-sided 95% Student t quantile for df degrees of freedom. */
export function t975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  return df < 1 ? NaN : df <= 30 ? table[df - 1]! : 1.96 + 2.4 / df;
}
