// The generators' shared helpers (common.ts, escape.ts, grpc.ts, k6-operator.ts, monitoring.ts)
// by exact values: names, ports, quoting, the canary's and the TestRun's bounds on both sides.
// Milliseconds each: what the mutation run of src/generate runs first.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  byCodeUnit,
  checkCanary,
  dbName,
  envName,
  gatewayKind,
  gatewayPort,
  GenerateError,
  isNodeRuntime,
  isScaffolded,
  layoutToGenerate,
  monolithUnit,
  resources,
  toYaml,
  unitEnv,
} from '../../src/generate/common.js';
import { commentText, composeLiteral, markdownText, tsString } from '../../src/generate/escape.js';
import { grpcNames, grpcPackage, grpcPath, protoFile } from '../../src/generate/grpc.js';
import { generate, TARGETS } from '../../src/generate/index.js';
import { k6OperatorFiles } from '../../src/generate/k6-operator.js';
import { grafanaDashboard, prometheusConfig } from '../../src/generate/monitoring.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


/** Three units: `big` holds two domains, `a` and `b` one each; layout `tie` gives a and b one each. */
const bp = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop-2, title: Shop Two }
system:
  domains:
    a: { operations: { get: { route: GET /a, cpu: 1ms, calls: [b.put] } } }
    b: { operations: { put: { route: PUT /b, cpu: 1ms } } }
    c: { operations: { del: { route: DELETE /c, cpu: 1ms } } }
layouts:
  three:
    units:
      one: { domains: [a], port: 8000, env: { b: "2", B: "3", a: "1" } }
      big: { domains: [b, c], port: 8080, runtime: Node/fastify }
      last: { domains: [], port: 8888, runtime: nodex20 }
  tie:
    gateway: { kind: alb, port: 1023 }
    units:
      x: { domains: [a], port: 18000 }
      y: { domains: [b], port: 8001 }
      z: { domains: [c], port: 8002 }
  star:
    gateway: { kind: traefik, port: 1024 }
    units:
      first: { domains: [a, b], port: 9000 }
      rest: { domains: "*", port: 9001 }
catalog:
  tiny: { kind: compute, vcpu: 0.25, memoryMiB: 300, usdPerMonth: $1 }
