// A phase that moves no routes has no canary: no canary days, no gantt bar (bakery's phase 1 said
// "Routes move from app: none" and still had 3 canary days). A target without a gateway gets none
// in a phase that shifts no route (sensors: event consumers only had an nginx in front, a 3-day
// set-up and a port move in every phase, dropped silently at the end), and a unit that goes from 1
// to 1000 replicas is not "a rename".
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { BAKERY, SENSORS } from './sweep-fixtures.js';

const start = '2026-01-05';

describe('plan: canaries only where routes move', () => {
  it('bakery phase 1 (notify-svc, an event consumer): no canary, no canary days, no canary bar', () => {
    const p = plan(bp(BAKERY), { from: 'monolith', to: 'micro', start }).plan;
    const ph = p.phases[1]!;
    expect(ph.extractions[0]!.routes).toEqual([]);
    expect(ph.canary).toBeUndefined();
    expect(ph.effort).toMatchObject({ canaryDays: 0, startDay: 0, endDay: 3 });
    expect(p.phases.slice(1).map((x) => x.effort!.canaryDays)).toEqual([0, 3, 3]);
    expect(p.gantt).not.toContain(':p1t2');
    expect(p.gantt).toContain('    canary 10 50 100 :p2t2, after p2t1, 3d');
    expect(p.totals.calendarDays).toBe(17);
  });
});

describe('plan: no gateway the target lacks, unless a phase shifts routes', () => {
  const p = plan(bp(SENSORS), { from: 'one', to: 'many', start }).plan;

  it('no phase has a gateway, a gateway set-up, a port move or a canary', () => {
    expect(p.phases.map((ph) => ph.layoutInput.gateway ?? null)).toEqual([null, null, null]);
    const notes = p.phases.flatMap((ph) => ph.notes);
    expect(notes.filter((n) => /gateway|port/.test(n))).toEqual([]);
    expect(p.phases.flatMap((ph) => ph.effort?.items ?? []).filter((i) => i.startsWith('gateway'))).toEqual([]);
    expect(p.phases.map((ph) => ph.canary)).toEqual([undefined, undefined, undefined]);
    expect(p.phases.slice(1).map((ph) => ph.effort!.canaryDays)).toEqual([0, 0]);
    // The unit keeps its port: nothing took it.
    expect((p.phases[1]!.layoutInput.units as Record<string, { port: number }>).all!.port).toBe(8000);
  });

  it('the unit going on at 1000 replicas is said to scale out, not to be renamed only', () => {
    expect(p.phases[2]!.notes).toContain('all continues as ingest-u (the domains the others leave it, same instance) and goes from 1 replica to 1000 replicas: renamed and scaled out, no traffic shift');
    expect(p.phases[2]!.notes.join('\n')).not.toContain('a rename, no traffic shift');
  });

  it('a gateway the old layout had and the target lacks retires, said in the phase it goes', () => {
    // many, with a gateway now, to few: ingest-u as it was, u1 and u2 merged (no routes move).
    const text = SENSORS.replace('  many:\n    broker:', '  many:\n    gateway: { kind: kong, port: 9000 }\n    broker:').replace('workload:', `  few:
    broker: { kind: kafka, instance: big }
    units:
      ingest-u: { domains: [ingest], port: 8000, instance: tiny, replicas: 1000 }
      consumers: { domains: [d1, d2], port: 8001, instance: tiny }
    datastores:
      ts: { engine: postgres, instance: big, tables: [readings] }
      s1: { engine: mongodb, instance: big, tables: [t1] }
      s2: { engine: mysql, instance: big, tables: [t2] }
workload:`);
    const back = plan(bp(text), { from: 'many', to: 'few', start }).plan;
    expect(back.phases.at(-1)!.canary).toBeUndefined();
    expect(back.phases.at(-1)!.notes).toContain('few declares no gateway: the kong gateway of the layout before (port 9000) retires with this phase; from then on clients call each unit on its own port (ingest-u 8000, consumers 8001)');
  });
});
