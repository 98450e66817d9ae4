// The DES kernel, SimPy-sized: the future-event list and nothing else (the clock, `now`, is the
// engine's: engine.ts advances it to each event it takes from here). An event is
// (time, kind, id, aux) kept in parallel typed arrays, so scheduling allocates nothing.
// Constant delays (network latency, broker latency) go to FIFO lanes instead of the heap:
// events scheduled "now + d" for a fixed d come out in the order they went in, so each lane is
// a ring buffer and the kernel takes whichever of heap top and lane heads is earliest.

export class EventHeap {
  t = new Float64Array(1024);
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
    if (n === 0) return;
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

/** A FIFO of events whose times never decrease. */
export class Lane {
  t = new Float64Array(1024);
  k = new Int32Array(1024);
  id = new Int32Array(1024);
  aux = new Int32Array(1024);
  head = 0;
  size = 0;

  push(time: number, kind: number, id: number, aux: number): void {
    let cap = this.t.length;
    if (this.size === cap) {
      const n = cap * 2;
      const t = new Float64Array(n);
      const k = new Int32Array(n);
      const d = new Int32Array(n);
      const a = new Int32Array(n);
      for (let i = 0; i < this.size; i++) {
        const j = (this.head + i) & (cap - 1);
        t[i] = this.t[j]!;
        k[i] = this.k[j]!;
        d[i] = this.id[j]!;
        a[i] = this.aux[j]!;
      }
      this.t = t;
      this.k = k;
      this.id = d;
      this.aux = a;
      this.head = 0;
      cap = n;
    }
    const j = (this.head + this.size++) & (cap - 1);
    this.t[j] = time;
    this.k[j] = kind;
    this.id[j] = id;
    this.aux[j] = aux;
  }

  pop(): void {
    this.head = (this.head + 1) & (this.t.length - 1);
    this.size--;
  }
}
