// The DES kernel, SimPy-sized: the future-event list and nothing else (the clock, `now`, is the
// engine's: engine.ts advances it to each event it takes from here). An event is
// (time, kind, id, aux) kept in parallel typed arrays, so scheduling allocates nothing.
// Constant delays (network latency, broker latency) go to FIFO lanes instead of the heap:
// events scheduled "now + d" for a fixed d come out in the order they went in, so each lane is
// a ring buffer and the loop takes whichever of heap top and lane heads is earliest (the heap
// on a tie, then the lowest lane).

export class EventHeap {
  /**
   * Event times; t[0] is Infinity while the heap is empty, so the loop reads the next time from
   * here alone (a branch to an Infinity constant it had never taken made that time an untyped
   * value, and the loop boxed it on the heap at every event).
   */
  t = new Float64Array(1024).fill(Infinity, 0, 1);
  k = new Int32Array(1024);
  id = new Int32Array(1024);
  aux = new Int32Array(1024);
  size = 0;

  private grow(): void {
    const n = this.t.length * 2;
    const t = new Float64Array(n);
    t.set(this.t);
    const k = new Int32Array(n);
    k.set(this.k);
    const id = new Int32Array(n);
    id.set(this.id);
    const aux = new Int32Array(n);
    aux.set(this.aux);
    this.t = t;
    this.k = k;
    this.id = id;
    this.aux = aux;
  }

  push(time: number, kind: number, id: number, aux: number): void {
    if (this.size === this.t.length) this.grow();
    const T = this.t;
    const K = this.k;
    const I = this.id;
    const A = this.aux;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (T[p]! <= time) break;
      T[i] = T[p]!;
      K[i] = K[p]!;
      I[i] = I[p]!;
      A[i] = A[p]!;
      i = p;
    }
    T[i] = time;
    K[i] = kind;
    I[i] = id;
    A[i] = aux;
  }

  /** Remove the top; the caller has read t[0], k[0], id[0], aux[0] first. */
  pop(): void {
    const n = --this.size;
    if (n === 0) {
      this.t[0] = Infinity;
      return;
    }
    const T = this.t;
    const K = this.k;
    const I = this.id;
    const A = this.aux;
    const time = T[n]!;
    const kind = K[n]!;
    const id = I[n]!;
    const aux = A[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && T[c + 1]! < T[c]!) c++;
      if (T[c]! >= time) break;
      T[i] = T[c]!;
      K[i] = K[c]!;
      I[i] = I[c]!;
      A[i] = A[c]!;
      i = c;
    }
    T[i] = time;
    K[i] = kind;
    I[i] = id;
    A[i] = aux;
  }
}

/** What the lanes read the time from (the engine). */
export interface Clock {
  readonly now: number;
}

/**
 * The constant-delay lanes. A lane holds the tokens that resume "now + d" for its one d, so its
 * times never decrease and it is a FIFO ring of (time, token). The loop compares the heap's top
 * with `head`, each lane's earliest time (Infinity when empty), kept in one array so that choosing
 * the next event reads a few numbers rather than every lane's ring.
 *
 * A push names the delay's distribution rather than passing the time: the lanes read the clock
 * and the delay themselves, because a double passed to a call V8 does not inline is boxed on the
 * heap, and this call runs about six times per request of a microservices layout.
 */
export class Lanes {
  readonly head: Float64Array;
  private readonly t: Float64Array[] = [];
  private readonly tok: Int32Array[] = [];
  /** ring offset of each lane's head, and its length */
  private readonly first: Int32Array;
  readonly size: Int32Array;

  constructor(
    readonly count: number,
    private readonly clock: Clock,
    /** per distribution: its mean and its added constant (a constant delay is their sum) */
    private readonly mean: Float64Array,
    private readonly add: Float64Array,
  ) {
    this.head = new Float64Array(count).fill(Infinity);
    this.first = new Int32Array(count);
    this.size = new Int32Array(count);
    for (let l = 0; l < count; l++) {
      this.t.push(new Float64Array(1024));
      this.tok.push(new Int32Array(1024));
    }
  }

  /** Token `token` resumes after distribution d's constant delay, in lane l (d's lane). */
  push(l: number, d: number, token: number): void {
    const time = this.clock.now + this.mean[d]! + this.add[d]!;
    const n = this.size[l]!;
    if (n === 0) this.head[l] = time;
    if (n === this.t[l]!.length) this.grow(l);
    const T = this.t[l]!;
    T[(this.first[l]! + n) & (T.length - 1)] = time;
    this.tok[l]![(this.first[l]! + n) & (T.length - 1)] = token;
    this.size[l] = n + 1;
  }

  /** Take lane l's head; returns its token. */
  pop(l: number): number {
    const T = this.t[l]!;
    const f = this.first[l]!;
    const token = this.tok[l]![f]!;
    const g = (f + 1) & (T.length - 1);
    this.first[l] = g;
    const n = --this.size[l]!;
    this.head[l] = n > 0 ? T[g]! : Infinity;
    return token;
  }

  private grow(l: number): void {
    const T = this.t[l]!;
    const K = this.tok[l]!;
    const cap = T.length;
    const t = new Float64Array(cap * 2);
    const k = new Int32Array(cap * 2);
    for (let i = 0; i < cap; i++) {
      const j = (this.first[l]! + i) & (cap - 1);
      t[i] = T[j]!;
      k[i] = K[j]!;
    }
    this.t[l] = t;
    this.tok[l] = k;
    this.first[l] = 0;
  }
}
