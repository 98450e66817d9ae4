// A unit that goes on under another name with another port, image, runtime or protocol is a
// redeploy behind the gateway, not "a rename, no traffic shift". A tester's
// /work/unseen6/search-nopubcpu.yaml (`plan --from monolith --to pipeline`) said "search-api
// continues as indexer-worker (… same instance) … renamed and scaled out, no traffic shift" while
// the port went 3100 → 9100 and the unit took a prebuilt image, and the canary then sent 90% of
// /api/search to indexer-worker:9100; its web → listings-api rename (the same domains) was not
// said at all. /work/unseen6/saas.yaml: "core continues as work-api (… a rename, no traffic
// shift)" with the port moving 3000 → 3001. Every rename is said, and what changes with it.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

const DOMAINS = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: renames }
system:
  domains:
    a:
      tables: [ta]
      operations:
        get: { route: GET /a, cpu: 0.5ms, db: { reads: 1 }, calls: [b.check] }
    b:
      tables: [tb]
      operations:
        check: { internal: true, cpu: 0.2ms, db: { reads: 1 } }
        list: { route: GET /b, cpu: 0.3ms, db: { reads: 1 } }
    c:
      tables: [tc]
      operations:
        put: { route: PUT /c, cpu: 0.5ms, db: { writes: 1 } }
workload: { rate: 50/s, mix: { a.get: 5, b.list: 3, c.put: 2 } }
catalog:
  vm: { vcpu: 2, usdPerMonth: $10 }
  pg: { kind: database, vcpu: 2, usdPerMonth: $20 }
`;

/** app (every domain) goes on as `core` with a and b, described by `core`; c-svc is built. */
const oneRename = (core: string) =>
  bp(`${DOMAINS}layouts:
  mono:
    units:
      app: { domains: "*", port: 3000, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
    next: split
  split:
    gateway: { kind: nginx, port: 8080 }
    units:
      core: { domains: [a, b], instance: vm, ${core} }
      c-svc: { domains: [c], port: 3200, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
`);

const notesOf = (b: ReturnType<typeof bp>, from = 'mono', to = 'split') => plan(b, { from, to, start: '2026-01-05' }).plan.phases.at(-1)!.notes;

describe('plan: a rename that changes how the unit runs is a redeploy, and every rename is said', () => {
  it('a port change: the new unit starts beside the old, the gateway and callers switch address, no "no traffic shift"', () => {
    expect(notesOf(oneRename('port: 3001'))).toEqual([
      "app continues as core (the domains the others leave it, same instance), with port 3000 → 3001; not a rename in place but a redeploy behind the gateway: core starts beside app, the gateway and the units that call app switch from app:3000 to core:3001 before this phase's canary shifts c-svc's routes from core, and app stops once nothing reaches it",
    ]);
  });

  it('an image change (and a runtime): said as such, on the same port', () => {
    expect(notesOf(oneRename('port: 3000, image: registry.example.com/team/core:1.2'))).toEqual([
      "app continues as core (the domains the others leave it, same instance), with the prebuilt image registry.example.com/team/core:1.2 where it was built from source; not a rename in place but a redeploy behind the gateway: core starts beside app, the gateway and the units that call app switch from app:3000 to core:3000 before this phase's canary shifts c-svc's routes from core, and app stops once nothing reaches it",
    ]);
    expect(notesOf(oneRename('port: 3000, image: registry.example.com/team/core:1.2, runtime: python/fastapi'))[0]).toContain(
      'with the prebuilt image registry.example.com/team/core:1.2 where it was built from source and runtime node → python/fastapi; not a rename in place',
    );
  });

  it('a pure rename keeps its wording', () => {
    expect(notesOf(oneRename('port: 3000'))).toEqual(['app continues as core (the domains the others leave it, same instance: a rename, no traffic shift)']);
    // Rescaled as well: renamed and scaled out, as before.
    expect(notesOf(oneRename('port: 3000, replicas: 3'))).toEqual(['app continues as core (the domains the others leave it, same instance) and goes from 1 replica to 3 replicas: renamed and scaled out, no traffic shift']);
  });

  it('two units renamed in one phase: both said, a same-domains rename included (it was left out)', () => {
    const b = bp(`${DOMAINS}layouts:
  cqrs:
    units:
      web: { domains: [a], port: 3000, replicas: 2, instance: vm }
      api: { domains: [b, c], port: 3100, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
    next: pipeline
  pipeline:
    gateway: { kind: traefik, port: 80 }
    units:
      site: { domains: [a], port: 3000, replicas: 2, instance: vm }
      indexer: { domains: [b], port: 9100, replicas: 4, instance: vm, image: ghcr.io/acme/indexer:1.0 }
      query-api: { domains: [c], port: 3200, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
`);
    const expected = [
      'web continues as site (the same domains, same instance: a rename, no traffic shift)',
      "api continues as indexer (the domains the others leave it, same instance) and goes from 1 replica to 4 replicas, with port 3100 → 9100 and the prebuilt image ghcr.io/acme/indexer:1.0 where it was built from source; not a rename in place but a redeploy behind the gateway: indexer starts beside api, the gateway and the units that call api switch from api:3100 to indexer:9100 before this phase's canary shifts query-api's routes from indexer, and api stops once nothing reaches it",
    ];
    // (api's remainder is the unit first by name of those with as many domains: order.ts continuations().)
    const out = plan(b, { from: 'cqrs', to: 'pipeline', start: '2026-01-05' }).plan;
    expect(out.phases[1]!.notes).toEqual(expected);
    // In plan.md, under the phase.
    const md = renderPlanMarkdown(out);
    const phase = md.slice(md.indexOf('## Phase 1'));
    for (const n of expected) expect(phase).toContain(`- ${n}\n`);
  });

  it('a unit that keeps its name: rescaled only, unchanged wording; with a port change, redeployed', () => {
    const same = (web: string) =>
      bp(`${DOMAINS}layouts:
  two:
    units:
      web: { domains: [a, b], port: 3000, replicas: 3, instance: vm }
      c-svc: { domains: [c], port: 3200, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
    next: three
  three:
    gateway: { kind: nginx, port: 8080 }
    units:
      web: { domains: [a], instance: vm, ${web} }
      b-svc: { domains: [b], port: 3100, instance: vm }
      c-svc: { domains: [c], port: 3200, instance: vm }
    datastores:
      db: { engine: postgres, instance: pg, tables: "*" }
`);
    expect(notesOf(same('port: 3000, replicas: 2'), 'two', 'three')).toEqual(['web keeps the domains the others leave it and goes from 3 replicas to 2 replicas (no code moves, no traffic shift)']);
    expect(notesOf(same('port: 3005, replicas: 3'), 'two', 'three')).toEqual(['web keeps the domains the others leave it and is redeployed with port 3000 → 3005: the gateway and the units that call web switch from port 3000 to 3005']);
  });
});
