// The DES kernel, SimPy-sized: the future-event list and nothing else (the clock, `now`, is the
// engine's: engine.ts advances it to each event it takes from here). An event is
// (time, kind, id, aux) kept in parallel typed arrays, so scheduling allocates nothing.
// Constant delays (network latency, broker latency) go to FIFO lanes instead of the heap:
// events scheduled "now + d" for a fixed d come out in the order they went in, so each lane is
// a ring buffer and the loop takes whichever of heap top and lane heads is earliest (the heap
// on a tie, then the lowest lane).

export class EventHeap {
  // The binary heap proper: times, kinds, ids, auxes in parallel arrays. t[0] is Infinity while
  // it is empty.
  private t = new Float64Array(1024).fill(Infinity, 0, 1);
  private k = new Int32Array(1024);
  private ids = new Int32Array(1024);
  private auxes = new Int32Array(1024);
  /** events in the binary heap */
  private n = 0;
  /**
   * The event held back from the heap (see push), earlier than every event in it: its time is
   * next[0] and its fields these.
   */
  private holding = false;
  private heldKind = 0;
  private heldId = 0;
  private heldAux = 0;
  /**
   * The earliest event's time, Infinity when there is none. The loop reads it from here alone (a
   * branch to an Infinity constant it had never taken made that time an untyped value, and the
   * loop boxed it on the heap at every event).
   */
  readonly next = new Float64Array(1).fill(Infinity);
  /** The event take() removed. */
  kind = 0;
  id = 0;
  aux = 0;

  /** events waiting */
  get size(): number {
    return this.holding ? this.n + 1 : this.n;
  }

  /**
   * Schedule an event. Most events a handler schedules are earlier than any other (a service
   * completion a fraction of a millisecond away, while the next arrival is milliseconds away), so
   * the loop takes them next: such an event is held beside the heap rather than sifted to its
   * root and straight back out. Holding must not change the order of events with equal times,
   * which a binary heap decides by its shape: an event is held only when pushing it and popping
   * it would have left the heap exactly as it was (undisturbed()), and a held event goes into the
   * heap before any later push, as it would have been there first.
   */
  push(time: number, kind: number, id: number, aux: number): void {
    if (this.holding) {
      this.holding = false;
      this.insert(this.next[0]!, this.heldKind, this.heldId, this.heldAux);
    }
    if (time < this.t[0]! && this.undisturbed()) {
      this.holding = true;
      this.next[0] = time;
      this.heldKind = kind;
      this.heldId = id;
      this.heldAux = aux;
    } else {
      this.insert(time, kind, id, aux);
      this.next[0] = this.t[0]!;
    }
  }

  /** Remove the earliest event into kind, id and aux (its time is next[0]). */
  take(): void {
    if (this.holding) {
      this.holding = false;
      this.kind = this.heldKind;
      this.id = this.heldId;
      this.aux = this.heldAux;
    } else {
      this.kind = this.k[0]!;
      this.id = this.ids[0]!;
      this.aux = this.auxes[0]!;
      this.pop();
    }
    this.next[0] = this.t[0]!;
  }

  /**
   * Whether pushing an event earlier than all (it sifts up from slot n to the root, moving the
   * events on that path down one level) and popping it again (the last event, the one from slot
   * n's parent q, sifts down from the root) puts every event back where it was. The sift-down
   * retraces the path unless a comparison on it meets equal times: an ancestor of q as early as
   * q's event (the sift stops above q), or, where the path goes to a right child, its parent's
   * event as early as the left child's (the sift goes left). Without equal times it always does.
   */
  private undisturbed(): boolean {
    const T = this.t;
    let i = (this.n - 1) >> 1;
    if (i <= 0) return true;
    const tq = T[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(T[p]! < tq)) return false;
      if ((i & 1) === 0 && !(T[p]! < T[i - 1]!)) return false;
      i = p;
    }
    return true;
  }

  private grow(): void {
    const n = this.t.length * 2;
    const t = new Float64Array(n);
    t.set(this.t);
    const k = new Int32Array(n);
    k.set(this.k);
    const ids = new Int32Array(n);
    ids.set(this.ids);
    const auxes = new Int32Array(n);
    auxes.set(this.auxes);
    this.t = t;
    this.k = k;
    this.ids = ids;
    this.auxes = auxes;
  }

  private insert(time: number, kind: number, id: number, aux: number): void {
    if (this.n === this.t.length) this.grow();
    const T = this.t;
    const K = this.k;
    const I = this.ids;
    const A = this.auxes;
    let i = this.n++;
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

  /** Remove the binary heap's top. */
  private pop(): void {
    const n = --this.n;
    if (n === 0) {
      this.t[0] = Infinity;
      return;
    }
    const T = this.t;
    const K = this.k;
    const I = this.ids;
    const A = this.auxes;
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
