// Calls with a resilience policy: the frames OP_BEGIN opens and OP_END closes, retries with
// exponential backoff, optional calls, circuit breakers and timeouts.
//
// A timeout splits a request in two: the caller stops waiting and goes on (the call failed),
// while the callee's work already queued or in service still runs to the call's OP_END, holding
// its stations as real abandoned work does. The token that holds the callee's place (in a queue,
// a pool, an event) must stay where it is, so it becomes the detached work (`detachedAt` = the
// frame depth where it stops, then it is released) and a fresh token carries the request on.
// Every token ends in Tokens.release: the detached one at its OP_END, the request when it finishes.
import type { Compiled } from '../compile.js';
import { W } from '../compile.js';
import { EV_RESUME, EV_TIMEOUT } from './names.js';
import type { Token, Tokens } from './tokens.js';

export interface CallHost {
  readonly now: number;
  at(time: number, kind: number, id: number, aux: number): void;
  exec(t: Token): void;
  /** a request's (or detached work's) program is over */
  finish(t: Token, ok: boolean): void;
}

export class Calls {
  private readonly timeout: Float64Array;
  private readonly retries: Int32Array;
  private readonly backoff: Float64Array;
  private readonly optional: Uint8Array;
  /** per edge, the station of its caller's unit */
  private readonly callerStation: Int32Array;
  // Circuit breakers (per edge): counting window, calls and failures in it, open until.
  private readonly breaker: Uint8Array;
  private readonly cbStart: Float64Array;
  private readonly cbCalls: Float64Array;
  private readonly cbFails: Float64Array;
  private readonly cbOpenUntil: Float64Array;
  /** frame generations travel in an Int32 event field: they wrap as it does */
  private gen = 0;

  constructor(
    private readonly c: Compiled,
    private readonly sim: CallHost,
    private readonly tokens: Tokens,
    /** per station, 1 while a fault has it down (Stations.down) */
    private readonly down: Uint8Array,
  ) {
    const ne = c.edges.length;
    this.timeout = new Float64Array(ne);
    this.retries = new Int32Array(ne);
    this.backoff = new Float64Array(ne);
    this.optional = new Uint8Array(ne);
    this.callerStation = new Int32Array(ne);
    this.breaker = new Uint8Array(ne);
    this.cbStart = new Float64Array(ne);
    this.cbCalls = new Float64Array(ne);
    this.cbFails = new Float64Array(ne);
    this.cbOpenUntil = new Float64Array(ne);
    c.edges.forEach((e, i) => {
      this.timeout[i] = e.timeout ?? 0;
      this.retries[i] = e.retries;
      this.backoff[i] = e.backoff;
      this.optional[i] = e.optional ? 1 : 0;
      this.callerStation[i] = e.callerStation;
      this.breaker[i] = e.circuitBreaker ? 1 : 0;
    });
  }

  /** OP_BEGIN at pc (edge e, its OP_END at endPc). Returns true when the token stopped running. */
  begin(t: Token, pc: number, e: number, endPc: number): boolean {
    const f = { edge: e, begin: pc, end: endPc, attempt: t.nextAttempt, gen: (this.gen = (this.gen + 1) | 0) };
    t.nextAttempt = 0;
    (t.frames ??= []).push(f);
    // An open breaker fails the call at once, without touching the callee.
    if (this.breaker[e] && this.sim.now < this.cbOpenUntil[e]!) return this.fail(t, false);
    if (this.timeout[e]! > 0) this.sim.at(this.sim.now + this.timeout[e]!, EV_TIMEOUT, t.id, f.gen);
    return false;
  }

  /** OP_END. Returns true when the token stopped running (detached work that is done). */
  end(t: Token): boolean {
    const frames = t.frames!;
    const f = frames.pop()!;
    if (t.detachedAt === frames.length) {
      // The caller gave up on this call: the callee's work is done, nobody waits for it.
      this.tokens.release(t);
      return true;
    }
    this.record(f.edge, true);
    return false;
  }

  /**
   * The token's current step failed: unwind frames until one handles it (a retry after backoff,
   * or an optional call that is skipped). Returns true when the token stopped running (a retry
   * is scheduled, or it finished or was released); false when it continues at t.pc.
   */
  fail(t: Token, record = true): boolean {
    const frames = t.frames;
    while (frames && frames.length > 0) {
      const i = frames.length - 1;
      if (t.detachedAt >= 0 && i <= t.detachedAt) {
        this.tokens.release(t);
        return true;
      }
      const f = frames[i]!;
      const e = f.edge;
      frames.pop();
      // The caller's unit is down: its process, which would retry the call or skip it, is gone
      // (an in-process call of a crashed monolith does not wait out the crash in its backoff).
      if (this.down[this.callerStation[e]!]) {
        record = true;
        continue;
      }
      if (record) this.record(e, false);
      record = true;
      if (f.attempt < this.retries[e]!) {
        t.nextAttempt = f.attempt + 1;
        t.pc = f.begin;
        this.sim.at(this.sim.now + this.backoff[e]! * Math.pow(2, f.attempt), EV_RESUME, t.id, 0);
        return true;
      }
      if (this.optional[e]) {
        t.pc = f.end + W;
        return false;
      }
    }
    this.sim.finish(t, false);
    return true;
  }

  /** A call's outcome, for its circuit breaker. */
  private record(e: number, ok: boolean): void {
    if (!this.breaker[e]) return;
    const cb = this.c.edges[e]!.circuitBreaker!;
    const now = this.sim.now;
    if (now - this.cbStart[e]! > cb.window) {
      this.cbStart[e] = now;
      this.cbCalls[e] = 0;
      this.cbFails[e] = 0;
    }
    this.cbCalls[e]!++;
    if (!ok) this.cbFails[e]!++;
    if (this.cbCalls[e]! >= cb.minCalls && this.cbFails[e]! / this.cbCalls[e]! >= cb.failureThreshold) {
      this.cbOpenUntil[e] = now + cb.openFor;
      this.cbCalls[e] = 0;
      this.cbFails[e] = 0;
      this.cbStart[e] = now;
    }
  }

  /** EV_TIMEOUT for the frame of generation `gen` (stale when that call has already ended). */
  expire(t: Token, gen: number): void {
    const frames = t.frames;
    if (!frames) return;
    let i = frames.length - 1;
    while (i >= 0 && frames[i]!.gen !== gen) i--;
    if (i < 0 || (t.detachedAt >= 0 && i <= t.detachedAt)) return;
    // The request goes on in a fresh token from the failed call; t stays as the callee's work.
    const k = this.tokens.take(t.code);
    k.start = t.start;
    k.op = t.op;
    k.user = t.user;
    k.window = t.window;
    k.detachedAt = t.detachedAt;
    k.frames = frames.slice(0, i + 1).map((f) => ({ ...f }));
    k.pc = frames[i]!.end + W;
    t.detachedAt = i;
    if (!this.fail(k)) this.sim.exec(k);
  }
}
