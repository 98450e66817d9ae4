// Kubernetes and compose values worked out by hand: replicas under autoscaling at both ends of
// its range, the HPA's metric and bounds, CPU in millicores, volume sizes, health checks by
// runtime, the monitoring services' names and ports when a unit already has them. Milliseconds each.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeDocument, healthTest, monitoringNames } from '../../src/generate/compose.js';
import { layoutToGenerate } from '../../src/generate/common.js';
import { k8sObjects, secretNames } from '../../src/generate/k8s.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const bp = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: scale }
system:
  domains:
    a: { tables: [t1], operations: { x: { route: GET /a, cpu: 1ms, db: { reads: 1 } } } }
    b: { tables: [t2], operations: { y: { route: GET /b, cpu: 1ms, db: { reads: 1 } } } }
    c: { operations: { z: { route: GET /c, cpu: 1ms } } }
    d: { operations: { w: { route: GET /d, cpu: 1ms } } }
layouts:
  l:
    units:
      over: { domains: [a], port: 9090, replicas: 5, instance: milli, autoscale: { min: 2, max: 4, metric: requests } }
      under: { domains: [b], port: 3000, replicas: 1, autoscale: { min: 3, max: 6, metric: connections, target: 250, scaleUpDelay: 2499ms } }
      zero: { domains: [c], port: 3001, replicas: 2, autoscale: { min: 0, max: 1, targetUtilization: 72.6%, scaleUpDelay: 2500ms } }
      py: { domains: [d], port: 8000, runtime: Python3.12, instance: odd }
    datastores:
      small: { engine: postgres, tables: [t1], instance: milli }
      mid: { engine: redis, tables: [t2], instance: odd }
catalog:
  milli: { kind: compute, vcpu: 0.0004, memoryMiB: 500, usdPerMonth: $1 }
  odd: { kind: compute, vcpu: 0.3333, memoryMiB: 1536, usdPerMonth: $1 }
