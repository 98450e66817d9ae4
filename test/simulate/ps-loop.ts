// A minimal event loop for the PS pools' hand-worked timelines (ps-pool-priority.test.ts,
// host-groups.test.ts, sliced-host.test.ts): no compiled blueprint, so each sharing rule is checked exactly.
import { EV_POOL_WAKE } from '../../src/simulate/des/names.js';
import type { PsPool, Scheduler } from '../../src/simulate/des/ps-pool.js';
import { Token } from '../../src/simulate/des/tokens.js';

/** A minimal clock: events in time order (ties by insertion), EV_POOL_WAKE handed to its pool. */
export class Loop implements Scheduler {
  now = 0;
  private q: { time: number; seq: number; kind: number; id: number; aux: number }[] = [];
  private seq = 0;
  /** what EV_POOL_WAKE events name: PS pools, or a host of time slices (sliced-host.ts) */
  readonly pools: Pick<PsPool, 'wake'>[] = [];
  readonly done: { name: string; at: number }[] = [];
  private readonly names = new Map<Token, string>();
  private readonly starts: { at: number; run: () => void }[] = [];
  at(time: number, kind: number, id: number, aux: number): void {
    this.q.push({ time, seq: this.seq++, kind, id, aux });
  }
  token(name: string): Token {
    // The id names it in a compiled program's tables; these hand-worked timelines have none.
    const t = new Token(this.names.size);
    this.names.set(t, name);
    return t;
  }
  finished = (t: Token) => this.done.push({ name: this.names.get(t)!, at: Math.round(this.now * 1e6) / 1e6 });
  /** run `fn` at time `at` (a job's arrival) */
  later(at: number, run: () => void): void {
    this.starts.push({ at, run });
  }
  run(): void {
    for (;;) {
      this.q.sort((a, b) => a.time - b.time || a.seq - b.seq);
      this.starts.sort((a, b) => a.at - b.at);
      const e = this.q[0];
      const s = this.starts[0];
      if (s && (!e || s.at <= e.time)) {
        this.starts.shift();
        this.now = s.at;
        s.run();
        continue;
      }
      if (!e) return;
      this.q.shift();
      this.now = e.time;
      if (e.kind === EV_POOL_WAKE) this.pools[e.id]!.wake(e.aux);
    }
  }
}
