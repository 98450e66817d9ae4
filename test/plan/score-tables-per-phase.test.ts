// The extraction score's "tables to move" are the moves the phase that extracts the unit makes.
// They were counted between --from and --to: a monolith's database that the units extracted
// before leave with exactly the target store's tables continues as that store (renamed, no data
// move, as the phase itself says), yet the unit's score counted each of its tables as a move
// (students-svc: "3 tables to move", 1.5 too much), which can change the extraction order.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';

const start = '2026-01-05';

/** monolith → target: courses leave for mysql; students and legacy keep db's other tables, in `keptStore`. */
const school = (keptStore: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: school, team: { developers: 4 } }
system:
  domains:
    students:
      tables: [students, enrolments]
      operations:
        enrol: { route: POST /enrol, cpu: 2ms, db: { reads: 1, writes: 2 }, calls: [courses.seat] }
        profile: { route: "GET /students/{id}", cpu: 0.5ms, db: { reads: 1 } }
    courses:
      tables: [courses]
      operations:
        seat: { cpu: 0.5ms, db: { reads: 1, writes: 1 } }
        list: { route: GET /courses, cpu: 1ms, db: { reads: 2 } }
    legacy:
      tables: [old_forms]
      operations:
        fax: { route: POST /fax, cpu: 5ms, db: { writes: 1 } }
layouts:
  monolith:
    style: monolith
    units:
      app: { domains: "*", port: 8080, instance: c2 }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
  target:
    gateway: { kind: nginx, port: 80, instance: c1 }
    units:
      students-svc: { domains: [students, legacy], port: 8081, instance: c1 }
      courses-svc: { domains: [courses], port: 8082, instance: c1 }
    datastores:
      ${keptStore}
      courses-db: { engine: mysql, instance: pg, tables: [courses] }
workload: { rate: 100/s, duration: 30s, mix: { students.enrol: 2, students.profile: 10, courses.list: 10, legacy.fax: 0.1 } }
catalog:
  c1: { vcpu: 1, usdPerMonth: $8 }
  c2: { vcpu: 2, usdPerMonth: $16 }
  pg: { vcpu: 2, usdPerMonth: $30 }