`);

describe('names', () => {
  it('envName upper-cases, turns each run of other characters into one "_" and trims them', () => {
    expect(envName('auth-db')).toBe('AUTH_DB');
    expect(envName('--a..b--')).toBe('A_B');
    expect(envName('_x_')).toBe('X');
    expect(envName('a1.b2')).toBe('A1_B2');
  });

  it('dbName lower-cases and turns each run of other characters into one "_", untrimmed', () => {
    expect(dbName('Auth-DB')).toBe('auth_db');
    expect(dbName('-a..b-')).toBe('_a_b_');
  });

  it('byCodeUnit orders by UTF-16 code units, not the locale: upper case first, equal is 0', () => {
    expect(['b', 'B', 'a', 'é', 'e'].sort(byCodeUnit)).toEqual(['B', 'a', 'b', 'e', 'é']);
    expect(byCodeUnit('x', 'x')).toBe(0);
    expect(byCodeUnit('a', 'b')).toBe(-1);
    expect(byCodeUnit('b', 'a')).toBe(1);
  });

  it('a Node runtime is node, nodejs or typescript (any case), alone, before a version (nodejs20.x) or before anything but a letter, digit or _', () => {
    for (const rt of [undefined, 'node', 'Node/fastify', 'nodejs', 'NODEJS/express', 'typescript', 'node-20', 'node 20', 'nodejs20', 'node20', 'nodejs20.x', 'Node22.11.0/fastify', 'typescript5'])
      expect(isNodeRuntime({ runtime: rt }), String(rt)).toBe(true);
    for (const rt of ['nodex', 'nodex20', 'nodejs20x', 'node_20', 'deno', 'python/node', 'bun', '']) expect(isNodeRuntime({ runtime: rt }), rt).toBe(false);
    expect(isScaffolded({ runtime: 'node' })).toBe(true);
    expect(isScaffolded({ runtime: 'node', image: 'x:1' })).toBe(false);
    expect(isScaffolded({ runtime: 'go' })).toBe(false);
  });
});

describe('layout helpers', () => {
  it('a unit environment: PORT, SERVICE_NAME, NODE_ENV for Node only, the layout env sorted by code unit, callee URLs, the token', () => {
    const r = layoutToGenerate(bp, 'three');
    const env = (unit: string) => unitEnv(bp, r, r.wiring.find((w) => w.unit.name === unit)!);
    expect(env('one')).toEqual([
      { name: 'PORT', value: '8000' },
      { name: 'SERVICE_NAME', value: 'one' },
      { name: 'NODE_ENV', value: 'production' },
      { name: 'B', value: '3' },
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
      { name: 'BIG_URL', value: 'http://big:8080' },
      { name: 'SERVICE_TOKEN', secret: { compose: '${SERVICE_TOKEN:?set SERVICE_TOKEN in .env (see .env.example)}', secretName: 'shop-2-service-token', key: 'token' } },
    ]);
    // Called, so it checks the token; "nodex20" is no Node runtime: no NODE_ENV.
    expect(env('big').map((e) => e.name)).toEqual(['PORT', 'SERVICE_NAME', 'NODE_ENV', 'SERVICE_TOKEN']);
    expect(env('last')).toEqual([
      { name: 'PORT', value: '8888' },
      { name: 'SERVICE_NAME', value: 'last' },
    ]);
  });

  it('gatewayPort: the layout’s from 1024 up, else the first of 8000, 8080, 8888, 18000 no unit uses', () => {
    expect(gatewayPort(layoutToGenerate(bp, 'star'))).toBe(1024);
    // 1023 is privileged: the unprivileged gateway takes 8000 (unit x has 18000, not 8000).
    expect(gatewayPort(layoutToGenerate(bp, 'tie'))).toBe(8000);
    // No gateway: units on 8000, 8080 and 8888.
    expect(gatewayPort(layoutToGenerate(bp, 'three'))).toBe(18000);
  });

  it('the monolith is the unit running "*", else the first with the most domains (a tie keeps the first)', () => {
    expect(monolithUnit(bp, layoutToGenerate(bp, 'star')).name).toBe('rest');
    expect(monolithUnit(bp, layoutToGenerate(bp, 'three')).name).toBe('big');
    expect(monolithUnit(bp, layoutToGenerate(bp, 'tie')).name).toBe('x');
  });

  it('a canary: a known unit that is not the monolith, at 0 to 100 percent inclusive', () => {
    const r = layoutToGenerate(bp, 'three');
    expect(checkCanary(bp, r, {})).toBeUndefined();
    const star = layoutToGenerate(bp, 'star');
    for (const percent of [0, 100, 37.5]) {
      const c = checkCanary(bp, star, { canary: { unit: 'first', percent } })!;
      expect([c.unit.name, c.monolith.name, c.percent]).toEqual(['first', 'rest', percent]);
    }
    // No "*" unit: the one with most domains does not hold the canary's; only 100% (nothing to it) passes.
    const c = checkCanary(bp, r, { canary: { unit: 'one', percent: 100 } })!;
    expect([c.unit.name, c.monolith.name, c.percent]).toEqual(['one', 'big', 100]);
    for (const percent of [0, 99.999]) {
      expect(() => checkCanary(bp, r, { canary: { unit: 'one', percent } })).toThrow(
        new GenerateError(
          `--canary: the rest of one's traffic would go to big, which does not hold its domains (a): layout three has no "*" unit (the monolith whose code still serves them) to split with; use a plan step (generate gateway --plan) or 100%`,
        ),
      );
    }
    for (const percent of [-0.001, 100.001, Number.NaN]) {
      expect(() => checkCanary(bp, r, { canary: { unit: 'one', percent } })).toThrow(new GenerateError(`--canary: percentage must be between 0 and 100, got ${percent}`));
    }
    expect(() => checkCanary(bp, r, { canary: { unit: 'nope', percent: 5 } })).toThrow(new GenerateError('--canary: unknown unit "nope" in layout three; units: one, big, last'));
    expect(() => checkCanary(bp, r, { canary: { unit: 'big', percent: 5 } })).toThrow(new GenerateError("--canary: big is the layout's monolith; choose a unit that was split off"));
  });

  it('resources: the catalog entry’s, else 1 vCPU and 1024 MiB', () => {
    expect(resources(bp, 'tiny')).toEqual({ vcpu: 0.25, memoryMiB: 300 });
    expect(resources(bp, undefined)).toEqual({ vcpu: 1, memoryMiB: 1024 });
    expect(resources(bp, 'unknown')).toEqual({ vcpu: 1, memoryMiB: 1024 });
  });

  it('an unknown layout or target is a GenerateError naming the choices', () => {
    expect(() => layoutToGenerate(bp, 'nope')).toThrow(new GenerateError('unknown layout "nope"; layouts: three, tie, star'));
    expect(() => generate('nope' as never, bp, 'three')).toThrow(new GenerateError(`unknown target "nope"; targets: ${TARGETS.join(', ')}`));
  });

  it('"all" is scaffold, monitoring and k6, and the gateway only where the layout declares one; paths sorted', () => {
    const paths = (layout: string) => generate('all', bp, layout).map((f) => f.path);
    expect(paths('three').filter((p) => p.startsWith('gateway/'))).toEqual([]);
    expect(paths('star').filter((p) => p.startsWith('gateway/'))).toEqual(['gateway/traefik.yml']);
    const all = paths('star');
    expect(all).toEqual([...all].sort(byCodeUnit));
    expect(all).toContain('monitoring/prometheus.yml');
    expect(all).toContain('k6/load-test.js');
    // With the monitoring files, compose runs Prometheus and Grafana.
    expect(generate('all', bp, 'star').find((f) => f.path === 'docker-compose.yml')!.content).toMatch(/^ {2}prometheus:$/m);
  });
});

