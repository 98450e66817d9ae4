// A domain's database handle that can be moved while the unit serves: a table move's cut-over
// (the rehearsal) points a domain at its new database without a restart. Every query of the
// domain goes through here. `hold` closes a gate (new work of the domain waits at it) and
// resolves once the work already under way has finished, so nothing of the domain touches its
// database any more; `switchTo` then points the domain at the new database and opens the gate
// (the waiting work runs there), `release` opens it unchanged (the cut-over was called off);
// `point` moves it with the gate still closed (a cut-over over several units: all point, then all open).
// Work started from inside work of the same domain already under way (a nested call that comes
// back to the domain, in this process) passes the gate: it belongs to work the hold waits for.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Row, Tx } from './db.js';

export interface DomainDb extends Db {
  /** the database the domain uses now */
  readonly current: Db;
  /** whether the gate is closed */
  readonly held: boolean;
  /** Close the gate and wait until no work of the domain is under way (at most `drainMs`: then the gate opens again and this throws). */
  hold(drainMs: number): Promise<void>;
  /**
   * Point the domain at `db` with the gate still closed (after hold): nothing of the domain runs
   * on it until switchTo opens the gate, and pointing back costs nothing (a cut-over over several
   * units points them all before any opens, so one that cannot switch undoes the others cleanly).
   */
  point(db: Db): void;
  /** Point the domain at `db` and open the gate (after hold). */
  switchTo(db: Db): void;
  /** Open the gate, nothing changed. */
  release(): void;
}

export function domainDb(initial: Db): DomainDb {
  let current = initial;
  let inFlight = 0;
  let gate: { opened: Promise<void>; open(): void } | null = null;
  let idle: (() => void) | null = null;
  const inside = new AsyncLocalStorage<true>();
  const run = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    if (!inside.getStore()) while (gate) await gate.opened;
    inFlight++;
    try {
      return await inside.run(true, () => fn(current));
    } finally {
      if (--inFlight === 0) idle?.();
    }
  };
  const open = () => {
    const g = gate;
    gate = null;
    idle = null;
    g?.open();
  };
  return {
    get current() {
      return current;
    },
    get held() {
      return gate !== null;
    },
    get pool() {
      return current.pool;
    },
    query<T extends Row = Row>(sql: string, params?: readonly unknown[]) {
      return run((db) => db.query<T>(sql, params));
    },
    one<T extends Row = Row>(sql: string, params?: readonly unknown[]) {
      return run((db) => db.one<T>(sql, params));
    },
    tx<T>(fn: (q: Tx) => Promise<T>) {
      return run((db) => db.tx(fn));
    },
    ping: () => current.ping(),
    warm: (untilMs) => current.warm(untilMs),
    // The pools are the unit's (one per database, shared by its domains there): it ends them.
    end: async () => undefined,
    async hold(drainMs) {
      if (gate) throw new Error('already held');
      let openGate!: () => void;
      const opened = new Promise<void>((r) => (openGate = r));
      gate = { opened, open: openGate };
      if (inFlight === 0) return;
      const drained = new Promise<void>((r) => (idle = r));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), drainMs)));
      const why = await Promise.race([drained, late]);
      clearTimeout(timer);
      if (why === 'late') {
        const n = inFlight;
        open();
        throw new Error(`${n} operation${n === 1 ? '' : 's'} still under way after ${drainMs} ms`);
      }
    },
    point(db) {
      if (!gate) throw new Error('point without a hold');
      current = db;
    },
    switchTo(db) {
      if (!gate) throw new Error('switch without a hold');
      current = db;
      open();
    },
    release: open,
  };
}