`);

/** The three tables db is left with, in a postgres named students-db: db renamed (no move). */
const RENAMED = 'students-db: { engine: postgres, instance: pg, tables: [students, enrolments, old_forms] }';
/** The same tables in mongodb: another engine, so they really move. */
const MOVED = 'students-db: { engine: mongodb, instance: pg, tables: [students, enrolments, old_forms] }';

const extraction = (p: ReturnType<typeof plan>['plan'], unit: string) => {
  const ph = p.phases.find((x) => x.extractions.some((e) => e.unit === unit))!;
  return { ph, e: ph.extractions.find((e) => e.unit === unit)! };
};

describe('plan: the score counts the tables its phase moves', () => {
  it('db continues as students-db once courses has left: students-svc moves no table, and its score says so', () => {
    const p = plan(school(RENAMED), { from: 'monolith', to: 'target', start }).plan;
    expect(p.order.map((o) => o.unit)).toEqual(['courses-svc', 'students-svc']);
    const { ph, e } = extraction(p, 'students-svc');
    // The phase: db renamed, no data move, no data days.
    expect(ph.notes).toContain('datastore db continues as students-db (same engine and tables: resized or renamed, no data move)');
    expect(e.data).toEqual([]);
    expect(ph.effort!.dataDays).toBe(0);
    // The score: 1 synchronous neighbour (courses-svc), nothing else (it said 1 + 3 × 0.5 = 2.5).
    expect(e.score).toBe(1);
    expect(e.why).toMatch(/^score 1: 1 synchronous neighbour \(courses-svc\); 0 by events only; 0 tables to move(;|$)/);
    expect(p.order.find((o) => o.unit === 'students-svc')!.why).toBe(e.why);
    // courses-svc's own move is counted where it happens, and no false "less coupled" risk.
    expect(extraction(p, 'courses-svc').e.why).toBe('score 1.5: 1 synchronous neighbour (students-svc); 0 by events only; 1 table to move (courses: postgres → mysql)');
    expect(p.risks.filter((r) => r.includes('less coupled'))).toEqual([]);
  });

  it('the same tables going to another engine do move: counted in the score and in the phase alike', () => {
    const p = plan(school(MOVED), { from: 'monolith', to: 'target', start }).plan;
    for (const unit of ['courses-svc', 'students-svc']) {
      const { e } = extraction(p, unit);
      const counted = Number(/; (\d+) tables? to move/.exec(e.why)![1]);
      expect(counted, unit).toBe(e.data.length);
    }
    const { e } = extraction(p, 'students-svc');
    expect(e.data.map((d) => `${d.table}: ${d.from.store} → ${d.to.store}`)).toEqual(['students: db → students-db', 'enrolments: db → students-db', 'old_forms: db → students-db']);
    expect(e.why).toContain('3 tables to move (students: postgres → mongodb, enrolments: postgres → mongodb, old_forms: postgres → mongodb)');
  });

  it('the order: a unit whose tables stop moving once another has left goes before one that still moves its own', () => {
    // grades-svc (3 tables from gdb to mysql, 1 synchronous neighbour: 2.5) against
    // students-svc (2 neighbours and 3 tables while courses is in db: 3.5; 2 once it has left).
    // Scored from the monolith, grades-svc went second; from the layout after courses-svc, it
    // is students-svc, which then moves no data.
    const p = plan(GRADES, { from: 'monolith', to: 'target', start }).plan;
    expect(p.order.map((o) => `${o.unit} ${o.why.split(':')[0]}`)).toEqual(['courses-svc score 1.5', 'students-svc score 2', 'grades-svc score 2.5']);
    expect(extraction(p, 'students-svc').e.data).toEqual([]);
    expect(extraction(p, 'grades-svc').e.data.map((d) => d.table)).toEqual(['grades', 'transcripts', 'rubrics']);
    expect(p.risks.filter((r) => r.includes('less coupled'))).toEqual([]);
  });

  it('a pinned order scores each unit from the layout its phase starts from, and names the real risk', () => {
    // students-svc first: db still holds courses, so its tables do move then (to a new students-db).
    const p = plan(school(RENAMED), { from: 'monolith', to: 'target', order: ['students-svc'], start }).plan;
    expect(p.order.map((o) => o.unit)).toEqual(['students-svc', 'courses-svc']);
    const { e } = extraction(p, 'students-svc');
    expect(e.data.map((d) => d.table)).toEqual(['students', 'enrolments', 'old_forms']);
    expect(e.score).toBe(2.5);
    expect(p.risks).toContain('students-svc (score 2.5) goes before less coupled courses-svc (1.5): more links become remote while the migration is least proven');
  });
});

/** school with a grades domain in its own store (gdb), moving to mysql: its data moves whenever it goes. */
const GRADES = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: school3 }
system:
  domains:
    students:
      tables: [students, enrolments]
      operations:
        enrol: { route: POST /enrol, cpu: 2ms, db: { reads: 1, writes: 2 }, calls: [courses.seat] }
        profile: { route: "GET /students/{id}", cpu: 0.5ms, db: { reads: 1 } }
    courses:
      tables: [courses]
      operations:
        seat: { cpu: 0.5ms, db: { reads: 1, writes: 1 } }
        list: { route: GET /courses, cpu: 1ms, db: { reads: 2 } }
    grades:
      tables: [grades, transcripts, rubrics]
      operations:
        record: { route: POST /grades, cpu: 1ms, db: { writes: 1 }, calls: [students.profile] }
layouts:
  monolith:
    style: monolith
    units:
      app: { domains: "*", port: 8080, instance: c2 }
    datastores:
      db: { engine: postgres, instance: pg, tables: [students, enrolments, courses] }
      gdb: { engine: postgres, instance: pg, tables: [grades, transcripts, rubrics] }
  target:
    gateway: { kind: nginx, port: 80, instance: c1 }
    units:
      students-svc: { domains: [students], port: 8081, instance: c1 }
      courses-svc: { domains: [courses], port: 8082, instance: c1 }
      grades-svc: { domains: [grades], port: 8083, instance: c1 }
    datastores:
      students-db: { engine: postgres, instance: pg, tables: [students, enrolments] }
      courses-db: { engine: mysql, instance: pg, tables: [courses] }
      grades-db: { engine: mysql, instance: pg, tables: [grades, transcripts, rubrics] }
workload: { rate: 100/s, duration: 30s, mix: { students.enrol: 2, students.profile: 10, courses.list: 10, grades.record: 3 } }
catalog:
  c1: { vcpu: 1, usdPerMonth: $8 }
  c2: { vcpu: 2, usdPerMonth: $16 }
  pg: { vcpu: 2, usdPerMonth: $30 }
`);
