// Tokens: the DES's processes. A token runs one compiled program (a request, or detached work);
// tokens are pooled and reused, so starting a request allocates nothing in the steady state.
import type { Clock } from './kernel.js';

/** An open call with a resilience policy (OP_BEGIN … OP_END). */
export interface Frame {
  edge: number;
  /** pc of the OP_BEGIN (a retry starts here again) */
  begin: number;
  /** pc of the matching OP_END (a failed optional call, or the caller after a timeout, goes on after it) */
  end: number;
  /** 0 for the first try */
  attempt: number;
  /** unique per frame: a timeout event names the frame it was set for */
  gen: number;
}

export class Token {
  code: Int32Array = new Int32Array(0);
  pc = 0;
  /** index into the run's operation ids for a request; -1 for detached work */
  op = -1;
  /** when the request (or work) started, ms */
  start = 0;
  /** closed workload: the user waiting for this request; -1 otherwise */
  user = -1;
  /** the replica this token is queued at or served by */
  replica = -1;
  /** the service distribution a waiting token will be served with */
  dist = -1;
  frames: Frame[] | null = null;
  /**
   * ≥ 0 when the caller stopped waiting (timeout) for the call at this frame depth: this token is
   * now the callee's leftover work and ends at that call's OP_END; −1 otherwise.
   */
  detachedAt = -1;
  /** the attempt number the next OP_BEGIN opens (set by a retry) */
  nextAttempt = 0;
  /** scenario failure window the request started in, or −1 */
  window = -1;
  /** a cold visit's CPU after its answer (cold-visit.ts afterMs), ms: its server stays busy for it once the token moves on */
  after = 0;
  constructor(readonly id: number) {}
}

/** Every token ever made (an event names one by id) and the free ones. */
export class Tokens {
  readonly all: Token[] = [];
  private readonly free: Token[] = [];

  /**
   * `clock`: the engine's, read by take() for the start time rather than passed it (a double
   * passed to a call V8 does not inline is boxed on the heap, and take runs on every request).
   */
  constructor(private readonly clock: Clock) {}

  /** A token reset to run `code` from the start as detached work, started now. */
  take(code: Int32Array): Token {
    let t = this.free.pop();
    if (!t) {
      t = new Token(this.all.length);
      this.all.push(t);
    }
    t.code = code;
    t.pc = 0;
    t.op = -1;
    t.user = -1;
    t.frames = null;
    t.detachedAt = -1;
    t.nextAttempt = 0;
    t.window = -1;
    t.after = 0;
    t.start = this.clock.now;
    return t;
  }

  release(t: Token): void {
    t.frames = null;
    t.op = -1;
    this.free.push(t);
  }
}

/**
 * A FIFO of tokens (a replica's waiting line): a ring of token slots that doubles when full, so a
 * line that comes and goes allocates nothing once it has reached its longest.
 */
export class TokenQueue {
  private items: (Token | null)[] = new Array<Token | null>(16).fill(null);
  private head = 0;
  private size = 0;
  get length(): number {
    return this.size;
  }
  push(t: Token): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = t;
    this.size++;
  }
  shift(): Token {
    const t = this.items[this.head]!;
    this.items[this.head] = null;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return t;
  }
  /** Empty the queue, returning what waited, in order. */
  drain(): Token[] {
    const out: Token[] = [];
    while (this.size > 0) out.push(this.shift());
    return out;
  }
  private grow(): void {
    const old = this.items;
    const items = new Array<Token | null>(old.length * 2).fill(null);
    for (let i = 0; i < this.size; i++) items[i] = old[(this.head + i) & (old.length - 1)]!;
    this.items = items;
    this.head = 0;
  }
}
