// Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// Small, fast on 32-bit integer maths, and the same sequence on every machine.
//
// The four state words live in an Int32Array: as object fields, values past 2^31 would not be
// small integers and every draw would write boxed numbers (the generator runs ~10 times per request).

export class Rng {
  /** xoshiro128 state a, b, c, d (the bits are what matter: ^, <<, imul read them as int32) */
  private readonly s = new Int32Array(4);
  private spare = NaN;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.s;
    for (let i = 0; i < 4; i++) st[i] = next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return (this.bits() >>> 0) / 4294967296;
  }

  /** The next 32 random bits, as an int32 (optimized code keeps it a machine word, never a boxed double). */
  bits(): number {
    const st = this.s;
    const a = st[0]!;
    const b = st[1]!;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const c = st[2]! ^ a;
    const d = st[3]! ^ b;
    st[0] = a ^ d;
    st[1] = b ^ c;
    st[2] = c ^ (b << 9);
    st[3] = rotl(d, 11);
    return r;
  }

  /** Exponential with this mean. */
  exp(mean: number): number {
    return mean * this.exp1();
  }

  /**
   * Standard exponential (mean 1) by Marsaglia and Tsang's ziggurat (J. Stat. Softw. 5(8), 2000,
   * REXP): one 32-bit draw, its low 8 bits pick one of 256 equal-area layers and its high 24 bits
   * a point in that layer, accepted at once 98.9% of the time; only the layers' wedges and the
   * tail past R need exp() or log(). The same distribution as −log(1 − U), exactly (to 2^−24 of a
   * layer's width), at a fraction of its cost: most of the DES's draws are exponential.
   */
  exp1(): number {
    const r = this.bits();
    const i = r & 255;
    const j = r >>> 8;
    if (j < ZIG_K[i]!) return j * ZIG_W[i]!;
    // The slow path's value comes back through a typed array, not as its return: where exp1 is
    // inlined, a call's return would make the result an untyped (tagged) value on both paths, and
    // the fast path's double would be boxed on the heap at every draw.
    this.exp1Slow(i, j);
    return this.slow[0]!;
  }

  /** The value of the last exp1Slow(). */
  private readonly slow = new Float64Array(1);

  /** A draw that fell outside layer i's rectangle (the tail, layer 0, or the wedge test): its value into slow[0]. */
  private exp1Slow(i: number, j: number): void {
    for (;;) {
      if (i === 0) {
        this.slow[0] = ZIG_R - Math.log(1 - this.next());
        return;
      }
      const x = j * ZIG_W[i]!;
      if (ZIG_F[i]! + this.next() * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-x)) {
        this.slow[0] = x;
        return;
      }
      const r = this.bits();
      i = r & 255;
      j = r >>> 8;
      if (j < ZIG_K[i]!) {
        this.slow[0] = j * ZIG_W[i]!;
        return;
      }
    }
  }

  /** Standard normal (Marsaglia's polar method, the second value kept for the next call). */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Gamma(shape k, scale 1) by Marsaglia and Tsang. */
  gamma(k: number): number {
    if (k < 1) return this.gamma(k + 1) * Math.pow(1 - this.next(), 1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}

// The exponential ziggurat's tables (Marsaglia and Tsang 2000, 256 layers, R = 7.697…, layer
// area V = 3.9496…e−3), for the 24-bit point within a layer: a draw j of layer i is accepted
// when j < ZIG_K[i] and is then j · ZIG_W[i]; ZIG_F[i] is exp(−x_i) at the layer's edge.
const ZIG_R = 7.69711747013104972;
const ZIG_K = new Int32Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
{
  const m = 16777216; // 2^24
  const v = 3.949659822581572e-3;
  let de = ZIG_R;
  let te = de;
  const q = v / Math.exp(-de);
  ZIG_K[0] = Math.floor((de / q) * m);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m;
  ZIG_W[255] = de / m;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(v / de + Math.exp(-de));
    ZIG_K[i + 1] = Math.floor((de / te) * m);
    te = de;
    ZIG_F[i] = Math.exp(-de);
    ZIG_W[i] = de / m;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
