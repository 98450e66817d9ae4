// compose starts as many replicas of a unit as its Kubernetes Deployment does: an autoscaled unit
// at least its `min` (at most its `max`), and without a gateway one host port per such replica.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { layoutToGenerate, startReplicas, unitHostPortRanges } from '../../src/generate/common.js';
import { composeDocument } from '../../src/generate/compose.js';
import { generate } from '../../src/generate/index.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

type Obj = Record<string, any>;

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

// payments-svc of /tmp/unseen5/payments.yaml (autoscale 2..6, no replicas), with hostile neighbours.
const UNITS = `
      payments-svc: { domains: [payments], port: 8081, autoscale: { min: 2, max: 6, metric: cpu, targetUtilization: 70% } }
      capped: { domains: [capped], port: 8082, replicas: 9, autoscale: { min: 1, max: 3, metric: cpu } }
      zero-min: { domains: [zero], port: 8083, autoscale: { min: 0, max: 4, metric: cpu } }
      plain: { domains: [plain], port: 8084, replicas: 3 }`;
const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: payflow }
system:
  domains:
    payments: { operations: { pay: { route: POST /v2/payments, cpu: 1ms } } }
    capped: { operations: { get: { route: GET /capped, cpu: 1ms } } }
    zero: { operations: { get: { route: GET /zero, cpu: 1ms } } }
    plain: { operations: { get: { route: GET /plain, cpu: 1ms } } }
layouts:
  gw:
    gateway: { kind: nginx, port: 8000 }
    units:${UNITS}
  direct:
    units:${UNITS}
`);

const deployments = (layout: string) =>
  Object.fromEntries(
    generate('k8s', BP, layout)
      .filter((f) => f.path.endsWith('deployment.yaml'))
      .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Obj))
      .map((o) => [o.metadata.name, o.spec.replicas]),
  );

describe('compose replicas follow autoscale.min as Kubernetes does', () => {
  it('payments-svc (autoscale 2..6, no replicas) starts 2 in compose and in its Deployment; a replicas above max starts max', () => {
    const doc = parse(generate('compose', BP, 'gw').find((f) => f.path === 'docker-compose.yml')!.content) as { services: Record<string, Obj> };
    const compose = Object.fromEntries(['payments-svc', 'capped', 'zero-min', 'plain'].map((u) => [u, doc.services[u]!.deploy.replicas]));
    expect(compose).toEqual({ 'payments-svc': 2, capped: 3, 'zero-min': 1, plain: 3 });
    expect(deployments('gw')).toEqual(compose);
    const r = layoutToGenerate(BP, 'gw');
    expect(r.units.map(startReplicas)).toEqual([2, 3, 1, 3]);
  });

  it('without a gateway each started replica has its own host port', () => {
    const doc = composeDocument(BP, 'direct') as { services: Record<string, Obj> };
    expect(doc.services['payments-svc']!.ports).toEqual(['127.0.0.1:8081-8082:8081']);
    // capped starts 3 (not its replicas 9): 8083-8085, after payments-svc took 8082.
    expect(doc.services.capped!.ports).toEqual(['127.0.0.1:8083-8085:8082']);
    expect(doc.services['zero-min']!.ports).toEqual(['127.0.0.1:8086:8083']);
    expect(doc.services.plain!.ports).toEqual(['127.0.0.1:8087-8089:8084']);
    expect([...unitHostPortRanges(layoutToGenerate(BP, 'direct')).values()].map((p) => p.count)).toEqual([2, 3, 1, 3]);
  });
});