/** A unit per engine of its only store (MySQL, MinIO, S3 with "-" in their names), one with an S3 store before a MinIO one; Kafka and RabbitMQ brokers. */
const engines = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: engines }
system:
  domains:
    a: { tables: [t1], operations: { x: { route: GET /a, cpu: 1ms, db: { reads: 1 }, emits: [e.v] } } }
    b: { tables: [t2], operations: { y: { route: GET /b, cpu: 1ms, db: { reads: 1 } } } }
    c: { tables: [t3], operations: { z: { route: GET /c, cpu: 1ms, db: { reads: 1 } } } }
  events:
    e.v: { consumers: [c.z] }
layouts:
  kafka:
    gateway: { kind: traefik, port: 8080 }
    broker: { kind: kafka }
    units:
      ua: { domains: [a], port: 8000 }
      ub: { domains: [b], port: 8001 }
      uc: { domains: [c], port: 8002 }
    datastores:
      orders-db: { engine: mysql, tables: [t1] }
      media-store: { engine: minio, tables: [t2] }
      cold-s3: { engine: s3, tables: [t3] }
  rabbit:
    gateway: { kind: alb, port: 8080 }
    broker: { kind: rabbitmq }
    units:
      ua: { domains: [a], port: 8000 }
      rest: { domains: [b, c], port: 8001 }
    datastores:
      main: { engine: postgres, tables: [t1] }
      cold-s3: { engine: s3, tables: [t3] }
      media-store: { engine: minio, tables: [t2] }
