// A layout whose operations have no public route (a worker behind a gateway): the API server
// refuses an Ingress rule with `paths: []` and newer HTTPRoute CRDs one with `rules: []`, so no
// Ingress or route file is written at all, and the kustomization does not list one.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { k8sFiles } from '../../src/generate/k8s.js';
import type { Blueprint } from '../../src/model/schema.js';
import { fileOf, load, type Obj } from './own-blueprint.js';

const text = (web: boolean) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: quiet }
system:
  domains:
    jobs:
      tables: [jobs]
      operations:
        tick: { cpu: 1ms, db: { writes: 1 } }
${web ? '    web:\n      operations:\n        home: { route: GET /home, cpu: 1ms }\n' : ''}catalog:
  small: { kind: compute, vcpu: 1, memoryMiB: 1024, usdPerMonth: $5 }
layouts:
  one:
    gateway: { kind: nginx, instance: small, port: 8080 }
    units:
      app: { domains: [${web ? 'jobs, web' : 'jobs'}], port: 8001, instance: small }
    datastores:
      db: { engine: postgres, instance: small, tables: [jobs] }
workload:
  rate: 10/s
  mix: { jobs.tick: 1 }
`;
const worker = load(text(false));
const site = load(text(true));

const paths = (bp: Blueprint, ingress?: 'gateway-api') => k8sFiles(bp, 'one', ingress ? { ingress } : {}).map((f) => f.path);
const resources = (bp: Blueprint, ingress?: 'gateway-api') => (parse(fileOf(k8sFiles(bp, 'one', ingress ? { ingress } : {}), 'k8s/kustomization.yaml')) as Obj).resources;

describe('k8s for a layout with no public route', () => {
  it('writes no Ingress and does not list one', () => {
    expect(paths(worker)).toEqual(['k8s/app/deployment.yaml', 'k8s/app/service.yaml', 'k8s/app/configmap.yaml', 'k8s/kustomization.yaml']);
    expect(resources(worker)).toEqual(['app/deployment.yaml', 'app/service.yaml', 'app/configmap.yaml']);
  });
  it('writes no HTTPRoute under --ingress gateway-api', () => {
    expect(paths(worker, 'gateway-api')).not.toContain('k8s/httproute.yaml');
    expect(resources(worker, 'gateway-api')).toEqual(['app/deployment.yaml', 'app/service.yaml', 'app/configmap.yaml']);
  });
  it('still writes them, with the route, once one operation is public', () => {
    const ing = parse(fileOf(k8sFiles(site, 'one'), 'k8s/ingress.yaml')) as Obj;
    expect(ing.spec.rules[0].http.paths).toEqual([{ path: '/home', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 8001 } } } }]);
    const route = parse(fileOf(k8sFiles(site, 'one', { ingress: 'gateway-api' }), 'k8s/httproute.yaml')) as Obj;
    expect(route.spec.rules).toHaveLength(1);
    expect(resources(site)).toContain('ingress.yaml');
  });
});
