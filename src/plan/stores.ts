// Where each table lives before and after: a target datastore "is" a source datastore when it
// has the same name and engine, or the same engine and the same tables (QuantChat's "cache"
// becoming "redis"); such a store is resized or renamed, its data stays. Every other change of
// datastore is a data move, done in the five steps below. Pure.
import type { ResolvedLayout } from '../model/resolve.js';

export const DATA_STEPS = ['dual write', 'backfill', 'verify', 'cut over', 'drop the old copy'] as const;

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
