// A target that merges units: each table's data moves from the unit that ran its domain (the
// plan named the first merged unit for every table), and the merge itself is said even where only
// one of the merged units has routes to shift.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { plan } from '../../src/plan/index.js';

const r = parseBlueprint(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: merge }
system:
  domains:
    front: { tables: [pages], operations: { home: { route: GET /, cpu: 1ms, calls: [mid.get], db: { reads: 1 } } } }
    mid: { tables: [things], operations: { get: { internal: true, cpu: 1ms, calls: [back.get], db: { reads: 1 } } } }
    back: { tables: [rows], operations: { get: { internal: true, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  split:
    units:
      svc-front: { domains: [front], port: 8001 }
      svc-mid: { domains: [mid], port: 8002 }
      svc-back: { domains: [back], port: 8003 }
    datastores:
      db-front: { engine: postgres, tables: [pages] }
      db-mid: { engine: postgres, tables: [things] }
      db-back: { engine: postgres, tables: [rows] }
  merged:
    units:
      all: { domains: "*", port: 8000 }
    datastores:
      db: { engine: postgres, tables: "*" }
workload: { rate: 10/s, mix: { front.home: 1 } }
`, 'merge.yaml');

describe('plan to a target that merges units', () => {
  it('moves each table from the unit that ran its domain, and says the merge', () => {
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const { plan: p } = plan(r.blueprint, { from: 'split', to: 'merged', start: '2026-01-05' });
    const ex = p.phases.flatMap((ph) => ph.extractions);
    const dual = ex.flatMap((e) => e.data.map((d) => [d.table, d.steps[0]]));
    expect(dual).toEqual([
      ['pages', 'dual write: svc-front writes pages to db-front and db (db-front stays the source of truth)'],
      ['things', 'dual write: svc-mid writes things to db-mid and db (db-mid stays the source of truth)'],
      ['rows', 'dual write: svc-back writes rows to db-back and db (db-back stays the source of truth)'],
    ]);
    const notes = p.phases.flatMap((ph) => ph.notes);
    expect(notes).toContain("all merges the domains of 3 units (svc-front: front; svc-mid: mid; svc-back: back); only svc-front's have routes to shift, and each table's data moves from the unit that ran its domain");
  });
});
