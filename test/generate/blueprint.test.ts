// Generators honour the blueprint (issue 17): a unit with `image:` is run as it is (no build, no
// scaffold), probes follow what a container serves (gRPC health for a gRPC image, never a Node
// one-liner in a non-Node image), only Node units get TypeScript, a gateway only where the
// layout declares one, Prometheus and Grafana in compose with the monitoring files, and the
// scaffold has a handler for every operation of every domain a unit holds and a typed client
// for every call. Every file is checked against its real format (compose-spec, Kubernetes models).
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { parse, parseAllDocuments } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { composeErrors } from './compose-schema.js';


/** A shop: a Node front, a Java gRPC catalog image, a Go cart, a Node orders service. */
const SHOP = readFileSync(new URL('../fixtures/generate/shop.yaml', import.meta.url), 'utf8');

function load(text = SHOP) {
  const r = parseBlueprint(text, 'shop.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}
const bp = load();

type Obj = Record<string, any>;
const file = (files: { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not generated; files: ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};

function compose(files: { path: string; content: string }[]): { services: Record<string, Obj>; volumes: Obj } {
  const doc = parse(file(files, 'docker-compose.yml'));
  expect(composeErrors(doc)).toEqual([]);
  return doc;
}

function k8s(files: { path: string; content: string }[]): Obj[] {
  const MODELS: Record<string, new (o: any) => { validate(): void }> = { Deployment, Service, ConfigMap, Ingress };
  const objs: Obj[] = [];
  for (const f of files.filter((x) => x.path.startsWith('k8s/') && x.path !== 'k8s/kustomization.yaml')) {
    for (const d of parseAllDocuments(f.content)) {
      const o = d.toJS() as Obj;
      const Model = MODELS[o.kind];
      expect(Model, o.kind).toBeDefined();
      new Model!(o).validate();
      objs.push(o);
    }
  }
  return objs;
}

// Generated in beforeEach, not in the describe's body: a mutation run attributes code run while
// the file is collected to no test, so no check here would run against a generator's mutant.
describe('a unit with image: and protocol: grpc', () => {
  let files: ReturnType<typeof generate>;
  let services: ReturnType<typeof compose>['services'];
  let objs: ReturnType<typeof k8s>;
  beforeEach(() => {
    files = generate('all', bp, 'split');
    services = compose(files).services;
    objs = k8s(files);
  });
  const deployment = (name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;

  it('compose runs the image as it is: no build, a gRPC health check, its own env, no NODE_ENV', () => {
    const s = services['catalog-svc']!;
    expect(s.image).toBe('registry.example.com/shop/catalog:1.4');
    expect(s.build).toBeUndefined();
    const test = (s.healthcheck.test as string[]).join(' ');
    expect(test).toMatch(/^CMD grpc_health_probe -addr=127\.0\.0\.1:50051/);
    expect(test).not.toMatch(/node|fetch|\/health|http:/);
    expect(s.environment.JAVA_OPTS).toBe('-Xmx256m');
    expect(s.environment.NODE_ENV).toBeUndefined();
    expect(s.environment.DATABASE_URL).toBe('postgres://${PRODUCTS_USER}:${PRODUCTS_PASSWORD}@products:5432/products');
  });

  it('Kubernetes probes it with the grpc probe, names its port grpc and does not scrape it', () => {
    const c = deployment('catalog-svc').spec.template.spec.containers[0];
    expect(c.image).toBe('registry.example.com/shop/catalog:1.4');
    expect(c.livenessProbe).toMatchObject({ grpc: { port: 50051 } });
    expect(c.readinessProbe).toMatchObject({ grpc: { port: 50051 } });
    expect(JSON.stringify(c)).not.toMatch(/httpGet/);
    expect(c.ports).toEqual([{ name: 'grpc', containerPort: 50051, protocol: 'TCP' }]);
    expect(deployment('catalog-svc').spec.template.metadata.annotations).toBeUndefined();
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'catalog-svc')!;
    expect(svc.spec.ports[0]).toMatchObject({ name: 'grpc', appProtocol: 'kubernetes.io/h2c', port: 50051 });
    const cfg = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'catalog-svc-config')!;
    expect(cfg.data.NODE_ENV).toBeUndefined();
  });

  it('its callers get a gRPC target, not an HTTP URL, for it', () => {
    // web calls catalog by the layout's protocol (grpc), orders-svc by the call's own (grpc).
    for (const caller of ['web', 'orders-svc']) {
      expect(services[caller]!.environment.CATALOG_SVC_GRPC_ADDR, caller).toBe('catalog-svc:50051');
      expect(services[caller]!.environment.CATALOG_SVC_URL, caller).toBeUndefined();
    }
  });

  it('gets no scaffold, and the README says what runs it', () => {
    expect(files.filter((f) => f.path.startsWith('services/catalog-svc/'))).toEqual([]);
    const readme = file(files, 'README.md');
    expect(readme).toContain('| `catalog-svc` | catalog | 50051 | 1 | 2 | 0 | 1 | gRPC | image `registry.example.com/shop/catalog:1.4`, run as it is |');
    expect(readme).toMatch(/`catalog-svc` runs the image `registry\.example\.com\/shop\/catalog:1\.4` as it is/);
    expect(readme).toMatch(/grpc_health_probe/);
  });
});

describe('runtime: only Node units get TypeScript', () => {
  let files: ReturnType<typeof generate>;
  let services: ReturnType<typeof compose>['services'];
  beforeEach(() => {
    files = generate('all', bp, 'split');
    services = compose(files).services;
  });

  it('a Go unit gets its deploy files, a build context, a runtime-neutral health check and a README note', () => {
    expect(files.filter((f) => f.path.startsWith('services/cart-svc/'))).toEqual([]);
    const s = services['cart-svc']!;
    expect(s.build).toEqual({ context: './services/cart-svc' });
    // served by gRPC (the layout's protocol): the gRPC health check, whatever its language
    expect((s.healthcheck.test as string[]).join(' ')).toMatch(/^CMD grpc_health_probe -addr=127\.0\.0\.1:50052/);
    expect(file(files, 'k8s/cart-svc/deployment.yaml')).toContain('grpc:');
    expect(file(files, 'README.md')).toMatch(/`cart-svc` runs go: put its code and a `Dockerfile` in `services\/cart-svc\/`.*gRPC with the standard gRPC health service on port 50052/);
  });

  it('an HTTP unit on another runtime is checked with wget or curl, never node', () => {
    const text = SHOP.replace('orders-svc: { domains: [orders], port: 8090, protocol: http }', 'orders-svc: { domains: [orders], port: 8090, protocol: http, runtime: dotnet }');
    const s = compose(generate('compose', load(text), 'split')).services['orders-svc']!;
    expect(s.healthcheck.test).toEqual(['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8090/health || curl -fsS -o /dev/null http://127.0.0.1:8090/health']);
    expect(s.environment.NODE_ENV).toBeUndefined();
  });

  it('Node units get the scaffold; the workspaces list only them', () => {
    expect(JSON.parse(file(files, 'package.json')).workspaces).toEqual(['services/web', 'services/orders-svc']);
    expect(services.web!.environment.NODE_ENV).toBe('production');
    expect(services.web!.environment.FEATURE).toBe('on');
  });

  it('a layout with no Node unit has no workspace root, and its README says so', () => {
    const text = SHOP.replace('units: { app: { domains: "*", port: 8080 } }', 'units: { app: { domains: "*", port: 8080, runtime: python/fastapi } }');
    const files = generate('scaffold', load(text), 'mono');
    expect(files.map((f) => f.path).filter((p) => p === 'package.json' || p.startsWith('services/'))).toEqual([]);
    expect(file(files, 'README.md')).toMatch(/`app` runs python\/fastapi: put its code/);
    expect(file(files, 'README.md')).not.toContain('npm test');
  });
});

describe('a gateway only where the layout declares one', () => {
  it('no gateway service and no gateway file when the layout has none; each routed unit publishes its port', () => {
    const files = generate('all', bp, 'split');
    const services = compose(files).services;
    expect(services.gateway).toBeUndefined();
    expect(files.map((f) => f.path).filter((p) => p.startsWith('gateway/'))).toEqual([]);
    expect(services.web!.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(services['orders-svc']!.ports).toEqual(['127.0.0.1:8090:8090']);
    expect(services['catalog-svc']!.ports).toBeUndefined();
    // The monolith's `generate all` writes no gateway config either.
    expect(generate('all', bp, 'mono').map((f) => f.path).filter((p) => p.startsWith('gateway/'))).toEqual([]);
  });

  it('a declared gateway is in compose, its file in `all`, and it is the only published port of the units', () => {
    const files = generate('all', bp, 'gated');
    const services = compose(files).services;
    expect(services.gateway!.volumes).toEqual(['./gateway/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(files.map((f) => f.path)).toContain('gateway/nginx.conf');
    expect(services.web!.ports).toBeUndefined();
    expect(services.rest!.ports).toBeUndefined();
  });
});

describe('monitoring in compose', () => {
  it('`all` runs Prometheus and Grafana on the generated files; Prometheus scrapes only units that export /metrics', () => {
    const files = generate('all', bp, 'split');
    const { services, volumes } = compose(files);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:v/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:/);
    expect(volumes).toHaveProperty('prometheus-data');
    // Every file compose mounts from the repository is generated.
    const paths = new Set(files.map((f) => f.path));
    for (const [name, s] of Object.entries(services)) {
      for (const v of (s.volumes ?? []) as string[]) {
        if (!v.startsWith('./')) continue;
        const src = v.slice(2).split(':')[0]!;
        expect([...paths].some((p) => p === src || p.startsWith(`${src}/`)), `${name} mounts ${src}`).toBe(true);
      }
    }
    const prom = parse(file(files, 'monitoring/prometheus.yml'));
    expect(prom.scrape_configs.map((j: Obj) => j.job_name)).toEqual(['web', 'orders-svc']);
    expect(prom.scrape_configs[0].dns_sd_configs).toEqual([{ names: ['web'], type: 'A', port: 8080, refresh_interval: '30s' }]);
    expect(file(files, 'monitoring/prometheus.yml')).toContain('Not scraped (their own code; add a job if they export metrics): catalog-svc, cart-svc.');
    const env = file(files, '.env.example');
    expect(env).toMatch(/^GRAFANA_ADMIN_PASSWORD=change-me/m);
    expect(env).toMatch(/^SERVICE_TOKEN=change-me/m);
    const ds = parse(file(files, 'monitoring/grafana/provisioning/datasources/prometheus.yml'));
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: '$PROMETHEUS_URL', isDefault: true });
    expect(services.grafana!.environment.PROMETHEUS_URL).toBe('http://prometheus:9090');
  });

  it('compose alone has no monitoring services; a unit named prometheus keeps its name', () => {
    expect(compose(generate('compose', bp, 'split')).services.prometheus).toBeUndefined();
    const text = SHOP.replace('units: { app: { domains: "*", port: 8080 } }', 'units: { prometheus: { domains: "*", port: 8080 } }');
    const services = compose(generate('all', load(text), 'mono')).services;
    expect(services.prometheus!.build).toEqual({ context: '.', dockerfile: 'services/prometheus/Dockerfile' });
    expect(services['prometheus-2']!.image).toMatch(/^prom\/prometheus:/);
    expect(services.grafana!.environment.PROMETHEUS_URL).toBe('http://prometheus-2:9090');
  });
});

describe('scaffolds in the style of the reference services', () => {
  it('the monolith has a handler for every operation of every domain', () => {
    const files = generate('scaffold', bp, 'mono');
    for (const [domain, d] of Object.entries(bp.system.domains)) {
      const handlers = file(files, `services/app/src/handlers/${domain}.ts`);
      for (const op of Object.keys(d.operations)) expect(handlers, `${domain}.${op}`).toContain(`throw new NotImplemented("${domain}.${op}")`);
    }
    const clients = file(files, 'services/app/src/clients.ts');
    for (const d of ['front', 'catalog', 'cart', 'orders']) expect(clients).toMatch(new RegExp(`clients\\.${d} = create\\w+\\(clients\\);`));
    expect(clients).not.toContain('httpClient');
    // An internal service is not "routes 0": its operations and internal endpoints are counted.
    expect(file(files, 'README.md')).toContain('| `app` | front, catalog, cart, orders | 8080 | 1 | 7 | 3 | 0 | HTTP | TypeScript scaffold |');
  });

  it('clients are in-process inside a unit, HTTP to a Node unit, a typed gRPC client on the system .proto to a gRPC server', () => {
    const files = generate('scaffold', bp, 'split');
    const web = file(files, 'services/web/src/clients.ts');
    expect(web).toContain('clients.front = createFront(clients);');
    expect(web).toContain('clients.catalog = grpcClient<CatalogClient>(env.CATALOG_SVC_GRPC_ADDR ?? "catalog-svc:50051", "catalog", "shop.v1.Catalog", [["list", "list", "List"]], token);');
    expect(web).toContain('clients.cart = grpcClient<CartClient>(env.CART_SVC_GRPC_ADDR ?? "cart-svc:50052", "cart", "shop.v1.Cart", [["get", "get", "Get"]], token);');
    // The .proto the client calls by is written beside it, and names those services and methods.
    const proto = file(files, 'services/web/proto/system.proto');
    expect(proto).toContain('package shop.v1;');
    expect(proto).toMatch(/service Catalog \{\n  rpc List \(OperationInput\) returns \(OperationResult\);/);
    expect(web).toContain('clients.orders = httpClient<OrdersClient>(env.ORDERS_SVC_URL ?? "http://orders-svc:8090", "orders", [["place", "place"]], token);');
    // The caller's contract holds only what it calls; the callee's all of its operations.
    expect(file(files, 'services/web/src/contracts/orders.ts')).not.toContain('HistoryInput');
    expect(file(files, 'services/orders-svc/src/contracts/orders.ts')).toContain('export interface HistoryInput {\n  params: { orderId: string };');
    // orders.place is called by web: an internal endpoint behind the service token.
    const routes = file(files, 'services/orders-svc/src/routes.ts');
    expect(routes).toContain('url: "/internal/orders/place"');
    expect(routes).toMatch(/url: "\/internal\/orders\/place", schema: .*, onRequest: internal, handler/);
    expect(file(files, 'services/orders-svc/src/handlers/orders.ts')).toContain('calls clients.cart.get(…), clients.catalog.list(…)');
  });

  it('a runtime with hostile text lands escaped in the README', () => {
    const text = SHOP.replace('runtime: go }', 'runtime: "go\\n# injected | `x` <script>" }');
    const readme = file(generate('scaffold', load(text), 'split'), 'README.md');
    expect(readme).not.toMatch(/^# injected/m);
    expect(readme).not.toContain('<script>');
    expect(readme).toContain('go \\# injected \\| \\`x\\` \\<script\\>');
  });
});
