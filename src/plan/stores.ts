// Where each table lives before and after: a target datastore "is" a source datastore when it
// has the same name and engine, or the same engine and the same tables (a monolith's "cache"
// becoming "redis"); such a store is resized or renamed, its data stays. Every other change of
// datastore is a data move, done in the five steps below, except into or out of an `engine:
// memory` store, which has steps of its own (memorySteps). Pure.
import type { ResolvedLayout } from '../model/resolve.js';

export const DATA_STEPS = ['dual write', 'backfill', 'verify', 'cut over', 'drop the old copy'] as const;

/** `engine: memory`: state in each replica's own process (schema.ts), not a store of its own. */
export const isMemory = (engine: string) => engine === 'memory';

const RELATIONAL = new Set(['postgres', 'mysql', 'mongodb']);
export const isRelational = (engine: string) => RELATIONAL.has(engine);

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** target store name → the source store it continues (absent: a new store). */
export function matchStores(rf: ResolvedLayout, rt: ResolvedLayout): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of rt.datastores) {
    const f =
      rf.datastores.find((s) => s.name === t.name && s.engine === t.engine) ??
      rf.datastores.find((s) => s.engine === t.engine && sameSet(s.tables, t.tables) && ![...out.values()].includes(s.name));
    if (f) out.set(t.name, f.name);
  }
  return out;
}

export interface TableMove {
  table: string;
  from: { store: string; engine: string };
  to: { store: string; engine: string };
}

/** The tables whose data must move between the two layouts (same-store continuations excluded). */
export function tableMoves(rf: ResolvedLayout, rt: ResolvedLayout, tables: string[]): TableMove[] {
  const match = matchStores(rf, rt);
  const out: TableMove[] = [];
  for (const table of tables) {
    const fs = rf.storeOfTable.get(table);
    const ts = rt.storeOfTable.get(table);
    if (!fs || !ts || match.get(ts) === fs) continue;
    const engine = (r: ResolvedLayout, n: string) => r.datastores.find((d) => d.name === n)!.engine;
    out.push({ table, from: { store: fs, engine: engine(rf, fs) }, to: { store: ts, engine: engine(rt, ts) } });
  }
  return out;
}

/** A unit at one end of a table move, as the layout on that side has it. */
export interface MoveEnd {
  unit: string;
  replicas: number;
}

type MoveSides = { table: string; from: { store: string; engine: string }; to: { store: string; engine: string } };

/** The steps of one table move, each "name: what is done", in order. */
export function dataSteps(t: MoveSides, old: MoveEnd, now: MoveEnd): string[] {
  if (isMemory(t.from.engine) || isMemory(t.to.engine)) return memorySteps(t, old, now);
  const what: Record<(typeof DATA_STEPS)[number], string> = {
    'dual write': `${old.unit} writes ${t.table} to ${t.from.store} and ${t.to.store} (${t.from.store} stays the source of truth)`,
    backfill: `copy the existing rows of ${t.table} from ${t.from.store} to ${t.to.store}, in batches`,
    verify: `compare counts and checksums of ${t.table} in both stores until they agree`,
    'cut over': `${now.unit} reads and writes ${t.table} in ${t.to.store} only; ${t.from.store}'s copy is frozen`,
    'drop the old copy': `after the rollback window, drop ${t.table} from ${t.from.store}`,
  };
  return DATA_STEPS.map((s) => `${s}: ${what[s]}`);
}

/** Where a memory store's copies live: one per replica of its unit. */
const copies = (u: MoveEnd) => (u.replicas === 1 ? `in the memory of ${u.unit}'s one replica` : `in the memory of each of ${u.unit}'s ${u.replicas} replicas: ${u.replicas} separate copies`);

/**
 * A memory store lives in each replica of its unit (six replicas, six copies): there is no one
 * store to backfill, count, checksum or drop. Out of one, the new store fills from the table's
 * source of truth or by writing through, and the in-process copy goes with the code that used
 * it; into one, each replica loads its copy from the old store when it starts.
 */
function memorySteps(t: MoveSides, old: MoveEnd, now: MoveEnd): string[] {
  const { table, from, to } = t;
  const retire = `retire the in-process copy: ${old.unit}'s replicas stop using ${table} in ${from.store} when the code path that used it is removed; nothing to drop, it lives only in their memory`;
  if (isMemory(from.engine) && isMemory(to.engine)) {
    return [
      `fill: each replica of ${now.unit} fills its own copy of ${table} in ${to.store} (${copies(now)}) as it runs, or loads it at start from the table's source of truth; nothing is copied from ${from.store}, ${old.unit}'s in-process state (${copies(old)})`,
      `cut over: ${now.unit} reads and writes ${table} in ${to.store} only`,
      retire,
    ];
  }
  if (isMemory(from.engine)) {
    return [
      `write through: ${old.unit} writes ${table} to ${to.store} as well as to ${from.store}, its in-process copy (${copies(old)}), so ${to.store} holds what changes from now on`,
      `warm: fill ${to.store} with the rest of ${table} from its source of truth (where the replicas load it from at start), or let the write-through fill it where ${table} may start empty; it is not copied from ${from.store}: there is no single store to copy, count or checksum`,
      `cut over: ${now.unit} reads and writes ${table} in ${to.store} only; the replicas stop using their in-process copies`,
      retire,
    ];
  }
  return [
    `load at start: ${now.replicas === 1 ? `${now.unit}'s replica loads` : `each of ${now.unit}'s ${now.replicas} replicas loads`} ${table} from ${from.store} into its own memory (${to.store}) when it starts: ${now.replicas === 1 ? 'one copy' : `${now.replicas} separate copies`}, not one store to backfill and verify`,
    `keep in step: while ${old.unit} still writes ${table} to ${from.store}, each replica reloads its copy from there (on a change event or a timer)`,
    `cut over: ${now.unit} reads and writes ${table} in its own memory only (a write reaches only the replica that makes it); ${from.store}'s copy is frozen`,
    `drop the old copy: after the rollback window, drop ${table} from ${from.store}; a replica that starts after that fills its copy as it runs, or from the table's source of truth, not from ${from.store}`,
  ];
}
