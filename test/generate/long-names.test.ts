// Names at the schema's limits (50 characters), names that are archsim's own folder names, and a
// gateway at the top of the port range: every generated label, object name, path, nginx
// variable and port must still be one Kubernetes, nginx and compose accept.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { layoutToGenerate } from '../../src/generate/common.js';
import { gatewayGrpcPort } from '../../src/generate/gateway.js';
import { generate } from '../../src/generate/index.js';
import { k6GrpcCalls } from '../../src/generate/k6.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { hasNginx, NGINX, nginxTest } from '../helpers/nginx.js';

type Obj = Record<string, any>;

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'long-names.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

/** A name of exactly 50 characters (the schema's longest): `head`, then x's. */
const long50 = (head: string) => head + 'x'.repeat(50 - head.length);

function k8sObjectsOf(bp: Blueprint, layout: string, opts = {}): Obj[] {
  return generate('k8s', bp, layout, opts)
    .filter((f) => f.path !== 'k8s/kustomization.yaml')
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Obj));
}

describe('Kubernetes labels and names for long names', () => {
  // The sweep's real-looking case: "<system>-<unit>" is 66 characters.
  const realistic = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: acme-retail-platform-prod }
system:
  domains:
    prefs:
      tables: [prefs]
      operations:
        get: { route: "GET /api/prefs/{userId}", cpu: 1ms, db: { reads: 1 } }
    orders:
      tables: [orders]
      operations:
        list: { route: GET /api/orders, cpu: 1ms, db: { reads: 1 } }
layouts:
  split:
    gateway: { kind: nginx, port: 8000 }
    units:
      customer-notification-preferences-api-v2: { domains: [prefs], port: 8080 }
      orders: { domains: [orders], port: 8081 }
    datastores:
      main: { engine: postgres, tables: "*" }
`);

  // Every name 50 characters; the two HTTP units share their first 3 characters and a "-" after
  // them, so a cut "<system>-<unit>" ends in "-" and only the hash tells them apart.
  const SYSTEM = long50('s');
  const UNITS = [long50('ab-one-'), long50('ab-two-'), long50('rpc-')];
  const STORES = [long50('pg-'), long50('files-')];
  const hostile = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ${SYSTEM} }
system:
  domains:
    prefs:
      tables: [prefs]
      operations:
        get: { route: "GET /api/prefs/{userId}", cpu: 1ms, db: { reads: 1 } }
    files:
      tables: [blobs]
      operations:
        put: { route: PUT /api/files, cpu: 1ms, db: { writes: 1 } }
    orders:
      tables: [orders]
      operations:
        list: { route: GET /api/orders, cpu: 1ms, db: { reads: 1 } }
    rpc:
      operations:
        get: { route: "GET /api/rpc/{id}", cpu: 1ms }
layouts:
  split:
    gateway: { kind: nginx, port: 8000 }
    units:
      ${UNITS[0]}: { domains: "*", port: 8080, autoscale: { min: 1, max: 3, metric: cpu } }
      ${UNITS[1]}: { domains: [orders], port: 8081 }
      ${UNITS[2]}: { domains: [rpc], port: 8082, protocol: grpc }
    datastores:
      ${STORES[0]}: { engine: postgres, tables: [prefs, orders] }
      ${STORES[1]}: { engine: filesystem, tables: [blobs] }
`);

  /** The label rule written out: at most 63 characters, the start of the value and 8 hex digits of its SHA-256. */
  const expectedInstance = (v: string) => (v.length <= 63 ? v : `${v.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(v).digest('hex').slice(0, 8)}`);

  it('cuts a 66-character instance label to 63 characters with a hash, and keeps short ones as they were', () => {
    const objs = k8sObjectsOf(realistic, 'split');
    const dep = (name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
    const long = dep('customer-notification-preferences-api-v2');
    expect(long.metadata.labels['app.kubernetes.io/instance']).toBe('acme-retail-platform-prod-customer-notification-prefer-0714c9dc');
    expect(long.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'customer-notification-preferences-api-v2', 'app.kubernetes.io/instance': 'acme-retail-platform-prod-customer-notification-prefer-0714c9dc' });
    expect(long.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('acme-retail-platform-prod-customer-notification-prefer-0714c9dc');
    expect(dep('orders').metadata.labels['app.kubernetes.io/instance']).toBe('acme-retail-platform-prod-orders');
    // The Ingress's "<system>-<system>" is 51 characters: unchanged.
    expect(objs.find((o) => o.kind === 'Ingress')!.metadata.labels['app.kubernetes.io/instance']).toBe('acme-retail-platform-prod-acme-retail-platform-prod');
  });

  const variants: [string, object][] = [
    ['Ingress, canary, datastores', { withDatastores: true, canary: { unit: UNITS[1], percent: 10 } }],
    ['Gateway API, canary, datastores', { withDatastores: true, ingress: 'gateway-api', canary: { unit: UNITS[1], percent: 10 } }],
  ];
  for (const [name, opts] of variants) {
    it(`50-character names (${name}): every label value and object name is valid, selectors match their pods`, () => {
      const objs = k8sObjectsOf(hostile, 'split', opts);
      const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
      const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
      const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
      const badLabels: string[] = [];
      const badNames: string[] = [];
      const instanceOf = new Map<string, Set<string>>();
      for (const o of objs) {
        const labelSets: Record<string, string>[] = [o.metadata.labels ?? {}, o.spec?.selector?.matchLabels ?? {}, o.spec?.template?.metadata?.labels ?? {}, o.kind === 'Service' ? o.spec.selector : {}];
        for (const set of labelSets) {
          for (const [k, v] of Object.entries(set)) {
            if (v.length > 63 || !LABEL_VALUE.test(v)) badLabels.push(`${o.kind}/${o.metadata.name} ${k}=${v}`);
            if (k === 'app.kubernetes.io/instance') instanceOf.set(set['app.kubernetes.io/name']!, (instanceOf.get(set['app.kubernetes.io/name']!) ?? new Set()).add(v));
          }
        }
        const n: string = o.metadata.name;
        // A Service's name is a DNS-1035 label; a StatefulSet's pods carry "controller-revision-hash:
        // <name>-<10 characters>", a label value, so its name may have 52; any other a DNS subdomain.
        const max = o.kind === 'Service' ? 63 : o.kind === 'StatefulSet' ? 52 : 253;
        if (n.length > max || !(o.kind === 'Service' ? DNS_1035 : DNS_SUBDOMAIN).test(n)) badNames.push(`${o.kind}/${n}`);
      }
      expect(badLabels).toEqual([]);
      expect(badNames).toEqual([]);
      // One instance label per name, and no two names share one.
      const expected = [SYSTEM, ...UNITS, ...STORES].map((x) => [x, [expectedInstance(`${SYSTEM}-${x}`)]]);
      expect([...instanceOf].map(([k, v]) => [k, [...v]]).sort()).toEqual(expected.sort());
      expect(new Set(expected.map(([, [v]]) => v)).size).toBe(expected.length);
      // The cut that ended in "-" lost it: 62 characters, not "…-ab--<hash>".
      expect(expectedInstance(`${SYSTEM}-${UNITS[0]}`)).toMatch(new RegExp(`^${SYSTEM}-ab-[0-9a-f]{8}$`));
      // Each selector is exactly the name and instance labels its pods carry.
      for (const o of objs.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
        const pod = o.spec.template.metadata.labels;
        expect(o.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': pod['app.kubernetes.io/name'], 'app.kubernetes.io/instance': pod['app.kubernetes.io/instance'] });
        const svc = objs.find((x) => x.kind === 'Service' && x.metadata.name === o.metadata.name)!;
        expect(svc.spec.selector).toEqual(o.spec.selector.matchLabels);
      }
    });
  }
});