`);

type Obj = Record<string, any>;
const objects = (opts = {}) => k8sObjects(bp, 'l', opts).flatMap((g) => g.objects as Obj[]);
const find = (kind: string, name: string, opts = {}) => objects(opts).find((o) => o.kind === kind && o.metadata.name === name)!;

describe('kubernetes', () => {
  it('replicas under autoscaling: the blueprint’s, held inside [min, max] and at least 1', () => {
    expect(find('Deployment', 'over').spec.replicas).toBe(4);
    expect(find('Deployment', 'under').spec.replicas).toBe(3);
    expect(find('Deployment', 'zero').spec.replicas).toBe(1);
    expect(find('Deployment', 'py').spec.replicas).toBe(1);
  });

  it('an HPA per autoscaling unit: its metric and target (CPU when requests or connections has none, as simulated), bounds of at least 1, the scale-up delay in whole seconds', () => {
    expect(find('HorizontalPodAutoscaler', 'over').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'over' },
      minReplicas: 2,
      maxReplicas: 4,
      // metric: requests with no target: 70% of its 1m (0.0004 vCPU: request and limit are both 1m)
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 30 } },
    });
    expect(find('HorizontalPodAutoscaler', 'under').spec).toMatchObject({
      minReplicas: 3,
      maxReplicas: 6,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'websocket_connections' }, target: { type: 'AverageValue', averageValue: '250' } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 2 } },
    });
    expect(find('HorizontalPodAutoscaler', 'zero').spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 145 } } }],
      behavior: { scaleUp: { stabilizationWindowSeconds: 3 } },
    });
    expect(find('HorizontalPodAutoscaler', 'py')).toBeUndefined();
  });

  it('CPU in millicores (requests half the limit), never under 1m; memory the instance’s', () => {
    const res = (name: string) => find('Deployment', name).spec.template.spec.containers[0].resources;
    expect(res('over')).toEqual({ requests: { cpu: '1m', memory: '500Mi' }, limits: { cpu: '1m', memory: '500Mi' } });
    expect(res('py')).toEqual({ requests: { cpu: '167m', memory: '1536Mi' }, limits: { cpu: '333m', memory: '1536Mi' } });
    expect(res('under')).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
  });

  it('a datastore’s volume: 10 GiB per GiB of its memory (rounded), at least 10 GiB', () => {
    const storage = (name: string) => find('StatefulSet', name, { withDatastores: true }).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
    expect(storage('small')).toBe('10Gi');
    expect(storage('mid')).toBe('20Gi');
  });

  it('probes and ports of a non-Node HTTP unit: /health for both, the port named http; a scaffold is ready at /ready', () => {
    const py = find('Deployment', 'py').spec.template.spec.containers[0];
    expect(py.livenessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 });
    expect(py.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 3, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    expect(py.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(find('Deployment', 'py').spec.template.metadata.annotations).toBeUndefined();
    expect(find('Deployment', 'over').spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/ready');
    expect(find('Deployment', 'over').spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
  });

  it('the Secrets to create, sorted, with their keys; the datastores’ own with --with-datastores', () => {
    const r = layoutToGenerate(bp, 'l');
    expect(secretNames(bp, r, {})).toEqual([
      { name: 'mid-credentials', keys: ['url'] },
      { name: 'small-credentials', keys: ['url'] },
    ]);
    expect(secretNames(bp, r, { withDatastores: true })).toEqual([
      { name: 'mid-credentials', keys: ['password', 'url'] },
      { name: 'small-credentials', keys: ['password', 'url', 'user'] },
    ]);
  });
});

describe('compose', () => {
  it('health checks by runtime: Python and Node by their own runtime, anything else wget or curl', () => {
    const r = layoutToGenerate(bp, 'l');
    const unit = (name: string) => r.units.find((u) => u.name === name)!;
    expect(healthTest(unit('py'))).toEqual(['CMD', 'python', '-c', "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]);
    expect(healthTest(unit('over'))).toEqual(['CMD', 'node', '-e', "fetch('http://127.0.0.1:9090/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]);
    expect(healthTest({ ...unit('over'), runtime: 'ruby' })).toEqual(['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:9090/health || curl -fsS -o /dev/null http://127.0.0.1:9090/health']);
    expect(healthTest({ ...unit('over'), protocol: 'grpc' })).toEqual(['CMD', 'node', 'dist/src/health-check.js']);
    expect(healthTest({ ...unit('py'), protocol: 'grpc' })).toEqual(['CMD', 'grpc_health_probe', '-addr=127.0.0.1:8000', '-connect-timeout=3s', '-rpc-timeout=3s']);
  });

  it('without a gateway, a routed unit publishes its port on the loopback; several replicas a range of host ports, one each', () => {
    const doc = composeDocument(bp, 'l') as { services: Record<string, Obj> };
    // over: replicas 5 above its autoscale max 4 starts 4 replicas, as its Deployment does: 4 ports.
    expect(doc.services.over!.ports).toEqual(['127.0.0.1:9090-9093:9090']);
    expect((doc.services.over!.deploy as Obj).replicas).toBe(4);
    // under: replicas 1 below its min 3 starts 3, as its Deployment does: 3000-3002.
    expect(doc.services.under!.ports).toEqual(['127.0.0.1:3000-3002:3000']);
    expect((doc.services.under!.deploy as Obj).replicas).toBe(3);
    // zero: replicas 2 above its max 1 starts 1; its own 3001 is under's, 3003 the next free.
    expect(doc.services.zero!.ports).toEqual(['127.0.0.1:3003:3001']);
    expect((doc.services.zero!.deploy as Obj).replicas).toBe(1);
    expect(doc.services.py!.ports).toEqual(['127.0.0.1:8000:8000']);
    expect(doc.services.py!.deploy).toEqual({ replicas: 1, resources: { limits: { cpus: '0.3333', memory: '1536M' } } });
  });

  it('Prometheus and Grafana take the next free name and host port when a unit has theirs', () => {
    const taken = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: m }
system: { domains: { a: { operations: { x: { route: GET /a, cpu: 1ms } } }, b: { operations: { y: { route: GET /b, cpu: 1ms } } } } }
layouts:
  l:
    units:
      prometheus: { domains: [a], port: 9090 }
      grafana: { domains: [b], port: 3000 }
    datastores: { prometheus-2: { engine: memory, tables: [] } }
`);
    expect(monitoringNames(layoutToGenerate(taken, 'l'))).toEqual({ prometheus: 'prometheus-3', grafana: 'grafana-2' });
    const doc = composeDocument(taken, 'l', { monitoring: true }) as { services: Record<string, Obj> };
    expect(doc.services['prometheus-3']!.ports).toEqual(['127.0.0.1:9091:9091']);
    expect(doc.services['prometheus-3']!.command).toEqual(['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--web.listen-address=:9091']);
    expect(doc.services['grafana-2']!.ports).toEqual(['127.0.0.1:3001:3001']);
    expect(doc.services['grafana-2']!.environment.PROMETHEUS_URL).toBe('http://prometheus-3:9091');
    expect(doc.services['grafana-2']!.environment.GF_SERVER_HTTP_PORT).toBe('3001');
  });

  it('a unit spanning two object stores gets each one’s keys: the first as S3_*, the other by its name', () => {
    const two = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two }
system: { domains: { a: { tables: [x, y], operations: { get: { route: GET /a, cpu: 1ms, db: { reads: 1 } } } } } }
layouts:
  l:
    units: { app: { domains: [a], port: 8000 } }
    datastores: { blobs: { engine: minio, tables: [x] }, archive: { engine: s3, tables: [y], port: 9100 } }
`);
    const env = (composeDocument(two, 'l') as { services: Record<string, Obj> }).services.app!.environment;
    expect(Object.entries(env).filter(([k]) => /^(S3|BLOBS|ARCHIVE)_/.test(k))).toEqual([
      ['S3_ENDPOINT', 'http://blobs:9000'],
      ['S3_BUCKET', 'blobs'],
      ['S3_ACCESS_KEY', '${BLOBS_ACCESS_KEY}'],
      ['S3_SECRET_KEY', '${BLOBS_SECRET_KEY}'],
      ['ARCHIVE_URL', 'http://archive:9100'],
      ['ARCHIVE_ACCESS_KEY', '${ARCHIVE_ACCESS_KEY}'],
      ['ARCHIVE_SECRET_KEY', '${ARCHIVE_SECRET_KEY}'],
    ]);
    // The same keys from the archive's Secret in Kubernetes, which the instructions list.
    const dep = k8sObjects(two, 'l').flatMap((g) => g.objects as Obj[]).find((o) => o.kind === 'Deployment')!;
    expect(dep.spec.template.spec.containers[0].env.filter((e: Obj) => e.name.startsWith('ARCHIVE_'))).toEqual([
      { name: 'ARCHIVE_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'archive-credentials', key: 'access-key' } } },
      { name: 'ARCHIVE_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'archive-credentials', key: 'secret-key' } } },
    ]);
    expect(secretNames(two, layoutToGenerate(two, 'l'), {})).toEqual([
      { name: 'archive-credentials', keys: ['access-key', 'secret-key'] },
      { name: 'blobs-credentials', keys: ['access-key', 'secret-key'] },
    ]);
  });
});

describe('kubernetes canaries at their ends (the stores fixture: search’s routes overlap api’s, so some are regexes)', () => {
  // api running "*" (the same one domain): the monolith a --canary splits with.
  const stores = load(readFileSync(new URL('../fixtures/generate/stores.yaml', import.meta.url), 'utf8').replace('api: { domains: [api], port: 8000', 'api: { domains: "*", port: 8000'));
  const routing = (opts: object) => k8sObjects(stores, 'rabbit', opts).flatMap((g) => g.objects as Obj[]).filter((o) => /Route|Ingress/.test(o.kind));
  const refsOf = (percent: number) => routing({ ingress: 'gateway-api', canary: { unit: 'search', percent } })[0]!.spec.rules.map((r: Obj) => r.backendRefs);

  it('Gateway API: a backend of weight 0 is left out of the rule (0%: the monolith alone; 100%: the canary alone), 50% keeps both', () => {
    // Rules: api's prefix and Exact matches, search's (prefix and regex), api's {id} regex after
    // search's more specific one (httpRouteRules).
    const api = [{ name: 'api', port: 8000, weight: 100 }];
    expect(refsOf(0)).toEqual([api, [{ name: 'api', port: 8000, weight: 100 }], api]);
    expect(refsOf(100)).toEqual([api, [{ name: 'search', port: 8080, weight: 100 }], api]);
    expect(refsOf(50)).toEqual([
      api,
      [
        { name: 'search', port: 8080, weight: 50 },
        { name: 'api', port: 8000, weight: 50 },
      ],
      api,
    ]);
  });

  it('Ingress: the canary Ingress carries the canary’s prefixes and regexes to it, with use-regex, at the canary’s weight', () => {
    const canary = routing({ canary: { unit: 'search', percent: 0 } }).find((o) => o.metadata.name === 'stores-canary-search')!;
    expect(canary.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '0', 'nginx.ingress.kubernetes.io/use-regex': 'true' });
    expect(canary.spec.rules[0].http.paths).toEqual([
      // The host has regexes: every path is one (ingress-nginx reads them all so under use-regex).
      { path: '/(?-i)feed(?:/|$)', pathType: 'ImplementationSpecific', backend: { service: { name: 'search', port: { number: 8080 } } } },
      { path: '/(?-i)api/items/search/[^/]+/?$', pathType: 'ImplementationSpecific', backend: { service: { name: 'search', port: { number: 8080 } } } },
    ]);
  });
});

describe('kubernetes routing of gRPC units', () => {
  // rpc-svc running "*" (the same two domains): the monolith an oi-svc canary splits with.
  const rpc = load(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8').replace('rpc-svc: { domains: [a-b, a_b]', 'rpc-svc: { domains: "*"'));
  const onlyRpc = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: only-rpc }
system:
  domains:
    a: { operations: { get: { route: GET /a, cpu: 1ms } } }
layouts:
  l:
    gateway: { kind: nginx, port: 8000 }
    protocol: grpc
    units:
      svc: { domains: [a], port: 50051 }
`);
  const routing = (b: Blueprint, layout: string, opts: object) => k8sObjects(b, layout, opts).flatMap((g) => g.objects as Obj[]).filter((o) => /Route|Ingress/.test(o.kind));

  it('GRPCRoute: a backend of weight 0 is left out (a gRPC canary at 0% goes to the monolith alone, at 100% to itself alone)', () => {
    const oiRefs = (percent: number) => routing(rpc, 'split', { ingress: 'gateway-api', canary: { unit: 'oi-svc', percent } }).find((o) => o.kind === 'GRPCRoute')!.spec.rules[1].backendRefs;
    expect(oiRefs(0)).toEqual([{ name: 'rpc-svc', port: 50051, weight: 100 }]);
    expect(oiRefs(100)).toEqual([{ name: 'oi-svc', port: 50051, weight: 100 }]);
  });

  it('a layout whose public routes are all gRPC gets no HTTP Ingress or HTTPRoute, only the gRPC one', () => {
    // A method path holds ".", which ingress-nginx refuses in an Exact path: an exact regex instead.
    const path = { path: '/(?-i)only_rpc\\.v1\\.A/Get$', pathType: 'ImplementationSpecific', backend: { service: { name: 'svc', port: { number: 50051 } } } };
    expect(routing(onlyRpc, 'l', {}).map((o) => [o.kind, o.metadata.name, o.spec.rules])).toEqual([['Ingress', 'only-rpc-grpc', [{ http: { paths: [path] } }]]]);
    expect(routing(onlyRpc, 'l', { ingress: 'gateway-api' }).map((o) => [o.kind, o.metadata.name])).toEqual([['GRPCRoute', 'only-rpc-grpc']]);
  });
});
