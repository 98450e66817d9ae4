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

/** The standard normal cdf Φ(z), by erfc's Chebyshev fit (Numerical Recipes; |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** μ and σ of the log of a lognormal with this mean and variance. */
function lognormalParams(mean: number, variance: number): { mu: number; sigma: number } {
  const s2 = Math.log(1 + variance / (mean * mean));
  return { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
}

/**
 * Quantile of a lognormal with this mean and variance: the Fenton–Wilkinson fit of a sum of
 * lognormal parts by its first two moments (exact for one part).
 */
export function lognormalQuantile(mean: number, variance: number, p: number): number {
  if (!(variance > 0) || !(mean > 0)) return mean;
  const { mu, sigma } = lognormalParams(mean, variance);
  return Math.exp(mu + sigma * normalQuantile(p));
}

/** Two-sided 95% Student t quantile for df degrees of freedom. */
export function t975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  return df < 1 ? NaN : df <= 30 ? table[df - 1]! : 1.96 + 2.4 / df;
}

/** ln Γ(x) (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = g[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(k, x) (series below k + 1, continued fraction above). */
export function gammaP(k: number, x: number): number {
  return gammaPWith(k, lnGamma(k), x);
}

/** gammaP with ln Γ(k) already known (a cdf evaluated many times at one k computes it once). */
function gammaPWith(k: number, lnGammaK: number, x: number): number {
  if (x <= 0) return 0;
  const lead = k * Math.log(x) - x - lnGammaK;
  if (x < k + 1) {
    let sum = 1 / k;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (k + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lead));
  }
  // Lentz's continued fraction for Q(k, x).
  let b = x + 1 - k;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - k);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lead) * h);
}

/** P(X ≤ x) for X gamma-distributed with this mean and variance (a point mass when variance is 0). */
export function gammaCdf(mean: number, variance: number, x: number): number {
  return new GammaCdf(mean, variance).at(x);
}

/** A distribution function the quantile searches evaluate: at(t) = P(X ≤ t). */
export interface Cdf {
  at(t: number): number;
}

/**
 * gammaCdf(mean, variance, ·) as an object, its shape, scale and ln Γ(shape) computed once: the
 * quantile searches evaluate one cdf a few dozen times. Same arithmetic, so the same bits. (An
 * object rather than a closure per cdf: the searches' call sites see one class, which V8 inlines.)
 */
export class GammaCdf implements Cdf {
  private readonly k: number;
  private readonly scale: number;
  private readonly lnGammaK: number;
  /** a point mass at the mean (variance or mean not positive) */
  private readonly point: boolean;
  constructor(
    private readonly mean: number,
    variance: number,
  ) {
    this.point = !(variance > 0) || !(mean > 0);
    this.k = this.point ? 0 : (mean * mean) / variance;
    this.scale = this.point ? 0 : variance / mean;
    this.lnGammaK = this.point ? 0 : lnGamma(this.k);
  }
  at(x: number): number {
    return this.point ? (x >= this.mean ? 1 : 0) : gammaPWith(this.k, this.lnGammaK, x / this.scale);
  }
}

/** lognormalQuantile's distribution as a cdf (a part of a two-part fit). */
export class LognormalCdf implements Cdf {
  private readonly mu: number;
  private readonly sigma: number;
  private readonly point: boolean;
  constructor(
    private readonly mean: number,
    variance: number,
  ) {
    this.point = !(variance > 0) || !(mean > 0);
    const { mu, sigma } = this.point ? { mu: 0, sigma: 0 } : lognormalParams(mean, variance);
    this.mu = mu;
    this.sigma = sigma;
  }
  at(x: number): number {
    if (this.point) return x >= this.mean ? 1 : 0;
    return x > 0 ? normalCdf((Math.log(x) - this.mu) / this.sigma) : 0;
  }
}

/**
 * Smallest t with cdf(t) ≥ p (cdf non-decreasing; hi grows until it holds), to a relative 1e-10:
 * far below any figure archsim prints. Regula falsi with the Illinois correction (the end that
 * stays put has its residual halved, so both ends close in) converges superlinearly on these
 * smooth cdfs; once a step lands within a hair of p, one more evaluation just across it closes
 * the bracket. About a third of a bisection's evaluations (the analytic solve spends most of its
 * time here). A step that fails to halve the bracket is followed by a bisection, so a cdf with
 * jumps (a point mass) still closes in at least half as fast as bisection.
 */
export function quantileOf(cdf: (t: number) => number, p: number, scale: number): number {
  return quantileSearch({ at: cdf }, p, scale);
}