describe('a unit named like archsim’s own k8s folders', () => {
  // Unit "volumes" and filesystem store "service" both wrote k8s/volumes/service.yaml; unit
  // "datastores" and postgres store "deployment" both k8s/datastores/deployment.yaml.
  const dirs = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: dirs }
system:
  domains:
    a:
      tables: [t1]
      operations:
        x: { route: GET /a, cpu: 1ms, db: { reads: 1 } }
    b:
      tables: [t2]
      operations:
        y: { route: GET /b, cpu: 1ms, db: { writes: 1 } }
    c:
      operations:
        z: { route: GET /c, cpu: 1ms }
layouts:
  l:
    units:
      volumes: { domains: [a], port: 8080 }
      datastores: { domains: [b], port: 8081 }
      web: { domains: [c], port: 8082 }
    datastores:
      service: { engine: filesystem, tables: [t1] }
      deployment: { engine: postgres, tables: [t2] }
`);

  it('gets its files in unit_<name>/ while other units and the stores keep their folders', () => {
    const files = generate('k8s', dirs, 'l', { withDatastores: true });
    expect(files.map((f) => f.path)).toEqual([
      'k8s/datastores/deployment.yaml',
      'k8s/ingress.yaml',
      'k8s/kustomization.yaml',
      'k8s/unit_datastores/configmap.yaml',
      'k8s/unit_datastores/deployment.yaml',
      'k8s/unit_datastores/service.yaml',
      'k8s/unit_volumes/configmap.yaml',
      'k8s/unit_volumes/deployment.yaml',
      'k8s/unit_volumes/service.yaml',
      'k8s/volumes/service.yaml',
      'k8s/web/configmap.yaml',
      'k8s/web/deployment.yaml',
      'k8s/web/service.yaml',
    ]);
    const kinds = (path: string) => parseAllDocuments(files.find((f) => f.path === path)!.content).map((d) => `${(d.toJS() as Obj).kind}/${(d.toJS() as Obj).metadata.name}`);
    expect(kinds('k8s/volumes/service.yaml')).toEqual(['PersistentVolumeClaim/service-data']);
    expect(kinds('k8s/unit_volumes/service.yaml')).toEqual(['Service/volumes']);
    expect(kinds('k8s/datastores/deployment.yaml')).toEqual(['StatefulSet/deployment', 'Service/deployment']);
    expect(kinds('k8s/unit_datastores/deployment.yaml')).toEqual(['Deployment/datastores']);
    expect((parseYaml(files.find((f) => f.path === 'k8s/kustomization.yaml')!.content) as Obj).resources).toEqual([
      'unit_volumes/deployment.yaml',
      'unit_volumes/service.yaml',
      'unit_volumes/configmap.yaml',
      'unit_datastores/deployment.yaml',
      'unit_datastores/service.yaml',
      'unit_datastores/configmap.yaml',
      'web/deployment.yaml',
      'web/service.yaml',
      'web/configmap.yaml',
      'volumes/service.yaml',
      'datastores/deployment.yaml',
      'ingress.yaml',
    ]);
  });

  it('generate all no longer fails on two contents for one path', () => {
    const paths = generate('all', dirs, 'l', { withDatastores: true }).map((f) => f.path);
    expect(paths.filter((p) => /^k8s\/(unit_)?(volumes|datastores)\//.test(p))).toEqual([
      'k8s/datastores/deployment.yaml',
      'k8s/unit_datastores/configmap.yaml',
      'k8s/unit_datastores/deployment.yaml',
      'k8s/unit_datastores/service.yaml',
      'k8s/unit_volumes/configmap.yaml',
      'k8s/unit_volumes/deployment.yaml',
      'k8s/unit_volumes/service.yaml',
      'k8s/volumes/service.yaml',
    ]);
  });
});

describe('nginx variables of long unit names', () => {
  const withUnit = (unit: string) =>
    load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: gw }
system:
  domains:
    a:
      operations:
        x: { route: GET /a, cpu: 1ms }
layouts:
  l:
    gateway: { kind: nginx, port: 8000 }
    units:
      ${unit}: { domains: [a], port: 8080 }
`);
  const confOf = (unit: string) => generate('gateway', withUnit(unit), 'l')[0]!.content;
  const UNIT50 = long50('customer-notification-');
  const DIRECTIVE = '    variables_hash_bucket_size 128;';

  it('a 50-character unit gets its backend variable and a bucket size that holds it, in the http block', () => {
    const lines = confOf(UNIT50).split('\n');
    const at = lines.indexOf(DIRECTIVE);
    expect(lines.slice(at - 5, at + 2)).toEqual(['    map $http_upgrade $connection_upgrade {', '        default upgrade;', "        ''      close;", '    }', '', DIRECTIVE, '']);
    expect(lines.filter((l) => l === DIRECTIVE)).toEqual([DIRECTIVE]);
    expect(lines.filter((l) => l.includes('$backend_'))).toEqual([
      '            set $backend_customer_notification_xxxxxxxxxxxxxxxxxxxxxxxxxxxx ' + UNIT50 + ':8080;',
      '            proxy_pass http://$backend_customer_notification_xxxxxxxxxxxxxxxxxxxxxxxxxxxx;',
      '            set $backend_customer_notification_xxxxxxxxxxxxxxxxxxxxxxxxxxxx ' + UNIT50 + ':8080;',
      '            proxy_pass http://$backend_customer_notification_xxxxxxxxxxxxxxxxxxxxxxxxxxxx;',
    ]);
  });

  it('the directive comes with a variable longer than the default bucket holds (46), not before', () => {
    // "backend_" and 38 characters: 46, the longest the default holds; 39 is one too many.
    expect(confOf(long50('a').slice(0, 38)).split('\n')).not.toContain(DIRECTIVE);
    expect(confOf(long50('a').slice(0, 39)).split('\n')).toContain(DIRECTIVE);
  });

  it('nginx -t accepts the configuration for 50-, 39- and 38-character units (skipped without /usr/sbin/nginx)', (ctx) => {
    ctx.skip(!hasNginx, `${NGINX} is absent: cannot run nginx -t`);
    for (const unit of [UNIT50, long50('a').slice(0, 39), long50('a').slice(0, 38)]) expect(nginxTest(confOf(unit))).toEqual({ status: 0, stderr: '' });
    // The failure the directive prevents, so the check above is not vacuous.
    const without = confOf(UNIT50).replace(`${DIRECTIVE}\n\n`, '');
    expect(nginxTest(without).stderr).toMatch(/could not build variables_hash, you should increase variables_hash_bucket_size: 64/);
  });
});

