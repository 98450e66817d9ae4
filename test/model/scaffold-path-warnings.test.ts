// A public route on a path archsim's HTTP scaffold serves itself (/health, /ready, /metrics,
// /internal/…) passed validate, and only generate refused it, with no position. validate now
// warns at the route, naming the layouts where archsim scaffolds the unit serving it (the rule
// generate refuses by, routes.ts scaffoldPathRoutes); a unit with an image, another runtime or
// gRPC serves its own paths, so a route only such units serve gets no warning.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

/** A blueprint whose campaigns.tick has `route`, with the layouts section given (line 12 on). */
const blueprint = (route: string, layouts: string, tick = '') => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    campaigns:
      operations:
        tick: { route: "${route}", cpu: 1ms${tick} }
    shop:
      operations:
        list: { route: "GET /items", cpu: 1ms }
layouts:
${layouts}
`;

const WORKERS = `  workers:
    units:
      api: { domains: [campaigns], port: 8000 }
      web: { domains: [shop], port: 8001 }`;

const diagnosticsOf = (text: string) => {
  const r = parseBlueprint(text, 'b.yaml');
  return { ok: r.ok, errors: r.ok ? [] : r.errors.map(formatDiagnostic), warnings: r.warnings.map(formatDiagnostic) };
};

const SERVES_ITSELF = "is a path archsim's scaffold serves itself (/health, /ready, /metrics, /internal/…: its probes, metrics and the calls between units)";

describe("public routes on the scaffold's own paths", () => {
  it('POST /internal/cron/tick on a scaffolded unit: one warning at the route, naming the layout and unit; the blueprint is valid', () => {
    expect(diagnosticsOf(blueprint('POST /internal/cron/tick', WORKERS))).toEqual({
      ok: true,
      errors: [],
      warnings: [`b.yaml:8:24: warning: system.domains.campaigns.operations.tick.route: route "POST /internal/cron/tick" ${SERVES_ITSELF}, and archsim scaffolds the unit that serves it in layout workers (unit api): generate refuses that layout; give the operation another path`],
    });
  });

  it.each(['GET /health', 'GET /ready/', 'GET /metrics', 'POST /internal', 'GET /internal/{x}'])('%s: the same warning', (route) => {
    expect(diagnosticsOf(blueprint(route, WORKERS)).warnings).toEqual([
      `b.yaml:8:24: warning: system.domains.campaigns.operations.tick.route: route "${route}" ${SERVES_ITSELF}, and archsim scaffolds the unit that serves it in layout workers (unit api): generate refuses that layout; give the operation another path`,
    ]);
  });

  it('paths beside them are the user\'s: no warning', () => {
    for (const route of ['GET /healthz', 'GET /health/deep', 'GET /metrics/x', 'POST /internals', 'POST /v1/internal/tick', 'GET /Health']) {
      expect(diagnosticsOf(blueprint(route, WORKERS)), route).toEqual({ ok: true, errors: [], warnings: [] });
    }
  });

  it('every layout that scaffolds the unit, in document order; not the layouts where an image, another runtime or gRPC serves it', () => {
    const layouts = `  mono:
    units: { app: { domains: "*", port: 8000 } }
  imaged:
    units: { app: { domains: "*", port: 8000, image: "registry.example.com/shop/app:1.2" } }
  go:
    units: { app: { domains: "*", port: 8000, runtime: go } }
  rpc:
    units: { app: { domains: "*", port: 8000, protocol: grpc } }
${WORKERS}
  three:
    units:
      x: { domains: [shop], port: 8000 }
      cron: { domains: [campaigns], port: 8001, runtime: node/fastify }`;
    expect(diagnosticsOf(blueprint('POST /internal/cron/tick', layouts)).warnings).toEqual([
      `b.yaml:8:24: warning: system.domains.campaigns.operations.tick.route: route "POST /internal/cron/tick" ${SERVES_ITSELF}, and archsim scaffolds the unit that serves it in layouts mono (unit app), workers (unit api) and three (unit cron): generate refuses those layouts; give the operation another path`,
    ]);
  });

  it('served only by units with an image: no warning', () => {
    const layouts = `  imaged:
    units:
      api: { domains: [campaigns], port: 8000, image: "registry.example.com/shop/api:1.2" }
      web: { domains: [shop], port: 8001 }`;
    expect(diagnosticsOf(blueprint('POST /internal/cron/tick', layouts))).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('an operation marked internal has no public route there: no warning', () => {
    expect(diagnosticsOf(blueprint('POST /internal/cron/tick', WORKERS, ', internal: true'))).toEqual({ ok: true, errors: [], warnings: [] });
  });
});
