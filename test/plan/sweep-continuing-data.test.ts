// A table whose datastore changes moves in five steps whoever runs it (README "Data"). Only the
// extractions' tables were listed: a unit that continues (the monolith going on as catalog-svc,
// billing-svc, animal-svc) took its tables to another store, even another engine, with no step,
// no effort and no note. None of these stores is a source store resized or renamed.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { Plan } from '../../src/plan/schema.js';
import { rehearsalSteps } from '../../src/rehearse/steps.js';
import { BAKERY, ENGINE_MOVE, ZOO } from './sweep-fixtures.js';

const start = '2026-01-05';
const moveNote = (table: string, unit: string, old: string, from: string, fromEngine: string, to: string, toEngine: string) =>
  `table ${table} of ${unit} (${old} before) moves: ${from} (${fromEngine}) → ${to} (${toEngine}), in five steps: 1. dual write: ${old} writes ${table} to ${from} and ${to} (${from} stays the source of truth); 2. backfill: copy the existing rows of ${table} from ${from} to ${to}, in batches; 3. verify: compare counts and checksums of ${table} in both stores until they agree; 4. cut over: ${unit} reads and writes ${table} in ${to} only; ${from}'s copy is frozen; 5. drop the old copy: after the rollback window, drop ${table} from ${from}`;

