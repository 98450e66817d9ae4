// A table moved into or out of an `engine: memory` store is not a database migration. A memory
// store lives inside each replica of its unit (six replicas, six copies): there is no one store to
// backfill, count, checksum or drop. A tester's /work/unseen6/flags.yaml (`plan --from inproc --to
// split`) read "2. backfill: copy the existing rows of buckets from flagmem … 3. verify: compare
// counts and checksums … 5. drop … from flagmem". Out of a memory store the new store is written
// through and warmed from the source of truth, and the in-process copy goes with its code path;
// into one, each replica loads its copy at start. A move between two stores keeps its five steps.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

const MEM = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mem }
system:
  domains:
    flags:
      tables: [flag_cache]
      operations:
        evaluate: { route: POST /evaluate, cpu: 0.1ms, db: { reads: 1 } }
    limits:
      tables: [buckets]
      operations:
        reset: { route: "DELETE /limits/{id}", cpu: 0.1ms, db: { writes: 1 } }
    defs:
      tables: [defs]
      operations:
        put: { route: "PUT /defs/{id}", cpu: 0.5ms, db: { writes: 1 } }
layouts:
  inproc:
    units:
      edge: { domains: "*", port: 7000, replicas: 6, instance: small }
    datastores:
      mem: { engine: memory, tables: [flag_cache] }
      pg: { engine: postgres, instance: db, tables: [buckets, defs] }
    next: split
  split:
    gateway: { kind: nginx, port: 8080 }
    units:
      edge: { domains: [flags], port: 7000, replicas: 6, instance: small }
      limiter: { domains: [limits], port: 7200, replicas: 3, instance: small }
      defs-svc: { domains: [defs], port: 7300, instance: small }
    datastores:
      redis: { engine: redis, instance: db, tables: [flag_cache] }
      limits-mem: { engine: memory, tables: [buckets] }
      defs-db: { engine: postgres, instance: db, tables: [defs] }
workload: { rate: 100/s, mix: { flags.evaluate: 90, limits.reset: 5, defs.put: 5 } }
catalog:
  small: { vcpu: 1, usdPerMonth: $8 }
  db: { kind: database, vcpu: 2, usdPerMonth: $25 }