/**
 * quantileOf on a Cdf object. Searches of one cdf at several p with one scale start by evaluating
 * it at the same points (scale, 2 × scale, 4 × scale, …): `brackets`, shared by those searches
 * (and only by searches of the same cdf and scale), keeps its values there, in order. The cdf is
 * a pure function, so a kept value is the one it would compute: the same figures, bit for bit.
 */
export function quantileSearch(cdf: Cdf, p: number, scale: number, brackets?: number[]): number {
  const TOL = 1e-10;
  let lo = 0;
  let flo = -p; // cdf(0) − p as far as the search needs: lo is never returned
  let hi = Math.max(scale, 1e-9);
  let fhi = bracketAt(cdf, brackets, 0, hi) - p;
  for (let i = 0; i < 200 && fhi < 0; i++) {
    lo = hi;
    flo = fhi;
    hi *= 2;
    fhi = bracketAt(cdf, brackets, i + 1, hi) - p;
  }
  let kept = 0; // the end the last step kept: −1 lo, 1 hi
  let bisect = false;
  for (let i = 0; i < 200 && hi - lo > TOL * hi; i++) {
    const width = hi - lo;
    let m = bisect || !(fhi > flo) ? (lo + hi) / 2 : (flo * hi - fhi * lo) / (flo - fhi);
    if (!(m > lo && m < hi)) m = (lo + hi) / 2;
    const fm = cdf.at(m) - p;
    const d = 0.5 * TOL * m;
    if (fm >= 0) {
      hi = m;
      fhi = fm;
      if (kept === -1) flo /= 2;
      kept = -1;
      // Close: is the root within d below?
      if (fm < 1e-6 && hi - d > lo) {
        const fd = cdf.at(hi - d) - p;
        if (fd < 0) return hi;
        hi -= d;
        fhi = fd;
      }
    } else {
      lo = m;
      flo = fm;
      if (kept === 1) fhi /= 2;
      kept = 1;
      if (fm > -1e-6 && lo + d < hi) {
        const fd = cdf.at(lo + d) - p;
        if (fd >= 0) return lo + d;
        lo += d;
        flo = fd;
      }
    }
    bisect = hi - lo > 0.5 * width;
  }
  return hi;
}

/** The cdf at the i-th bracketing point t of a search (see quantileSearch), kept in `brackets`. */
function bracketAt(cdf: Cdf, brackets: number[] | undefined, i: number, t: number): number {
  if (!brackets) return cdf.at(t);
  if (i < brackets.length) return brackets[i]!;
  const v = cdf.at(t);
  if (i === brackets.length) brackets.push(v);
  return v;
}

/**
 * M/D/1 waiting time, exactly (Erlang 1909; Crommelin 1932): with ρ = λD,
 * P(W ≤ t) = (1 − ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD − t))^k / k! · e^{−λ(kD − t)}.
 * The alternating sum loses precision when λt is large (hundreds); the caller keeps t to the
 * percentiles of a stable queue, where it is well within double precision up to ρ ≈ 0.95.
 */
export function md1WaitCdf(lambda: number, D: number, t: number): number {
  const rho = lambda * D;
  if (rho >= 1) return 0;
  if (t < 0) return 0;
  const m = Math.floor(t / D);
  let sum = 0;
  for (let k = 0; k <= m; k++) {
    const u = lambda * (k * D - t); // ≤ 0
    // u^k / k! · e^{−u}, in logs for the magnitude, with the sign of u^k
    const mag = k === 0 ? -u : k * Math.log(-u) - lnGamma(k + 1) - u;
    sum += (k % 2 === 0 || u === 0 ? 1 : -1) * (k > 0 && u === 0 ? 0 : Math.exp(mag));
  }
  return Math.min(1, Math.max(0, (1 - rho) * sum));
}

/**
 * M/M/1 processor sharing: variance of the response time, from the conditional variance given
 * the job's size x (Coffman, Muntz & Trotter 1970):
 * Var(T | x) = 2ρx/(μ(1−ρ)³) − 2ρ(1 − e^{−μ(1−ρ)x})/(μ²(1−ρ)⁴); over exponential sizes
 * Var(T) = (2 + ρ) / ((2 − ρ) μ² (1 − ρ)²), so E[T²] = 4 / ((2 − ρ) μ² (1 − ρ)²).
 */
export function mm1PsVariance(rho: number, s: number): number {
  if (rho >= 1) return Infinity;
  return ((2 + rho) / (2 - rho)) * (s / (1 - rho)) ** 2;
}