describe('plan: tables of a continuing unit that change store move too', () => {
  it('engine-move: items leaves postgres for mongodb with catalog-svc (app renamed), in the data days and the effort', () => {
    const p = plan(bp(ENGINE_MOVE), { from: 'mono', to: 'split', start }).plan;
    const ph = p.phases[1]!;
    expect(ph.extractions.map((e) => [e.unit, e.data.map((d) => d.table)])).toEqual([['ledger-svc', ['entries']]]);
    // app listens on 8000 and catalog-svc on 8001: a redeploy behind the gateway, not a rename in place.
    expect(ph.notes).toEqual([
      "app continues as catalog-svc (the domains the others leave it, same instance), with port 8000 → 8001; not a rename in place but a redeploy behind the gateway: catalog-svc starts beside app, the gateway and the units that call app switch from app:8000 to catalog-svc:8001 before this phase's canary shifts ledger-svc's routes from catalog-svc, and app stops once nothing reaches it",
      moveNote('items', 'catalog-svc', 'app', 'main', 'postgres', 'items-db', 'mongodb'),
    ]);
    // Two relational tables: entries (the extraction's) and items (the continuing unit's).
    expect(ph.effort!.items).toContain('relational tables moved: 2 × 3 = 6 person-days');
    expect(ph.effort!.dataDays).toBe(3);
    expect(p.totals.personDays).toBe(15);
  });

  it('the plan JSON carries them as data (rehearse and other readers see them), and a rehearsal says it does not move them', () => {
    const blueprint = bp(ENGINE_MOVE);
    const p = plan(blueprint, { from: 'mono', to: 'split', start }).plan;
    const ph = p.phases[1]!;
    expect(ph.carried).toEqual([
      {
        unit: 'catalog-svc',
        oldUnit: 'app',
        data: [
          {
            table: 'items',
            from: { store: 'main', engine: 'postgres' },
            to: { store: 'items-db', engine: 'mongodb' },
            steps: [
              'dual write: app writes items to main and items-db (main stays the source of truth)',
              'backfill: copy the existing rows of items from main to items-db, in batches',
              'verify: compare counts and checksums of items in both stores until they agree',
              "cut over: catalog-svc reads and writes items in items-db only; main's copy is frozen",
              'drop the old copy: after the rollback window, drop items from main',
            ],
          },
        ],
      },
    ]);
    // Phases with no such table have no field at all.
    expect(p.phases.filter((x) => x.carried).map((x) => x.index)).toEqual([1]);
    // Written and read back through the plan's own schema (what rehearse loads).
    const back = Plan.parse(JSON.parse(JSON.stringify(p)));
    expect(back.phases[1]!.carried).toEqual(ph.carried);
    const notes = rehearsalSteps(back, blueprint, { stepMs: 1000, phases: [1] }).filter((a) => a.kind === 'note');
    expect(notes.map((a) => (a.kind === 'note' ? a.text : ''))).toEqual([
      "catalog-svc (app before) carries on and its data moves (items: main → items-db): not rehearsed (a rehearsal moves the tables of the units it starts); the plan's steps for them stand",
    ]);
  });

  it('bakery: invoices goes from main (postgres) to bill-db (mysql) in phase 3, whatever --phases', () => {
    for (const mode of ['auto', 'unit', 'declared'] as const) {
      const p = plan(bp(BAKERY), { from: 'monolith', to: 'micro', mode, start }).plan;
      const last = p.phases.at(-1)!;
      expect(last.notes, mode).toContain(moveNote('invoices', 'billing-svc', 'app', 'main', 'postgres', 'bill-db', 'mysql'));
      // ovens, orders, order_lines (extractions) and invoices: four relational tables in all.
      const tables = p.phases.flatMap((x) => x.effort?.items ?? []).filter((i) => i.startsWith('relational tables moved'));
      expect(tables.map((i) => Number(/: (\d+) ×/.exec(i)![1])).reduce((a, b) => a + b, 0), mode).toBe(4);
    }
  });

  it('zoo: phase 4 moves keepers (keeper-svc), and animals and cages with animal-svc, the zoo unit going on', () => {
    const p = plan(bp(ZOO), { from: 'mono', to: 'split', start }).plan;
    const ph = p.phases[4]!;
    expect(ph.extractions.map((e) => [e.unit, e.data.map((d) => `${d.table}: ${d.from.store} → ${d.to.store}`)])).toEqual([['keeper-svc', ['keepers: main → shared-pg']]]);
    expect(ph.notes).toContain(moveNote('animals', 'animal-svc', 'zoo', 'main', 'postgres', 'shared-pg', 'postgres'));
    // cages goes into a memory store: each of animal-svc's replicas loads its own copy, no backfill or verify.
    expect(ph.notes).toContain(
      "table cages of animal-svc (zoo before) moves: main (postgres) → cages-mem (memory), in four steps: 1. load at start: each of animal-svc's 3 replicas loads cages from main into its own memory (cages-mem) when it starts: 3 separate copies, not one store to backfill and verify; 2. keep in step: while zoo still writes cages to main, each replica reloads its copy from there (on a change event or a timer); 3. cut over: animal-svc reads and writes cages in its own memory only (a write reaches only the replica that makes it); main's copy is frozen; 4. drop the old copy: after the rollback window, drop cages from main; a replica that starts after that fills its copy as it runs, or from the table's source of truth, not from main",
    );
    expect(ph.effort!.items).toContain('relational tables moved: 2 × 3 = 6 person-days');
    expect(ph.effort!.items).toContain('tables moved into or out of a memory store (loaded at start or written through, no backfill): 1 × 1 = 1 person-day');
    // Not a store renamed: main (every table) and shared-pg (two of them) have other tables.
    expect(ph.notes.filter((n) => n.startsWith('datastore main continues'))).toEqual([]);
  });

  it('a store of the same engine and tables is still a rename, not a move', () => {
    const text = ENGINE_MOVE.replace('items-db: { engine: mongodb', 'items-db: { engine: postgres').replace('entries-db: { engine: postgres, instance: db, tables: [entries] }', 'entries-db: { engine: postgres, instance: db, tables: [entries] }');
    // Both tables in one postgres store named otherwise: main renamed, nothing moves.
    const one = text.replace(/      items-db: .*\n      entries-db: .*\n/, '      pg: { engine: postgres, instance: db, tables: [items, entries] }\n');
    const p = plan(bp(one), { from: 'mono', to: 'split', start }).plan;
    expect(p.phases[1]!.extractions.flatMap((e) => e.data)).toEqual([]);
    expect(p.phases[1]!.notes).toContain('datastore main continues as pg (same engine and tables: resized or renamed, no data move)');
    expect(p.phases[1]!.notes.filter((n) => n.startsWith('table '))).toEqual([]);
  });
});
