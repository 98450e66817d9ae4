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
    const st = this.s;
    const a = st[0]!;
    const b = st[1]!;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const c = st[2]! ^ a;
    const d = st[3]! ^ b;
    st[0] = a ^ d;
    st[1] = b ^ c;
    st[2] = c ^ (b << 9);
    st[3] = rotl(d, 11);
    return r / 4294967296;
  }

  /** Exponential with this mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
