import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { generate } from '../../src/generate/index.js';
import { prefixesByUnit } from '../../src/model/routes.js';
import { routeTable } from '../../src/model/resolve.js';
import { chatpop, pairs, quantchat } from './fixtures.js';

type Obj = Record<string, any>;
const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
};

/** Parse every generated manifest back from its YAML text. */
function objects(bp: typeof quantchat, layout: string, opts = {}) {
  const files = generate('k8s', bp, layout, opts);
  const objs: { file: string; obj: Obj }[] = [];
  for (const f of files.filter((x) => x.path !== 'k8s/kustomization.yaml')) {
    for (const d of parseAllDocuments(f.content)) {
      expect(d.errors).toEqual([]);
      objs.push({ file: f.path, obj: d.toJS() as Obj });
    }
  }
  return { files, objs, kustomization: parse(files.find((f) => f.path === 'k8s/kustomization.yaml')!.content) as Obj };
}

/** Shape check of a Gateway API HTTPRoute (kubernetes-models has no Gateway API models). */
function checkHttpRoute(o: Obj) {
  expect(o.apiVersion).toBe('gateway.networking.k8s.io/v1');
  expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  expect(Array.isArray(o.spec.parentRefs) && o.spec.parentRefs.length > 0).toBe(true);
  for (const rule of o.spec.rules) {
    for (const m of rule.matches) {
      expect(m.path.type).toBe('PathPrefix');
      expect(m.path.value).toMatch(/^\//);
    }
    for (const b of rule.backendRefs) {
      expect(typeof b.name).toBe('string');
      expect(Number.isInteger(b.port)).toBe(true);
      expect(b.weight).toBeGreaterThanOrEqual(0);
    }
  }
}

function validateAll(objs: { obj: Obj }[]) {
  for (const { obj } of objs) {
    if (obj.kind === 'HTTPRoute') {
      checkHttpRoute(obj);
      continue;
    }
    const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    expect(Model, `${obj.apiVersion} ${obj.kind}`).toBeDefined();
    expect(() => new Model!(obj).validate(), `${obj.kind} ${obj.metadata?.name}`).not.toThrow();
  }
}

describe('kubernetes', () => {
  it.each(pairs)('$name: every object validates against the Kubernetes models', ({ bp, layout }) => {
    for (const opts of [{}, { ingress: 'gateway-api' as const, withDatastores: true }]) {
      const { objs, files, kustomization } = objects(bp, layout, opts);
      validateAll(objs);
      // kustomization.yaml lists every other file.
      expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f.path !== 'k8s/kustomization.yaml').map((f) => f.path.slice(4)).sort());
    }
  });

  it('a deployment follows the seed: replicas, catalog resources, probes, secure context, labels, secret refs', () => {
    const { objs } = objects(quantchat, 'microservices');
    const d = objs.find((o) => o.obj.kind === 'Deployment' && o.obj.metadata.name === 'message-service')!.obj;
    expect(d.spec.replicas).toBe(3);
    const c = d.spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(d.metadata.labels['app.kubernetes.io/name']).toBe('message-service');
    expect(d.metadata.labels['app.kubernetes.io/part-of']).toBe('quantchat');
    expect(c.env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'message-db-credentials', key: 'url' } } });
    const cm = objs.find((o) => o.obj.kind === 'ConfigMap' && o.obj.metadata.name === 'message-service-config')!.obj;
    expect(cm.data).toMatchObject({ PORT: '8003', USER_SERVICE_URL: 'http://user-service:8002' });
    expect(JSON.stringify(cm.data)).not.toMatch(/PASSWORD|postgres:\/\//);
    // No datastores unless asked.
    expect(objs.some((o) => o.obj.kind === 'StatefulSet')).toBe(false);
  });

  it('routes the ingress by the shared route table', () => {
    const { objs } = objects(quantchat, 'microservices');
    const ing = objs.find((o) => o.obj.kind === 'Ingress')!.obj;
    const paths = ing.spec.rules[0].http.paths.map((p: Obj) => [p.path, p.backend.service.name]);
    const expected = [...prefixesByUnit(routeTable(quantchat, 'microservices'))].flatMap(([u, ps]) => ps.map((p) => [p, u]));
    expect(paths.sort()).toEqual(expected.sort());
  });

  it('emits an HPA (autoscaling/v2) for each autoscaling unit', () => {
    const { objs } = objects(chatpop, 'phase3');
    const hpas = objs.filter((o) => o.obj.kind === 'HorizontalPodAutoscaler').map((o) => o.obj);
    expect(hpas.map((h) => h.metadata.name).sort()).toEqual(['chat-service', 'payment-service', 'photo-service', 'websocket-service']);
    const photo = hpas.find((h) => h.metadata.name === 'photo-service')!;
    // 70% of the one core its worker uses, against a request of half its 1-vCPU instance (500m): 140%
    expect(photo.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 140 } } }] });
  });

  it('splits a canary with weights in the HTTPRoute and an annotated canary Ingress', () => {
    const canary = { unit: 'relay-service', percent: 10 };
    const route = objects(quantchat, 'strangler-relay', { ingress: 'gateway-api', canary }).objs.find((o) => o.obj.kind === 'HTTPRoute')!.obj;
    const relay = route.spec.rules.find((r: Obj) => r.matches.some((m: Obj) => m.path.value === '/api/v1/relay'));
    expect(relay.backendRefs).toEqual([
      { name: 'relay-service', port: 8006, weight: 10 },
      { name: 'monolith', port: 8080, weight: 90 },
    ]);
    const ings = objects(quantchat, 'strangler-relay', { canary }).objs.filter((o) => o.obj.kind === 'Ingress').map((o) => o.obj);
    expect(ings).toHaveLength(2);
    expect(ings[1]!.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
  });

  it('routes the extracted prefixes to the old unit in the main Ingress and to the canary in the canary Ingress, at any split', () => {
    const relayPrefixes = prefixesByUnit(routeTable(quantchat, 'strangler-relay')).get('relay-service')!;
    expect(relayPrefixes.length).toBeGreaterThan(0);
    const routesOf = (ing: Obj) => Object.fromEntries(ing.spec.rules[0].http.paths.map((p: Obj) => [p.path, `${p.backend.service.name}:${p.backend.service.port.number}`]));
    for (const percent of [10, 50, 60, 90]) {
      const ings = objects(quantchat, 'strangler-relay', { canary: { unit: 'relay-service', percent } }).objs.filter((o) => o.obj.kind === 'Ingress').map((o) => o.obj);
      expect(ings.map((i) => i.metadata.name), `${percent}%`).toEqual([quantchat.metadata.name, `${quantchat.metadata.name}-canary-relay-service`]);
      const [main, canary] = ings as [Obj, Obj];
      const mainRoutes = routesOf(main);
      for (const p of relayPrefixes) expect(mainRoutes[p], `main ${p} at ${percent}%`).toBe('monolith:8080');
      expect(main.metadata.annotations, `${percent}%`).toBeUndefined();
      expect(routesOf(canary), `${percent}%`).toEqual(Object.fromEntries(relayPrefixes.map((p) => [p, 'relay-service:8006'])));
      expect(canary.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': String(percent) });
    }
    // Without a canary the extracted prefixes go straight to the new unit, and there is one Ingress.
    const plain = objects(quantchat, 'strangler-relay').objs.filter((o) => o.obj.kind === 'Ingress').map((o) => o.obj);
    expect(plain).toHaveLength(1);
    for (const p of relayPrefixes) expect(routesOf(plain[0]!)[p]).toBe('relay-service:8006');
  });

  it('emits datastores as StatefulSets with secret references only with --with-datastores', () => {
    const { objs } = objects(quantchat, 'microservices', { withDatastores: true });
    const sts = objs.filter((o) => o.obj.kind === 'StatefulSet').map((o) => o.obj.metadata.name);
    expect(sts.sort()).toEqual(['auth-db', 'group-db', 'media-db', 'message-db', 'minio', 'redis', 'user-db']);
    const pg = objs.find((o) => o.obj.kind === 'StatefulSet' && o.obj.metadata.name === 'auth-db')!.obj;
    const env = pg.spec.template.spec.containers[0].env;
    expect(env.find((e: Obj) => e.name === 'POSTGRES_PASSWORD')).toEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'auth-db-credentials', key: 'password' } } });
  });
});