describe('the gateway’s gRPC port at the top of the range', () => {
  const top = (unitPorts: [number, number]) =>
    load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: portclash }
system:
  domains:
    web:
      operations:
        home: { route: GET /, cpu: 1ms }
    rpc:
      operations:
        pub: { route: GET /rpc/pub, cpu: 1ms }
layouts:
  edge:
    gateway: { kind: nginx, port: 65535 }
    units:
      web: { domains: [web], port: ${unitPorts[0]} }
      rpc: { domains: [rpc], port: ${unitPorts[1]}, protocol: grpc }
`);

  it('takes the nearest free port below a gateway on 65535, in nginx, compose and k6 alike', () => {
    const bp = top([9090, 3000]);
    expect(gatewayGrpcPort(layoutToGenerate(bp, 'edge'))).toBe(65534);
    const files = generate('all', bp, 'edge');
    const conf = files.find((f) => f.path === 'gateway/nginx.conf')!.content.split('\n');
    expect(conf.filter((l) => l.includes('listen'))).toEqual(['        listen 65535;', '        listen 65534 http2;']);
    const compose = parseYaml(files.find((f) => f.path === 'docker-compose.yml')!.content) as Obj;
    expect(compose.services.gateway.ports).toEqual(['127.0.0.1:65535:65535', '127.0.0.1:65534:65534']);
    expect(k6GrpcCalls(bp, layoutToGenerate(bp, 'edge'), ['rpc.pub'], 'nginx')).toEqual([{ id: 'rpc.pub', unit: 'rpc', method: 'portclash.v1.Rpc/Pub', target: 'GRPC_ADDR', port: 65534 }]);
  });

  it('steps past a port a unit has, downwards as upwards', () => {
    expect(gatewayGrpcPort(layoutToGenerate(top([65534, 65533]), 'edge'))).toBe(65532);
  });
});