`;

const start = '2026-01-05';
const onePhase = (text = MEM) => plan(bp(text), { from: 'inproc', to: 'split', mode: 'declared', start }).plan;

const MEMORY_TO_REDIS = [
  "write through: edge writes flag_cache to redis as well as to mem, its in-process copy (in the memory of each of edge's 6 replicas: 6 separate copies), so redis holds what changes from now on",
  'warm: fill redis with the rest of flag_cache from its source of truth (where the replicas load it from at start), or let the write-through fill it where flag_cache may start empty; it is not copied from mem: there is no single store to copy, count or checksum',
  'cut over: edge reads and writes flag_cache in redis only; the replicas stop using their in-process copies',
  "retire the in-process copy: edge's replicas stop using flag_cache in mem when the code path that used it is removed; nothing to drop, it lives only in their memory",
];

const POSTGRES_TO_MEMORY = [
  "load at start: each of limiter's 3 replicas loads buckets from pg into its own memory (limits-mem) when it starts: 3 separate copies, not one store to backfill and verify",
  'keep in step: while edge still writes buckets to pg, each replica reloads its copy from there (on a change event or a timer)',
  "cut over: limiter reads and writes buckets in its own memory only (a write reaches only the replica that makes it); pg's copy is frozen",
  "drop the old copy: after the rollback window, drop buckets from pg; a replica that starts after that fills its copy as it runs, or from the table's source of truth, not from pg",
];

const POSTGRES_TO_POSTGRES = [
  'dual write: edge writes defs to pg and defs-db (pg stays the source of truth)',
  'backfill: copy the existing rows of defs from pg to defs-db, in batches',
  'verify: compare counts and checksums of defs in both stores until they agree',
  "cut over: defs-svc reads and writes defs in defs-db only; pg's copy is frozen",
  'drop the old copy: after the rollback window, drop defs from pg',
];

describe('plan: moves into and out of a memory store have their own steps', () => {
  it('memory → redis (a continuing unit’s table): written through and warmed, the in-process copy retired, nothing copied, checked or dropped', () => {
    const ph = onePhase().phases[1]!;
    expect(ph.carried).toEqual([
      { unit: 'edge', oldUnit: 'edge', data: [{ table: 'flag_cache', from: { store: 'mem', engine: 'memory' }, to: { store: 'redis', engine: 'redis' }, steps: MEMORY_TO_REDIS }] },
    ]);
    expect(ph.notes.filter((n) => n.startsWith('table '))).toEqual([
      `table flag_cache of edge moves: mem (memory) → redis (redis), in four steps: ${MEMORY_TO_REDIS.map((s, k) => `${k + 1}. ${s}`).join('; ')}`,
    ]);
  });

  it('postgres → memory (an extraction’s table): each replica loads its copy at start; postgres → postgres keeps its five steps, word for word', () => {
    const ph = onePhase().phases[1]!;
    expect(ph.extractions.map((e) => [e.unit, e.data.map((d) => [d.table, d.steps])])).toEqual([
      ['defs-svc', [['defs', POSTGRES_TO_POSTGRES]]],
      ['limiter', [['buckets', POSTGRES_TO_MEMORY]]],
    ]);
  });

  it('the effort counts a memory move as another table (1 person-day), apart from the relational move (3)', () => {
    const ph = onePhase().phases[1]!;
    expect(ph.effort!.items.filter((i) => /tables? moved/.test(i))).toEqual([
      'relational tables moved: 1 × 3 = 3 person-days',
      'tables moved into or out of a memory store (loaded at start or written through, no backfill): 2 × 1 = 2 person-days',
    ]);
    // two units (10), two public operations (2), the gateway (3), and the tables (3 + 2)
    expect(ph.effort!.personDays).toBe(20);
  });

  it('plan.md lists the memory steps under the extraction and in the continuing unit’s note', () => {
    const md = renderPlanMarkdown(onePhase());
    const at = md.indexOf('- Table buckets: pg (postgres) → limits-mem (memory)');
    expect(at).toBeGreaterThan(0);
    expect(md.slice(at).split('\n').slice(1, 5)).toEqual(POSTGRES_TO_MEMORY.map((s, k) => `  ${k + 1}. ${s}`));
    expect(md).toContain('- table flag_cache of edge moves: mem (memory) → redis (redis), in four steps: 1. write through: edge writes flag_cache');
    expect(md).not.toMatch(/backfill: copy the existing rows of (flag_cache|buckets)/);
  });

  it('memory → memory: the new unit’s replicas fill their own copies, one replica said as one', () => {
    // buckets stays in memory, in another store of another unit.
    const text = MEM.replace('mem: { engine: memory, tables: [flag_cache] }', 'mem: { engine: memory, tables: [flag_cache, buckets] }')
      .replace('pg: { engine: postgres, instance: db, tables: [buckets, defs] }', 'pg: { engine: postgres, instance: db, tables: [defs] }')
      .replace('limiter: { domains: [limits], port: 7200, replicas: 3, instance: small }', 'limiter: { domains: [limits], port: 7200, instance: small }');
    const ph = onePhase(text).phases[1]!;
    expect(ph.extractions.find((e) => e.unit === 'limiter')!.data.map((d) => d.steps)).toEqual([
      [
        "fill: each replica of limiter fills its own copy of buckets in limits-mem (in the memory of limiter's one replica) as it runs, or loads it at start from the table's source of truth; nothing is copied from mem, edge's in-process state (in the memory of each of edge's 6 replicas: 6 separate copies)",
        'cut over: limiter reads and writes buckets in limits-mem only',
        "retire the in-process copy: edge's replicas stop using buckets in mem when the code path that used it is removed; nothing to drop, it lives only in their memory",
      ],
    ]);
  });
});