`);

describe('a unit environment by store engine and broker kind', () => {
  const env = (layout: string, unit: string) => {
    const r = layoutToGenerate(engines, layout);
    return unitEnv(engines, r, r.wiring.find((w) => w.unit.name === unit)!).slice(3);
  };
  const keys = (prefix: string, store: string) => [
    { name: `${prefix}_ACCESS_KEY`, secret: { compose: `\${${envOf(store)}_ACCESS_KEY}`, secretName: `${store}-credentials`, key: 'access-key' } },
    { name: `${prefix}_SECRET_KEY`, secret: { compose: `\${${envOf(store)}_SECRET_KEY}`, secretName: `${store}-credentials`, key: 'secret-key' } },
  ];
  const envOf = (store: string) => store.toUpperCase().replace(/-/g, '_');

  it('MySQL alone is the DATABASE_URL; MinIO or S3 alone is S3_* with the bucket named for the store ("-" kept); Kafka’s URL holds no credentials, so it is a plain value', () => {
    expect(env('kafka', 'ua')).toEqual([
      { name: 'DATABASE_URL', secret: { compose: 'mysql://${ORDERS_DB_USER}:${ORDERS_DB_PASSWORD}@orders-db:3306/orders_db', secretName: 'orders-db-credentials', key: 'url' } },
      { name: 'BROKER_URL', value: 'kafka:9092' },
    ]);
    expect(env('kafka', 'ub')).toEqual([{ name: 'S3_ENDPOINT', value: 'http://media-store:9000' }, { name: 'S3_BUCKET', value: 'media-store' }, ...keys('S3', 'media-store')]);
    expect(env('kafka', 'uc')).toEqual([{ name: 'S3_ENDPOINT', value: 'http://cold-s3:9000' }, { name: 'S3_BUCKET', value: 'cold-s3' }, ...keys('S3', 'cold-s3'), { name: 'BROKER_URL', value: 'kafka:9092' }]);
  });

  it('a RabbitMQ URL holds credentials: a secret; a second object store that is MinIO gets its own URL and keys', () => {
    const amqp = { name: 'BROKER_URL', secret: { compose: 'amqp://${RABBITMQ_USER}:${RABBITMQ_PASSWORD}@rabbitmq:5672/', secretName: 'rabbitmq-credentials', key: 'url' } };
    expect(env('rabbit', 'ua')).toEqual([
      { name: 'DATABASE_URL', secret: { compose: 'postgres://${MAIN_USER}:${MAIN_PASSWORD}@main:5432/main', secretName: 'main-credentials', key: 'url' } },
      amqp,
    ]);
    expect(env('rabbit', 'rest')).toEqual([
      { name: 'S3_ENDPOINT', value: 'http://cold-s3:9000' },
      { name: 'S3_BUCKET', value: 'cold-s3' },
      ...keys('S3', 'cold-s3'),
      { name: 'MEDIA_STORE_URL', value: 'http://media-store:9000' },
      ...keys('MEDIA_STORE', 'media-store'),
      amqp,
    ]);
  });

  it('gatewayKind: the option, else the layout’s kong, traefik or nginx, else nginx', () => {
    expect(gatewayKind(layoutToGenerate(engines, 'kafka'), {})).toBe('traefik');
    expect(gatewayKind(layoutToGenerate(engines, 'rabbit'), {})).toBe('nginx');
    expect(gatewayKind(layoutToGenerate(engines, 'rabbit'), { kind: 'kong' })).toBe('kong');
    expect(gatewayKind(layoutToGenerate(bp, 'three'), {})).toBe('nginx');
  });
});

describe('toYaml', () => {
  it('double-quotes exactly the strings a YAML 1.1 reader could misread, and keeps the rest plain', () => {
    const v = { yes: 'yes', No: 'No', tilde: '~', nul: 'NULL', num: '1.5', time: '12:30', dash: '-1', under: '1_000', colon: 'a: b', hash: 'a #b', star: '*x', amp: '&x', bang: '!x', pct: '%x', at: '@x', tick: '`x', q1: "'x", q2: '"x', brace: '{x', bracket: '[x', pipe: '|x', gt: '>x', qm: '?x', comma: ',x', empty: '', plain: 'plain text', colon2: 'a:b', hash2: 'a#b', word: 'yesno', five: 5, n: 'n' };
    expect(toYaml(v)).toBe(
      [
        // Keys too: a YAML 1.1 reader takes a bare yes/No key for a boolean.
        '"yes": "yes"',
        '"No": "No"',
        'tilde: "~"',
        'nul: "NULL"',
        'num: "1.5"',
        'time: "12:30"',
        'dash: "-1"',
        'under: "1_000"',
        'colon: "a: b"',
        'hash: "a #b"',
        'star: "*x"',
        'amp: "&x"',
        'bang: "!x"',
        'pct: "%x"',
        'at: "@x"',
        'tick: "`x"',
        `q1: "'x"`,
        'q2: "\\"x"',
        'brace: "{x"',
        'bracket: "[x"',
        'pipe: "|x"',
        'gt: ">x"',
        'qm: "?x"',
        'comma: ",x"',
        'empty: ""',
        'plain: plain text',
        'colon2: a:b',
        'hash2: a#b',
        'word: yesno',
        'five: 5',
        '"n": "n"',
        '',
      ].join('\n'),
    );
  });

  it('a header becomes comment lines (an empty line stays empty), no line folding, no anchors', () => {
    const shared = { k: 'v' };
    const long = 'x '.repeat(100).trim();
    expect(toYaml({ a: shared, b: shared, long }, 'one\n\ntwo')).toBe(`# one\n\n# two\n\na:\n  k: v\nb:\n  k: v\nlong: ${long}\n`);
    expect(toYaml({ list: ['a'] })).toBe('list:\n  - a\n');
  });
});

describe('escape', () => {
  it('commentText: one line, no comment delimiters, whitespace collapsed, cut at max with an ellipsis', () => {
    expect(commentText('a\r\n\tb\u2028c\u2029d\u0085e\u007ff')).toBe('a b c d e f');
    expect(commentText('  x */ y /* z  ')).toBe('x * / y / * z');
    expect(commentText('a  b\t\t c')).toBe('a b c');
    expect(commentText('abcdef', 6)).toBe('abcdef');
    expect(commentText('abcdefg', 6)).toBe('abcde…');
    expect(commentText('x'.repeat(500))).toBe('x'.repeat(500));
    expect(commentText('x'.repeat(501))).toBe(`${'x'.repeat(499)}…`);
  });

  it('tsString, composeLiteral, markdownText', () => {
    expect(tsString('a"b\\c\n\u2028\u2029')).toBe('"a\\"b\\\\c\\n\\u2028\\u2029"');
    expect(composeLiteral('$A ${B} $$')).toBe('$$A $${B} $$$$');
    expect(markdownText('a|b `c` *d* _e_ [f] <g> #h \\i')).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\<g\\> \\#h \\\\i');
    expect(markdownText('ab\ncd', 4)).toBe('ab …');
  });
});

describe('gRPC names', () => {
  it('the package: the system name lower-cased, runs of other characters "_", trimmed, starting with a letter', () => {
    // A blueprint's name is a DNS label; the package rule holds for any name all the same.
    const named = (name: string) => ({ metadata: { name } }) as Blueprint;
    expect(grpcPackage(named('9 Lives!'))).toBe('x9_lives.v1');
    expect(grpcPackage(named('_Big  Shop_'))).toBe('big_shop.v1');
    expect(grpcPackage(bp)).toBe('shop_2.v1');
  });

  it('services and methods are PascalCase, unique (a numeral from 2 on), never a message name', () => {
    const g = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: g }
system:
  domains:
    operation-input: { operations: { get-all: { route: GET /a, cpu: 1ms }, get_all: { route: GET /b, cpu: 1ms }, getAll: { route: GET /c, cpu: 1ms } } }
    operation_input: { operations: { x: { route: GET /e, cpu: 1ms } } }
layouts: { l: { units: { u: { domains: "*", port: 8000 } } } }
`);
    const names = grpcNames(g);
    expect(names.package).toBe('g.v1');
    expect(names.services.get('operation-input')!.service).toBe('OperationInput2');
    expect(names.services.get('operation_input')!.service).toBe('OperationInput3');
    expect([...names.services.get('operation-input')!.methods]).toEqual([
      ['get-all', 'GetAll'],
      ['get_all', 'GetAll2'],
      ['getAll', 'GetAll3'],
    ]);
    expect(grpcPath(names, 'operation_input', 'x')).toBe('/g.v1.OperationInput3/X');
    expect(protoFile(g, ['operation_input']).split('\n').slice(-5)).toEqual(['', 'service OperationInput3 {', '  rpc X (OperationInput) returns (OperationResult);', '}', '']);
  });
});

describe('k6-operator', () => {
  const script = 'export default function () {}\n';
  const run = (parallelism: number, extra: { baseUrl?: string; files?: { name: string; content: string }[] } = { baseUrl: 'http://gw:8000' }) => k6OperatorFiles(bp, 'three', script, { parallelism, ...extra });

  it('parallelism is a whole number from 1 to 1000', () => {
    for (const p of [1, 1000]) expect(parseAllDocuments(run(p)[0]!.content)[1]!.toJS().spec.parallelism).toBe(p);
    for (const p of [0, 1001, 2.5, Number.NaN]) expect(() => run(p)).toThrow(new GenerateError(`--parallelism must be a whole number from 1 to 1000, not ${p}`));
    expect(() => run(2, {})).toThrow(new GenerateError('--k6-operator needs --base-url: the address of the system as the runner pods reach it (e.g. http://my-system-gateway:8000)'));
  });

  it('the whole file: names from the system and layout as DNS labels, one runner or several', () => {
    expect(run(1)[0]).toEqual({
      path: 'k6/testrun.yaml',
      content: `# k6-operator TestRun for shop-2, layout three: 1 runner.
# Generated by archsim. Needs the k6-operator (https://github.com/grafana/k6-operator); apply: kubectl apply -f k6/testrun.yaml
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-2-three-load-script
  labels:
    app.kubernetes.io/name: shop-2
    app.kubernetes.io/component: load-test
    app.kubernetes.io/managed-by: archsim
data:
  load-test.js: |
    export default function () {}
---
apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: shop-2-three-load
  labels:
    app.kubernetes.io/name: shop-2
    app.kubernetes.io/component: load-test
    app.kubernetes.io/managed-by: archsim
spec:
  parallelism: 1
  script:
    configMap:
      name: shop-2-three-load-script
      file: load-test.js
  runner:
    env:
      - name: BASE_URL
        value: http://gw:8000
    securityContext:
      runAsNonRoot: true
      runAsUser: 12345
      runAsGroup: 12345
    resources:
      requests:
        cpu: 500m
        memory: 256Mi
      limits:
        cpu: "1"
        memory: 1Gi
`,
    });
    expect(run(2)[0]!.content.split('\n')[0]).toBe('# k6-operator TestRun for shop-2, layout three: 2 runners.');
    // A long value stays on one line (YAML would fold it at 80 characters).
    const url = `http://${'g'.repeat(90)}.example:8000 x`;
    expect(run(1, { baseUrl: url })[0]!.content).toContain(`        value: ${url}\n`);
  });

  it('a name cut at 63 characters without a trailing "-"', () => {
    const name = `${'a'.repeat(48)}-b`;
    const long = load(`apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: ${name} }\nsystem: { domains: { a: { operations: { x: { route: GET /x, cpu: 1ms } } } } }\nlayouts: { l: { units: { u: { domains: "*", port: 8000 } } }, l-xy: { units: { u: { domains: "*", port: 8000 } } } }\n`);
    const nameOf = (layout: string) => parseAllDocuments(k6OperatorFiles(long, layout, script, { parallelism: 1, baseUrl: 'http://x' })[0]!.content)[1]!.toJS().metadata;
    // "<50 characters>-l-load" is 57 characters; "<50>-l-xy-load" 63: both whole.
    expect(nameOf('l').name).toBe(`${name}-l-load`);
    expect(nameOf('l-xy').name).toBe(`${name}-l-xy-load`);
    expect(nameOf('l').labels['app.kubernetes.io/name']).toBe(name);
    // Longer: cut at 63, and a "-" left at the end by the cut goes too.
    const longer = load(`apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: ${name} }\nsystem: { domains: { a: { operations: { x: { route: GET /x, cpu: 1ms } } } } }\nlayouts: { l-xyz123: { units: { u: { domains: "*", port: 8000 } } }, l-xy-ab-cde: { units: { u: { domains: "*", port: 8000 } } } }\n`);
    const cut = (layout: string) => parseAllDocuments(k6OperatorFiles(longer, layout, script, { parallelism: 1, baseUrl: 'http://x' })[0]!.content)[1]!.toJS().metadata.name;
    expect(cut('l-xyz123')).toBe(`${name}-l-xyz123-loa`);
    expect(cut('l-xy-ab-cde')).toBe(`${name}-l-xy-ab-cde`);
  });

  it('a run of "-" in a layout name (a DNS label may hold one) becomes one "-"', () => {
    const odd = load(`apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: odd }\nsystem: { domains: { a: { operations: { x: { route: GET /x, cpu: 1ms } } } } }\nlayouts: { l--x: { units: { u: { domains: "*", port: 8000 } } } }\n`);
    expect(parseAllDocuments(k6OperatorFiles(odd, 'l--x', script, { parallelism: 1, baseUrl: 'http://x' })[0]!.content)[1]!.toJS().metadata.name).toBe('odd-l-x-load');
  });

  it('the ConfigMap holds the script and its files up to 1 MiB less 4 KiB, byte for byte', () => {
    const limit = 1024 * 1024 - 4096;
    const files = [{ name: 'system.proto', content: 'é'.repeat(1000) }];
    const fits = 'x'.repeat(limit - script.length - 2000);
    expect(() => k6OperatorFiles(bp, 'three', script + fits, { parallelism: 1, baseUrl: 'http://x', files })).not.toThrow();
    expect(() => k6OperatorFiles(bp, 'three', script + fits + 'x', { parallelism: 1, baseUrl: 'http://x', files })).toThrow(new GenerateError('k6-operator: the script is too large for a ConfigMap (1 MiB)'));
    const cm = parseAllDocuments(run(1, { baseUrl: 'http://x', files })[0]!.content)[0]!.toJS();
    expect(cm.data).toEqual({ 'load-test.js': script, 'system.proto': 'é'.repeat(1000) });
  });
});

describe('monitoring', () => {
  it('the Prometheus file: one job per scraped unit, the others named in the header', () => {
    expect(prometheusConfig(bp, 'three')).toBe(`# Prometheus scrape configuration for the compose file: one job per unit archsim scaffolds (they export /metrics), every replica by DNS.
# Not scraped (their own code; add a job if they export metrics): last.
# On Kubernetes, scrape pods by their prometheus.io/* annotations instead (kubernetes_sd_configs).
# Generated by archsim from blueprint "shop-2", layout "three". Regenerate rather than edit:
# archsim generate … --layout three --force

global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: one
    metrics_path: /metrics
    dns_sd_configs:
      - names:
          - one
        type: A
        port: 8000
        refresh_interval: 30s
    relabel_configs:
      - target_label: unit
        replacement: one
      - target_label: layout
        replacement: three
  - job_name: big
    metrics_path: /metrics
    dns_sd_configs:
      - names:
          - big
        type: A
        port: 8080
        refresh_interval: 30s
    relabel_configs:
      - target_label: unit
        replacement: big
      - target_label: layout
        replacement: three
`);
    // Every unit scraped: no "Not scraped" line, and no empty one in its place.
    expect(prometheusConfig(bp, 'tie').split('\n').slice(0, 6)).toEqual([
      '# Prometheus scrape configuration for the compose file: one job per unit archsim scaffolds (they export /metrics), every replica by DNS.',
      '# On Kubernetes, scrape pods by their prometheus.io/* annotations instead (kubernetes_sd_configs).',
      '# Generated by archsim from blueprint "shop-2", layout "tie". Regenerate rather than edit:',
      '# archsim generate … --layout tie --force',
      '',
      'global:',
    ]);
  });

  it('the dashboard: a row and three panels per unit, ids and positions in order, the uid cut at 40', () => {
    const d = grafanaDashboard(bp, 'three') as { title: string; uid: string; tags: string[]; panels: { id: number; type: string; title: string; gridPos: object; targets?: { refId: string; expr: string; legendFormat: string }[] }[] };
    expect(d.title).toBe('Shop Two — three (RED)');
    expect(d.uid).toBe('archsim-shop-2-three');
    expect(d.tags).toEqual(['archsim', 'shop-2', 'three']);
    expect(d.panels.map((p) => [p.id, p.type, p.title, p.gridPos])).toEqual([
      [1, 'row', 'one (a)', { h: 1, w: 24, x: 0, y: 0 }],
      [2, 'timeseries', 'one: request rate', { h: 8, w: 8, x: 0, y: 1 }],
      [3, 'timeseries', 'one: error ratio (5xx)', { h: 8, w: 8, x: 8, y: 1 }],
      [4, 'timeseries', 'one: duration', { h: 8, w: 8, x: 16, y: 1 }],
      [5, 'row', 'big (b, c)', { h: 1, w: 24, x: 0, y: 9 }],
      [6, 'timeseries', 'big: request rate', { h: 8, w: 8, x: 0, y: 10 }],
      [7, 'timeseries', 'big: error ratio (5xx)', { h: 8, w: 8, x: 8, y: 10 }],
      [8, 'timeseries', 'big: duration', { h: 8, w: 8, x: 16, y: 10 }],
    ]);
    expect(d.panels[3]!.targets!.map((t) => [t.refId, t.legendFormat, t.expr])).toEqual([
      ['A', 'p50', 'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="one"}[$__rate_interval])))'],
      ['B', 'p95', 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="one"}[$__rate_interval])))'],
      ['C', 'p99', 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="one"}[$__rate_interval])))'],
    ]);
    expect(d.panels[2]!.targets![0]!.expr).toBe('sum(rate(http_request_duration_seconds_count{job="one",status_code=~"5.."}[$__rate_interval])) / clamp_min(sum(rate(http_request_duration_seconds_count{job="one"}[$__rate_interval])), 1e-9)');
    expect(d.panels[1]!.targets).toEqual([{ refId: 'A', datasource: { type: 'prometheus', uid: '${datasource}' }, expr: 'sum by (route) (rate(http_request_duration_seconds_count{job="one"}[$__rate_interval]))', legendFormat: '{{route}}' }]);
    const long = load(`apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: a-very-long-system-name, title: T }\nsystem: { domains: { a: { operations: { x: { route: GET /x, cpu: 1ms } } } } }\nlayouts: { the-layout-name: { units: { u: { domains: "*", port: 8000 } } } }\n`);
    const dl = grafanaDashboard(long, 'the-layout-name') as { uid: string; title: string };
    expect(dl.uid).toBe('archsim-a-very-long-system-name-the-layo');
    expect(dl.uid).toHaveLength(40);
    expect(dl.title).toBe('T — the-layout-name (RED)');
  });
});
