// A starter repository for a layout: one TypeScript fastify service per Node unit, in the style
// of the reference services (a contract and a typed client per domain, a handler for every
// operation of every domain the unit holds, clients in-process inside the unit and over HTTP to
// other units, service-token-checked internal endpoints, /health, /ready, /metrics, graceful
// shutdown, a Dockerfile and a test), npm workspaces at the root, and the compose and
// Kubernetes files of the same layout. A unit with an image or another runtime gets its deploy
// files and a note in the README, no code. Pure: returns the files.
import { callProtocol, operationIndex, type EffectiveOperation, type ResolvedLayout, type ResolvedUnit } from '../model/resolve.js';
import type { RouteEntry } from '../model/routes.js';
import type { Blueprint, Call, Protocol } from '../model/schema.js';
import { APP_UID, byCodeUnit, calleeVariables, dataDirNote, filesystemStores, isScaffolded, layoutToGenerate, probeProtocol, refuseScaffoldPaths, startReplicas, unitProtocol, usesServiceToken, type GenerateOptions, type GeneratedFile } from './common.js';
import { composeFiles } from './compose.js';
import { bodyLimitMiB, largestRequest } from './gateway.js';
import { commentText, markdownText, tsString } from './escape.js';
import { grpcNames, HEALTH_PROTO, protoFile, type GrpcNames } from './grpc.js';
import { k8sFiles } from './k8s.js';
import { clustered, clusterTs, WORKERS_ENV } from './scaffold-workers.js';
import { grpcMainTs, mainTs } from './scaffold-main.js';
import { CHECK_HEALTH_TS, GRPC_REMOTE_TS, GRPC_VERSIONS, grpcMethods, grpcServerTs, grpcTestTs, healthCheckTs, PROTO_TS } from './scaffold-grpc.js';

/** Versions the generated repository pins: known to install and run on Node 20. */
export const SCAFFOLD_VERSIONS = {
  fastify: '5.12.8',
  'prom-client': '15.1.3',
  typescript: '5.9.3',
  '@types/node': '20.19.43',
} as const;

interface Endpoint {
  op: string;
  domain: string;
  name: string;
  method: string;
  /** fastify path (":param"). */
  url: string;
  /** A concrete path for tests. */
  sample: string;
  params: string[];
  body: boolean;
  internal: boolean;
  websocket: boolean;
  summary: string;
}

/** One operation a unit's code knows: one it holds (a handler) or one it calls (a client method). */
interface OpInfo {
  id: string;
  domain: string;
  name: string;
  /** client method name, unique in its domain */
  method: string;
  /** type name stem (<stem>Input, <stem>Result), unique in its domain */
  type: string;
  summary: string;
  /** the route's parameters (a public operation) */
  params: string[];
  /** does its input carry a JSON body (a POST/PUT/PATCH route, or an internal operation) */
  body: boolean;
  /** the calls it makes, as "clients.<key>.<method>" */
  calls: string[];
  /** the events it emits, as the events.ts functions that publish them */
  publishes: string[];
}

/** A domain as one unit's code sees it: held (in-process, every operation) or called in another unit. */
interface DomainInfo {
  name: string;
  /** stem of its files (contracts/<file>.ts, handlers/<file>.ts), unique in the unit regardless of case */
  file: string;
  /** identifier of its client in Clients, unique in the unit */
  key: string;
  /** PascalCase stem of its names (<Stem>Client, create<Stem>), unique in the unit */
  stem: string;
  held: boolean;
  ops: OpInfo[];
  /** a called domain: the unit holding it and how it is reached */
  remote?: { unit: ResolvedUnit; protocol: Protocol; said: Protocol; scaffolded: boolean };
}

// A name is letters, digits, - and _, starting with a letter: a separator before a letter or digit
// goes, and so does any "-" left over ("a--b", "x-"), which no identifier may hold.
const pascal = (s: string) => s.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_m, _p, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, '');
const camel = (s: string) => pascal(s).replace(/^./, (c) => c.toLowerCase());

/** Distinct identifiers for distinct names ("a-b" and "a_b" both camel-case to "aB"), none in `reserved`. */
function uniqueIdents(names: string[], f: (s: string) => string, reserved: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set(reserved);
  for (const n of names) {
    let id = f(n);
    for (let i = 2; used.has(id); i++) id = `${f(n)}${i}`;
    used.add(id);
    out.set(n, id);
  }
  return out;
}

/**
 * File stems distinct regardless of case: "Default" and "default" would be one file on a
 * case-insensitive file system (macOS, Windows), and tsc refuses two imports differing only in
 * case. The first keeps its name; a later one gets "-2" (then "-3", …), free of every other.
 */
function uniqueFileNames(names: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<string>();
  const later: string[] = [];
  for (const n of names) {
    if (seen.has(n.toLowerCase())) later.push(n);
    else {
      seen.add(n.toLowerCase());
      out.set(n, n);
    }
  }
  for (const n of later) {
    let file = `${n}-2`;
    for (let i = 3; seen.has(file.toLowerCase()); i++) file = `${n}-${i}`;
    seen.add(file.toLowerCase());
    out.set(n, file);
  }
  return out;
}

function describeWork(op: EffectiveOperation): string {
  const parts = [`cpu ≈${Math.round(op.cpu.mean * 1000) / 1000} ms`];
  if (op.db.reads + op.db.writes > 0) parts.push(`db ${op.db.reads} read(s), ${op.db.writes} write(s)`);
  if (op.calls.length) parts.push(`calls ${op.calls.map((c) => (c.count > 1 ? `${c.op} ×${c.count}` : c.op)).join(', ')}`);
  if (op.emits.length) parts.push(`emits ${op.emits.join(', ')}`);
  return parts.join('; ');
}

/** The HTTP endpoints of a unit: its public routes, and an internal endpoint per operation another unit calls. */
function endpoints(bp: Blueprint, r: ResolvedLayout, u: ResolvedUnit, table: RouteEntry[]): Endpoint[] {
  const ops = operationIndex(bp);
  const out: Endpoint[] = [];
  const mk = (op: string, method: string, path: string, internal: boolean, websocket: boolean): Endpoint => {
    const ref = ops.get(op)!;
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    return {
      op,
      domain: ref.domain,
      name: ref.name,
      method: websocket ? 'GET' : method,
      url: path.replace(/\{([^}]+)\}/g, ':$1'),
      sample: path.replace(/\{([^}]+)\}/g, '1'),
      params,
      body: internal || ['POST', 'PUT', 'PATCH'].includes(method),
      internal,
      websocket,
      summary: `${websocket ? 'WS' : method} ${path}: ${describeWork(ref.op)}`,
    };
  };
  for (const t of table) if (t.unit === u.name) out.push(mk(t.op, t.method, t.path, false, t.websocket));
  for (const op of calledFromOutside(bp, r, u)) {
    const ref = ops.get(op)!;
    out.push(mk(op, 'POST', `/internal/${ref.domain}/${ref.name}`, true, false));
  }
  return out;
}

/** Operations of the unit's domains that another unit calls over the network (sorted). */
function calledFromOutside(bp: Blueprint, r: ResolvedLayout, u: ResolvedUnit): string[] {
  const ops = operationIndex(bp);
  const out = new Set<string>();
  for (const o of ops.values()) {
    if (u.domains.includes(o.domain) || r.unitOfDomain.get(o.domain) === u.name) continue;
    for (const c of [...o.op.calls.map((x) => x.op), ...eventCalls(bp, r, o.op)]) {
      const target = ops.get(c);
      if (target && u.domains.includes(target.domain)) out.add(c);
    }
  }
  return [...out].sort(byCodeUnit);
}

/**
 * The consumers an operation's events reach by a direct call. Without a broker the simulator
 * delivers each event to each consumer as a call (in process within the unit, a hop to another
 * unit: semantics.ts warns so), and the scaffold wires them as it wires the operation's own calls:
 * an internal endpoint on the consumer's unit, a client in the publisher's. With a broker, none
 * (events.ts publishes to it). A consumer placed in no unit is left out: the simulator delivers it nothing.
 */
function eventCalls(bp: Blueprint, r: ResolvedLayout, op: { emits: readonly string[] }): string[] {
  if (r.layout.broker) return [];
  const ops = operationIndex(bp);
  return op.emits
    .flatMap((e) => (Object.hasOwn(bp.system.events, e) ? bp.system.events[e]!.consumers : []))
    .filter((c) => {
      const target = ops.get(c);
      return target !== undefined && r.unitOfDomain.has(target.domain);
    });
}

/**
 * The domains one unit's code sees: every domain it holds, with all their operations, and every
 * domain they call in another unit, with the operations called, each with a client key and type
 * names unique in the unit.
 */
function domainsOf(bp: Blueprint, r: ResolvedLayout, u: ResolvedUnit): DomainInfo[] {
  const ops = operationIndex(bp);
  const unitByName = new Map(r.units.map((x) => [x.name, x]));
  const held = new Set(u.domains);
  const called = new Map<string, Set<string>>();
  const protocols = new Map<string, Set<Protocol>>();
  for (const d of u.domains) {
    for (const [, op] of Object.entries(bp.system.domains[d]?.operations ?? {})) {
      // An event delivered by direct call is a call without a protocol of its own: the consumer unit's.
      for (const c of [...op.calls, ...eventCalls(bp, r, op).map((x) => ({ op: x, protocol: undefined }))]) {
        const target = ops.get(c.op);
        if (!target || held.has(target.domain)) continue;
        (called.get(target.domain) ?? called.set(target.domain, new Set()).get(target.domain)!).add(target.name);
        const callee = unitByName.get(r.unitOfDomain.get(target.domain) ?? '');
        (protocols.get(target.domain) ?? protocols.set(target.domain, new Set()).get(target.domain)!).add(callProtocol(r, c, callee));
      }
    }
  }
  const names = [...u.domains, ...[...called.keys()].sort(byCodeUnit)];
  const keys = uniqueIdents(names, camel);
  // A domain "clients" would otherwise import create<Stem> = createClients into clients.ts, which declares its own.
  const stems = uniqueIdents(names, pascal, ['Clients']);
  const files = uniqueFileNames(names);
  const infos: DomainInfo[] = names.map((name) => {
    const d = bp.system.domains[name]!;
    const opNames = held.has(name) ? Object.keys(d.operations) : Object.keys(d.operations).filter((n) => called.get(name)!.has(n));
    const methods = uniqueIdents(opNames, camel);
    const types = uniqueIdents(opNames, pascal);
    const info: DomainInfo = {
      name,
      file: files.get(name)!,
      key: keys.get(name)!,
      stem: stems.get(name)!,
      held: held.has(name),
      ops: opNames.map((n) => {
        const ref = ops.get(`${name}.${n}`)!;
        const route = r.routes.find((t) => t.op === ref.id);
        return {
          id: ref.id,
          domain: name,
          name: n,
          method: methods.get(n)!,
          type: types.get(n)!,
          summary: `${route ? `${route.websocket ? 'WS' : route.method} ${route.path}` : 'internal'}: ${describeWork(ref.op)}`,
          params: route ? [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!) : [],
          body: route ? ['POST', 'PUT', 'PATCH'].includes(route.method) : true,
          calls: [],
          publishes: [],
        };
      }),
    };
    if (!info.held) {
      const unit = unitByName.get(r.unitOfDomain.get(name) ?? '');
      // archsim's scaffold serves exactly its unit's protocol, so that is how it is reached;
      // another unit is reached as the blueprint's calls say.
      const said: Protocol = protocols.get(name)!.has('grpc') ? 'grpc' : 'http';
      if (unit) info.remote = { unit, protocol: isScaffolded(unit) ? unitProtocol(unit) : said, said, scaffolded: isScaffolded(unit) };
    }
    return info;
  });
  // Each held operation's calls, by the client method that makes them.
  const byDomain = new Map(infos.map((i) => [i.name, i]));
  for (const i of infos.filter((x) => x.held)) {
    for (const o of i.ops) {
      for (const c of ops.get(o.id)!.op.calls) {
        const target = ops.get(c.op);
        const t = target && byDomain.get(target.domain);
        const m = t?.ops.find((x) => x.name === target!.name);
        if (t && m) o.calls.push(`clients.${t.key}.${m.method}(…)${c.count > 1 ? ` ×${c.count}` : ''}`);
      }
    }
  }
  return infos;
}

/** How an event reaches one consumer in a layout: as the simulator delivers it (compile.ts spawnProgram). */
type Delivery = 'in-process' | 'direct' | 'broker' | 'nowhere';

/** One event published by one unit, delivered to one of its consumers. */
interface EventRoute {
  event: string;
  from: ResolvedUnit;
  /** the consumer operation ("domain.operation") */
  consumer: string;
  /** the unit holding the consumer (undefined: its domain is placed in no unit) */
  to: ResolvedUnit | undefined;
  how: Delivery;
}

/** An event one unit emits: the operations emitting it there and a route to each consumer. */
interface Publication {
  event: string;
  from: ResolvedUnit;
  emitters: string[];
  routes: EventRoute[];
}

/**
 * Every event each unit emits, by unit (the layout's order), event (the blueprint's order) and
 * consumer (the event's order). A consumer in the publishing unit runs in process, unless the
 * broker delivers those too (localDelivery: broker, its default); any other goes through the
 * broker, or, in a layout without one, is a direct call.
 */
function publications(bp: Blueprint, r: ResolvedLayout): Publication[] {
  const ops = operationIndex(bp);
  const unitByName = new Map(r.units.map((x) => [x.name, x]));
  const broker = r.layout.broker;
  const out: Publication[] = [];
  for (const from of r.units) {
    for (const [event, def] of Object.entries(bp.system.events)) {
      const emitters = [...ops.values()].filter((o) => r.unitOfDomain.get(o.domain) === from.name && o.op.emits.includes(event)).map((o) => o.id);
      if (!emitters.length) continue;
      const routes: EventRoute[] = [];
      for (const consumer of def.consumers) {
        const target = ops.get(consumer);
        if (!target) continue;
        const to = unitByName.get(r.unitOfDomain.get(target.domain) ?? '');
        const how: Delivery = !to ? 'nowhere' : broker && !(to === from && broker.localDelivery === 'in-process') ? 'broker' : to === from ? 'in-process' : 'direct';
        routes.push({ event, from, consumer, to, how });
      }
      out.push({ event, from, emitters, routes });
    }
  }
  return out;
}

/** A type-name stem for an event (free text: "order.placed-v2" → OrderPlacedV2); one with no ASCII letter or digit, or starting with a digit, is prefixed Event. */
const eventStem = (s: string) => {
  const p = pascal(s);
  return /^[A-Za-z]/.test(p) ? p : `Event${p}`;
};

/** The events one unit's code deals with: those it publishes, those it subscribes to on the broker. */
interface UnitEvents {
  published: Publication[];
  /** the (event, consumer) pairs the broker delivers to this unit, each once */
  subscribed: EventRoute[];
  /** event → identifier stem, unique in the unit: publish<Stem>, <Stem>Payload */
  stems: Map<string, string>;
}

function unitEvents(bp: Blueprint, pubs: Publication[], u: ResolvedUnit): UnitEvents {
  const published = pubs.filter((p) => p.from === u);
  // Two units publishing one event make one subscription of each consumer, not two.
  const seen = new Set<string>();
  const order = Object.keys(bp.system.events);
  const subscribed = pubs
    .flatMap((p) => p.routes)
    .filter((x) => x.to === u && x.how === 'broker' && !seen.has(`${x.event}\n${x.consumer}`) && seen.add(`${x.event}\n${x.consumer}`))
    .sort((a, b) => order.indexOf(a.event) - order.indexOf(b.event));
  const names = order.filter((e) => published.some((p) => p.event === e) || subscribed.some((x) => x.event === e));
  return { published, subscribed, stems: uniqueIdents(names, eventStem) };
}

/** Each held operation's events, by the events.ts function that publishes them (for its handler's TODO). */
function notePublishes(bp: Blueprint, domains: DomainInfo[], ev: UnitEvents): void {
  const ops = operationIndex(bp);
  for (const d of domains.filter((x) => x.held)) {
    for (const o of d.ops) o.publishes = ops.get(o.id)!.op.emits.filter((e) => ev.stems.has(e)).map((e) => `publish${ev.stems.get(e)!}`);
  }
}

/** A consumer operation as this unit's code reaches it: its domain's client and its method. */
function consumerOp(domains: DomainInfo[], consumer: string): { d: DomainInfo; o: OpInfo } {
  const d = domains.find((x) => x.name === splitOp(consumer)[0])!;
  return { d, o: d.ops.find((x) => x.id === consumer)! };
}

/** The client call that runs a consumer with an event's payload: its body, and each route parameter from the payload's field of that name. */
function consumerCall(domains: DomainInfo[], consumer: string): string {
  const { d, o } = consumerOp(domains, consumer);
  // "__proto__" as a plain key would set the literal's prototype, not a parameter.
  const key = (p: string) => (p === '__proto__' ? `[${tsString(p)}]` : prop(p));
  const params = o.params.length ? `{ ${o.params.map((p) => `${key(p)}: routeParam(payload, ${tsString(p)})`).join(', ')} }` : '{}';
  return `clients.${d.key}.${o.method}({ params: ${params}, body: ${o.body ? 'payload' : 'undefined'} })`;
}

/** Where a delivery goes, for a comment: "stock.reserve in stock, by a direct HTTP call". */
function deliveryText(e: EventRoute, kind: string | undefined): string {
  switch (e.how) {
    case 'in-process':
      return `${e.consumer}, in process`;
    case 'direct':
      return `${e.consumer} in ${e.to!.name}, by a direct ${unitProtocol(e.to!) === 'grpc' ? 'gRPC' : 'HTTP'} call`;
    case 'broker':
      return `${e.consumer} in ${e.to!.name}, through the ${kind} broker`;
    case 'nowhere':
      return `${e.consumer}: no unit of this layout holds it, not delivered`;
  }
}

/** "domain.operation" → [domain, operation] (a domain name holds no "."). */
const splitOp = (id: string): [string, string] => [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];

/**
 * src/events.ts of a unit that publishes events or takes some from the broker (else none): a
 * publish<Event>(clients, payload) per event it emits, delivering it as archsim simulated it
 * (in process, by direct call, or a stub publishing to the broker), and on a consuming unit of a
 * layout with a broker the subscriptions, a stub too. No broker client library: the kind and
 * BROKER_URL are named for the team to choose one.
 */
function eventsTs(r: ResolvedLayout, u: ResolvedUnit, domains: DomainInfo[], ev: UnitEvents): string | undefined {
  if (!ev.published.length && !ev.subscribed.length) return undefined;
  const kind = r.layout.broker?.kind;
  const toBroker = ev.published.some((p) => p.routes.some((e) => e.how === 'broker'));
  const L = [...eventsHeader(u, kind, ev), "import type { Clients } from './clients.js';"];
  if (toBroker || ev.subscribed.length) L.push("import { NotImplemented } from './errors.js';");
  L.push('');
  const delivered = [...ev.published.flatMap((p) => p.routes.filter((e) => e.how === 'in-process' || e.how === 'direct')), ...ev.subscribed];
  if (delivered.some((e) => consumerOp(domains, e.consumer).o.params.length > 0)) L.push(...ROUTE_PARAM_TS);
  if (ev.published.length) L.push(...DELIVER_TS);
  if (toBroker) L.push(...toBrokerTs(kind!));
  for (const p of ev.published) L.push(...publishTs(p, ev.stems.get(p.event)!, domains, kind));
  if (ev.subscribed.length) L.push(...subscriptionsTs(u, kind!, domains, ev.subscribed));
  return L.join('\n');
}

/** What events.ts holds, and how this layout delivers events. */
function eventsHeader(u: ResolvedUnit, kind: string | undefined, ev: UnitEvents): string[] {
  const what = !ev.subscribed.length
    ? [`// The events of ${u.name}: a publish<Event>(clients, payload) per event it emits.`]
    : !ev.published.length
      ? [`// The events of ${u.name}: those it takes from the broker (SUBSCRIPTIONS).`]
      : [`// The events of ${u.name}: a publish<Event>(clients, payload) per event it emits, and those it`, '// takes from the broker (SUBSCRIPTIONS).'];
  const how = kind
    ? [
        `// This layout has a ${kind} broker, at BROKER_URL (set by compose and Kubernetes). Publishing to it`,
        '// and subscribing are STUBS: write them with its client library (archsim adds none).',
      ]
    : [
        '// This layout has no broker: as archsim simulated it, each event reaches each consumer by a direct',
        '// call, in process for an operation of this unit, to its internal endpoint (src/clients.ts, with',
        "// the service token) for another unit's.",
      ];
  // The simulator runs event work detached from the request (OP_SPAWN): nobody waits for it.
  const detached = ev.published.length
    ? [
        '// The deliveries run detached from the emitting request, as simulated: a handler may leave the',
        '// promise unawaited (it never rejects) or await it for the deliveries that failed.',
      ]
    : [];
  return [...what, ...how, ...detached];
}

const ROUTE_PARAM_TS = [
  "/** A consumer's route parameter from the payload's own field of that name (a missing one is empty). */",
  'function routeParam(payload: Record<string, unknown>, name: string): string {',
  "  return Object.hasOwn(payload, name) ? String(payload[name]) : '';",
  '}',
  '',
];

// Never rejects: an unawaited publish must not end the process with an unhandled rejection.
const DELIVER_TS = [
  '/** A delivery that failed: to which consumer operation (or the broker), and why. */',
  'export interface DeliveryFailure {',
  '  to: string;',
  '  error: unknown;',
  '}',
  '',
  '/** Runs every delivery at once; resolves to those that failed and never rejects. */',
  'async function deliver(deliveries: readonly (readonly [string, () => Promise<unknown>])[]): Promise<DeliveryFailure[]> {',
  '  const settled = await Promise.allSettled(deliveries.map(([, run]) => Promise.resolve().then(run)));',
  "  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ to: deliveries[i]![0], error: s.reason as unknown }] : []));",
  '}',
  '',
];

/** The broker publish stub. Its error never holds BROKER_URL's value, which may carry credentials. */
function toBrokerTs(kind: string): string[] {
  return [
    '/**',
    ` * STUB: publish an event to the ${kind} broker at BROKER_URL, with the broker's client library.`,
    ' * Until then every publish through it fails with NotImplemented (a DeliveryFailure).',
    ' */',
    'async function toBroker(event: string, payload: unknown): Promise<void> {',
    '  void payload;',
    `  throw new NotImplemented(event, ${tsString(`publish it to the ${kind} broker at BROKER_URL (src/events.ts)`)});`,
    '}',
    '',
  ];
}

/** An event's payload type and publish function: one publish to the broker for all its subscribers, a call per consumer delivered in process or directly. */
function publishTs(p: Publication, stem: string, domains: DomainInfo[], kind: string | undefined): string[] {
  const subscribers = p.routes.filter((e) => e.how === 'broker');
  const L = [
    `/** ${commentText(`${p.event}: its payload, refine it (each consumer takes it as its input's body)`)}. */`,
    `export type ${stem}Payload = Record<string, unknown>;`,
    '',
    `/** ${commentText(`Publish ${p.event} (emitted by ${p.emitters.join(', ')}) to ${p.routes.length ? p.routes.map((e) => deliveryText(e, kind)).join('; ') : 'no consumer'}`)}. */`,
    `export function publish${stem}(clients: Clients, payload: ${stem}Payload): Promise<DeliveryFailure[]> {`,
    '  return deliver([',
  ];
  if (subscribers.length) {
    L.push(`    // ${commentText(`subscribed on the broker: ${subscribers.map((e) => `${e.consumer} (${e.to!.name})`).join(', ')}`)}`);
    L.push(`    [${tsString(`${kind} broker`)}, () => toBroker(${tsString(p.event)}, payload)],`);
  }
  for (const e of p.routes) {
    if (e.how === 'in-process' || e.how === 'direct') L.push(`    [${tsString(e.consumer)}, () => ${consumerCall(domains, e.consumer)}],`);
    else if (e.how === 'nowhere') L.push(`    // ${commentText(deliveryText(e, kind))}`);
  }
  L.push('  ]);', '}', '');
  return L;
}

/** What a consuming unit takes from the broker, each delivered to its handler in process, and the subscribe stub. */
function subscriptionsTs(u: ResolvedUnit, kind: string, domains: DomainInfo[], subscribed: EventRoute[]): string[] {
  return [
    '/** An event this unit takes from the broker, and the operation that consumes it (in process). */',
    'export interface Subscription {',
    '  event: string;',
    '  operation: string;',
    '  deliver(clients: Clients, payload: Record<string, unknown>): Promise<unknown>;',
    '}',
    '',
    `/** What ${u.name} subscribes to on the ${kind} broker. */`,
    'export const SUBSCRIPTIONS: Subscription[] = [',
    ...subscribed.map((e) => `  { event: ${tsString(e.event)}, operation: ${tsString(e.consumer)}, deliver: (clients, payload) => ${consumerCall(domains, e.consumer)} },`),
    '];',
    '',
    '/**',
    ` * STUB: subscribe to each of SUBSCRIPTIONS on the ${kind} broker at BROKER_URL, with the broker's`,
    " * client library, and hand each message's payload to its deliver. main.ts starts it once the",
    ' * service listens, and logs a warning while it fails.',
    ' */',
    'export async function subscribe(clients: Clients): Promise<void> {',
    '  void clients;',
    `  throw new NotImplemented('subscribe', ${tsString(`subscribe to the ${kind} broker at BROKER_URL (src/events.ts)`)});`,
    '}',
    '',
  ];
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Does the unit's code speak gRPC: it serves it, or it calls a domain by it. */
function usesGrpc(u: ResolvedUnit, domains: DomainInfo[]): boolean {
  return unitProtocol(u) === 'grpc' || domains.some((d) => d.remote?.protocol === 'grpc');
}

function servicePackage(bp: Blueprint, u: ResolvedUnit, grpc: boolean): string {
  const serves = unitProtocol(u) === 'grpc';
  return json({
    name: `@${bp.metadata.name.toLowerCase()}/${u.name}`,
    version: '0.1.0',
    private: true,
    description: `${u.name}: ${u.description ?? `domains ${u.domains.join(', ')}`}`,
    type: 'module',
    main: 'dist/src/main.js',
    scripts: {
      build: 'tsc -p tsconfig.json',
      start: 'node dist/src/main.js',
      test: 'tsc -p tsconfig.json && node --test dist/test/app.test.js',
    },
    dependencies: {
      ...(grpc ? GRPC_VERSIONS : {}),
      // A gRPC server has no HTTP listener: no fastify, no /metrics.
      ...(serves ? {} : { fastify: SCAFFOLD_VERSIONS.fastify, 'prom-client': SCAFFOLD_VERSIONS['prom-client'] }),
    },
    devDependencies: { '@types/node': SCAFFOLD_VERSIONS['@types/node'], typescript: SCAFFOLD_VERSIONS.typescript },
    engines: { node: '>=20' },
  });
}

const TSCONFIG = json({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    sourceMap: true,
    outDir: 'dist',
    rootDir: '.',
    types: ['node'],
  },
  include: ['src', 'test'],
});

/**
 * A scaffolded unit's image, built from the repository root (compose's build context ".") with
 * the packages `npm install` put in the root node_modules: building the image fetches nothing, so
 * it builds offline and behind a registry mirror alike, with the versions the lock pins. The
 * build stage compiles with that TypeScript; the image keeps the compiled code and the packages
 * minus the build-only ones. (Every package the scaffold pins is pure JavaScript, so a
 * node_modules installed on macOS or Windows serves the Linux image as well.)
 */
function dockerfile(u: ResolvedUnit, grpc: boolean, dataDirs: string[]): string {
  const dir = `services/${u.name}`;
  const dirs = dataDirs.join(' ');
  // compose runs the unit as APP_UID on a read-only root: its filesystem stores' volumes must be
  // its own from the start (the comment written with the line says how).
  const data = dataDirs.length
    ? `# The mount point${dataDirs.length > 1 ? 's' : ''} of its filesystem store${dataDirs.length > 1 ? 's' : ''}, owned by the user it runs as: a new named volume\n# takes the owner of the image's directory (root's when there is none), so the unit can write it.\nRUN mkdir -p ${dirs} && chown ${APP_UID}:${APP_UID} ${dirs}\n`
    : '';
  return `# ${u.name}: built from the repository root with the packages \`npm install\` put there (so:
# npm install, then docker compose up --build). The image build copies them and fetches nothing:
# it works offline and behind a registry mirror. Runs as a non-root user on node:20-slim.
FROM node:20-slim AS build
WORKDIR /app
COPY node_modules ./node_modules
COPY ${dir}/package.json ${dir}/tsconfig.json ./${dir}/
COPY ${dir}/src ./${dir}/src
RUN node node_modules/typescript/bin/tsc -p ${dir}/tsconfig.json \\
 && rm -rf node_modules/typescript node_modules/@types node_modules/undici-types node_modules/.bin

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app/${dir}
COPY --from=build /app/node_modules /app/node_modules
COPY ${dir}/package.json ./
COPY --from=build /app/${dir}/dist/src ./dist/src
${grpc ? `COPY ${dir}/proto ./proto\n` : ''}${data}USER ${APP_UID}:${APP_UID}
EXPOSE ${u.port}
ENV PORT=${u.port}
# The blueprint's threadPool: libuv sizes its pool when the process starts, so it is set here.
ENV UV_THREADPOOL_SIZE=${u.threadPool}
CMD ["node", "dist/src/main.js"]
`;
}

/**
 * What the image builds may read of the repository (the root is their context): the installed
 * packages and each service's sources, not its local builds, tests, secrets or VCS history.
 */
const DOCKERIGNORE = '.git\n.env\n**/*.log\nservices/*/dist\nservices/*/test\nservices/*/node_modules\nk8s\n';

function metricsTs(u: ResolvedUnit): string {
  const cluster = clustered(u);
  return `// Prometheus metrics: the default process metrics and the request duration histogram the
// generated Grafana dashboard reads (rate, errors and latency per route).${cluster ? '\n// Under cluster /metrics sums every worker\'s registry (src/cluster.ts).' : ''}
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
${cluster ? "import { exposition } from './cluster.js';\n" : ''}
export interface Metrics {
  registry: Registry;
  /** what /metrics answers${cluster ? ": the replica's, every worker's summed" : ''} */
  exposition(): Promise<string>;
  observe(method: string, route: string, statusCode: number, seconds: number): void;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    exposition: ${cluster ? 'exposition(registry)' : '() => registry.metrics()'},
    observe(method, route, statusCode, seconds) {
      duration.observe({ method, route, status_code: String(statusCode) }, seconds);
    },
  };
}
`;
}

/**
 * Fastify's bodyLimit for a unit: its default (1 MiB) answers 413 to a larger body, so a unit
 * serving an operation that declares a larger request (8MiB chunks) takes it, 10% over for the
 * JSON framing, in whole MiB (gateway.ts bodyLimitMiB). Undefined while the default takes them all.
 */
export function scaffoldBodyLimit(bp: Blueprint, u: ResolvedUnit, pubs: Publication[] = []): number | undefined {
  const ops = u.domains.flatMap((d) => Object.keys(bp.system.domains[d]?.operations ?? {}).map((name) => `${d}.${name}`));
  const mib = bodyLimitMiB(Math.max(largestRequest(bp, ops), largestDirectEvent(bp, u, pubs)), 1);
  return mib > 1 ? mib * 1024 * 1024 : undefined;
}

/**
 * The largest event payload (bytes) delivered to this unit by a direct call (a layout without a
 * broker): the publisher posts the payload itself to the consumer's internal endpoint, so the
 * unit's body limit must take it as it takes its own operations' requests. 0 for none.
 */
function largestDirectEvent(bp: Blueprint, u: ResolvedUnit, pubs: Publication[]): number {
  let most = 0;
  for (const p of pubs) {
    if (!p.routes.some((e) => e.how === 'direct' && e.to === u)) continue;
    most = Math.max(most, bp.system.events[p.event]?.payload ?? bp.system.defaults.payload.event);
  }
  return most;
}

function appTs(u: ResolvedUnit, bodyLimit: number | undefined): string {
  return `// The ${u.name} application: probes, metrics, the unit's routes and the error mapping
// (an operation not implemented yet answers 501, a failed call to another unit 502/503).
// main.ts listens; tests call buildApp() and use app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import { createClients } from './clients.js';
import { NotImplemented, RemoteError } from './errors.js';
import { createMetrics } from './metrics.js';
import { registerRoutes } from './routes.js';

export const SERVICE = ${tsString(u.name)};

export interface AppOptions {
  logger?: boolean;
  /** where the configuration comes from (default: process.env): SERVICE_TOKEN, the other units' URLs */
  env?: Record<string, string | undefined>;
}

export function buildApp(options: AppOptions = {}): FastifyInstance {
  const env = options.env ?? process.env;
${bodyLimit === undefined ? '' : `  // The largest request an operation of this unit declares, and room for its JSON framing
  // (Fastify's default, 1 MiB, answers 413 to more).
`}  const app = Fastify({ logger: options.logger ?? false${bodyLimit === undefined ? '' : `, bodyLimit: ${bodyLimit}`} });
  const metrics = createMetrics(SERVICE);
  let draining = false;

  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  // Stop advertising readiness as soon as shutdown begins, so load balancers drain this replica.
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof NotImplemented) return reply.code(501).send({ error: 'Not Implemented', operation: err.operation });
    if (err instanceof RemoteError) return reply.code(err.statusCode).send({ error: err.message, operation: err.operation });
    // fastify's own errors (a failed validation: 400) carry their status code.
    const e = err as { statusCode?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: String(e.message) });
    app.log.error(err);
    return reply.code(500).send({ error: 'Internal Server Error' });
  });

  app.get('/health', async () => ({ status: 'ok', service: SERVICE }));
  app.get('/ready', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', service: SERVICE });
    return { status: 'ready', service: SERVICE };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.exposition();
  });

  registerRoutes(app, createClients(env), { serviceToken: env.SERVICE_TOKEN });
  return app;
}
`;
}

function paramsSchema(e: Endpoint): unknown {
  return { type: 'object', properties: Object.fromEntries(e.params.map((p) => [p, { type: 'string', minLength: 1 }])), required: e.params };
}

/**
 * A property name for a type member or a method of an object literal: bare when it is an
 * identifier, else a string literal. "new" is quoted too: bare at the start of a type member,
 * `new(input): R` is a construct signature, not a method named new. Not for `key: value` in an
 * object literal, where "__proto__" would set the prototype (jsValue computes that key).
 */
const prop = (p: string) => (/^[A-Za-z_$][\w$]*$/.test(p) && p !== 'new' ? p : tsString(p));

/**
 * A JSON value as a JavaScript expression: JSON's own text, but a "__proto__" key is computed
 * (["__proto__"]), since `"__proto__": v` in an object literal sets the prototype instead of
 * making a property (a route parameter {__proto__} would vanish from its schema).
 */
function jsValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsValue).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k === '__proto__' ? `[${tsString(k)}]` : tsString(k)}:${jsValue(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

function routesTs(u: ResolvedUnit, eps: Endpoint[], domains: DomainInfo[]): string {
  const byName = new Map(domains.map((d) => [d.name, d]));
  const used = domains.filter((d) => eps.some((e) => e.domain === d.name));
  const L = [
    `// The routes of ${u.name}: its public routes from the blueprint's route table, and an internal`,
    '// endpoint (POST /internal/<domain>/<operation>, service token required) per operation another',
    '// unit calls. Request validation is JSON Schema (fastify answers 400 before a handler runs);',
    '// each route calls its operation through the in-process client (src/handlers/).',
    `import type { FastifyInstance${eps.some((e) => e.internal) ? ', FastifyReply, FastifyRequest' : ''} } from 'fastify';`,
    "import type { Clients } from './clients.js';",
    ...(eps.some((e) => e.internal) ? ["import { SERVICE_TOKEN_HEADER, validServiceToken } from './service-auth.js';"] : []),
    ...used.map((d) => `import type * as ${d.key}Contract from './contracts/${d.file}.js';`),
    '',
    'export interface RouteInfo {',
    '  operation: string;',
    '  method: string;',
    '  url: string;',
    '  internal: boolean;',
    '}',
    '',
    '/** Every route this service serves (tests walk this list). */',
    'export const ROUTES: RouteInfo[] = [',
    ...eps.map((e) => `  { operation: ${tsString(e.op)}, method: ${tsString(e.method)}, url: ${tsString(e.url)}, internal: ${e.internal} },`),
    '];',
    '',
    'export interface RouteOptions {',
    '  /** the token other units send (SERVICE_TOKEN); unset, every internal endpoint refuses */',
    '  serviceToken: string | undefined;',
    '}',
    '',
    'export function registerRoutes(app: FastifyInstance, clients: Clients, options: RouteOptions): void {',
  ];
  if (eps.some((e) => e.internal)) {
    L.push(
      '  // Internal endpoints answer only a caller that presents the service token.',
      '  const internal = async (req: FastifyRequest, reply: FastifyReply) => {',
      '    if (!validServiceToken(req.headers[SERVICE_TOKEN_HEADER], options.serviceToken)) return reply.code(401).send({ error: \'Unauthorized\' });',
      '    return undefined;',
      '  };',
    );
  } else {
    L.push('  void options; // no internal endpoints: no other unit calls this one');
  }
  // fastify answers HEAD on every GET route by itself: on a path that has the blueprint's own HEAD
  // route too, that would declare HEAD twice, and the app would not start.
  const shape = (url: string) => url.replace(/:[^/]+/g, ':');
  const heads = new Set(eps.filter((e) => e.method === 'HEAD').map((e) => shape(e.url)));
  for (const e of eps) {
    const d = byName.get(e.domain)!;
    const o = d.ops.find((x) => x.name === e.name)!;
    const schema: Record<string, unknown> = {};
    if (e.params.length) schema.params = paramsSchema(e);
    if (e.body) schema.body = e.internal ? { type: 'object', properties: { params: { type: 'object' }, body: { type: 'object' } } } : { type: 'object' };
    const input = e.internal ? 'req.body' : '{ params: req.params, body: req.body }';
    L.push(`  // ${commentText(e.summary)}${e.websocket ? ' (a WebSocket endpoint: add @fastify/websocket and upgrade here)' : ''}`);
    L.push(
      `  app.route({ method: ${tsString(e.method)}, url: ${tsString(e.url)}, schema: ${jsValue(schema)},${e.method === 'GET' && heads.has(shape(e.url)) ? ' exposeHeadRoute: false,' : ''}${e.internal ? ' onRequest: internal,' : ''} handler: async (req) => clients.${d.key}.${o.method}(${input} as ${d.key}Contract.${o.type}Input) });`,
    );
  }
  L.push('}', '');
  return L.join('\n');
}

/** A domain's contract: one input and result type per operation, and its client interface. */
function contractTs(bp: Blueprint, d: DomainInfo): string {
  const dom = bp.system.domains[d.name]!;
  const L = [
    `// The contract of the ${d.name} domain${d.held ? '' : ' (held by another unit: the operations this unit calls)'}${dom.description ? `: ${commentText(dom.description)}` : ''}.`,
    '// Refine the input and result types here: the handlers, the routes and the clients follow.',
    '',
  ];
  for (const o of d.ops) {
    const params = o.params.length ? `{ ${o.params.map((p) => `${prop(p)}: string`).join('; ')} }` : 'Record<string, never>';
    L.push(`/** ${commentText(`${o.id}: ${o.summary}`)} */`);
    L.push(`export interface ${o.type}Input {`, `  params: ${params};`, `  body: ${o.body ? 'Record<string, unknown>' : 'undefined'};`, '}', '');
    L.push(`export type ${o.type}Result = Record<string, unknown>;`, '');
  }
  L.push(`/** What the ${d.name} domain answers${d.held ? '' : ' to this unit'}: in-process where the domain is held, over the network otherwise. */`);
  L.push(`export interface ${d.stem}Client {`);
  for (const o of d.ops) L.push(`  /** ${commentText(o.id)} */`, `  ${prop(o.method)}(input: ${o.type}Input): Promise<${o.type}Result>;`);
  L.push('}', '');
  return L.join('\n');
}

function handlersTs(bp: Blueprint, d: DomainInfo): string {
  const dom = bp.system.domains[d.name]!;
  const L = [
    `// Handlers of the ${d.name} domain${dom.description ? `: ${commentText(dom.description)}` : ''}`,
    `// Tables owned: ${commentText(dom.tables.join(', ')) || 'none'}. One handler per operation; each throws`,
    '// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,',
    '// in this unit or another, through the same typed interface.',
    "import type { Clients } from '../clients.js';",
    `import type * as contract from '../contracts/${d.file}.js';`,
    "import { NotImplemented } from '../errors.js';",
    '',
    `export function create${d.stem}(clients: Clients): contract.${d.stem}Client {`,
    '  void clients;',
    '  return {',
  ];
  for (const o of d.ops) {
    L.push(`    /** ${commentText(`${o.id}: ${o.summary}`)} */`);
    L.push(`    async ${prop(o.method)}(input: contract.${o.type}Input): Promise<contract.${o.type}Result> {`);
    const publish = o.publishes.length ? `; publish what it emits: ${o.publishes.map((f) => `${f}(clients, payload)`).join(', ')} from ../events.js` : '';
    L.push(`      // TODO: implement ${commentText(o.id)}${o.calls.length ? `; calls ${commentText(o.calls.join(', '))}` : ''}${publish}.`);
    L.push('      void input;', `      throw new NotImplemented(${tsString(o.id)});`, '    },');
  }
  L.push('  };', '}', '');
  return L.join('\n');
}

/** Every domain the unit reaches, each as one typed client: in-process, over HTTP, or a gRPC note. */
/** A call's policy as a remote.ts CallPolicy literal; undefined when it declares none (one attempt, the client's default timeout). */
export function callPolicyLiteral(c: Call): string | undefined {
  if (c.timeout === undefined && c.retries === 0 && !c.circuitBreaker && !c.optional) return undefined;
  const parts = [...(c.timeout !== undefined ? [`timeoutMs: ${c.timeout}`] : []), `retries: ${c.retries}`, `backoffMs: ${c.backoff}`, `optional: ${c.optional}`];
  const cb = c.circuitBreaker;
  if (cb) parts.push(`breaker: { failureThreshold: ${cb.failureThreshold}, windowMs: ${cb.window}, minCalls: ${cb.minCalls}, openForMs: ${cb.openFor} }`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The policies of a called domain's methods, as a POLICIES_<Stem> constant's lines (none: no
 * call to it declares one). The blueprint keys a policy by call site (caller operation → callee
 * operation) but a unit has one client per callee domain, and handlers call it through the
 * domain's contract, which has no room for a policy argument: so the policy is the callee
 * operation's, and its breaker is shared by the unit's calls to that operation. When the unit's
 * call sites of one operation declare different policies, the first (blueprint order) applies
 * and the constant says so.
 */
function policiesTs(bp: Blueprint, u: ResolvedUnit, d: DomainInfo): string[] {
  const L: string[] = [];
  for (const o of d.ops) {
    const sites: { caller: string; policy: string | undefined }[] = [];
    for (const dn of u.domains) {
      for (const [name, op] of Object.entries(bp.system.domains[dn]?.operations ?? {})) {
        for (const c of op.calls) if (c.op === o.id) sites.push({ caller: `${dn}.${name}`, policy: callPolicyLiteral(c) });
      }
    }
    const first = sites[0];
    if (!first?.policy) continue;
    const others = sites.filter((x) => x.policy !== first.policy);
    L.push(`  // ${commentText(`${first.caller} → ${o.id}${others.length ? `; also called by ${others.map((x) => x.caller).join(', ')} with another policy, which this one overrides` : ''}`)}`);
    L.push(`  ${prop(o.method)}: ${first.policy},`);
  }
  return L.length ? [`export const POLICIES_${d.stem}: Policies<${d.stem}Client> = {`, ...L, '};'] : [];
}

function clientsTs(bp: Blueprint, u: ResolvedUnit, domains: DomainInfo[], names: GrpcNames, vars: { get(callee: string, protocol: Protocol): string }): string {
  const L = [
    `// The clients of ${u.name}: one typed client per domain its operations reach. A domain this unit`,
    '// holds is an in-process call (its handlers); a domain held by another unit is a call over the',
    '// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the',
    '// service token). A handler cannot tell which: moving a domain between units changes this',
    '// file, not the handlers.',
    ...domains.map((d) => `import type { ${d.stem}Client } from './contracts/${d.file}.js';`),
    ...domains.filter((d) => d.held).map((d) => `import { create${d.stem} } from './handlers/${d.file}.js';`),
  ];
  const remote = domains.filter((d) => !d.held);
  const helpers = [
    ...(remote.some((d) => d.remote?.protocol === 'http') ? ['httpClient'] : []),
    ...(remote.some((d) => d.remote?.protocol === 'grpc') ? ['grpcClient'] : []),
    ...(remote.some((d) => !d.remote) ? ['unplacedClient'] : []),
  ];
  const policies = new Map(remote.filter((d) => d.remote).map((d) => [d.name, policiesTs(bp, u, d)]));
  const anyPolicy = [...policies.values()].some((x) => x.length > 0);
  if (helpers.length) L.push(`import { ${helpers.join(', ')}${anyPolicy ? ', type Policies' : ''} } from './remote.js';`);
  if (anyPolicy) {
    L.push('', "// Each remote method's call policy, from the blueprint's call to it (remote.ts: CallPolicy). An", "// optional call's method answers undefined when it fails, whatever its contract's result type says.");
    for (const x of policies.values()) if (x.length) L.push(...x);
  }
  L.push('', 'export interface Clients {');
  for (const d of domains) {
    const where = d.held ? 'in-process' : d.remote ? `${d.remote.unit.name}, by ${d.remote.protocol === 'grpc' ? 'gRPC' : 'HTTP'}` : 'no unit of this layout';
    L.push(`  /** ${commentText(`${d.name}: ${where}`)} */`, `  ${prop(d.key)}: ${d.stem}Client;`);
  }
  L.push('}', '', 'export function createClients(env: Record<string, string | undefined> = process.env): Clients {');
  if (helpers.includes('httpClient') || helpers.includes('grpcClient')) L.push("  const token = env.SERVICE_TOKEN ?? '';");
  L.push('  const clients = {} as Clients;');
  for (const d of domains) {
    // [method, operation] pairs: every method of the client, the operation it calls.
    const methods = `[${d.ops.map((o) => `[${tsString(o.method)}, ${tsString(o.name)}]`).join(', ')}]`;
    if (d.held) {
      L.push(`  clients.${d.key} = create${d.stem}(clients);`);
    } else if (!d.remote) {
      L.push(`  clients.${d.key} = unplacedClient<${d.stem}Client>(${tsString(d.name)}, ${methods});`);
    } else {
      const c = d.remote.unit;
      // The variable compose and Kubernetes set for this callee (calleeVariables: never one of the unit's own).
      const v = vars.get(c.name, d.remote.protocol);
      if (d.remote.protocol === 'grpc') {
        // [method, operation, gRPC method] triples, on the domain's service of the system's .proto.
        const s = names.services.get(d.name)!;
        const rpcs = `[${d.ops.map((o) => `[${tsString(o.method)}, ${tsString(o.name)}, ${tsString(s.methods.get(o.name)!)}]`).join(', ')}]`;
        if (!d.remote.scaffolded) L.push(`  // ${commentText(`${c.name} is not archsim's code: this client assumes it serves proto/system.proto; use its own .proto otherwise`)}.`);
        L.push(`  clients.${d.key} = grpcClient<${d.stem}Client>(env.${v} ?? ${tsString(`${c.name}:${c.port}`)}, ${tsString(d.name)}, ${tsString(`${names.package}.${s.service}`)}, ${rpcs}, token${policies.get(d.name)!.length ? `, 10_000, POLICIES_${d.stem}` : ''});`);
      } else {
        if (d.remote.said === 'grpc') L.push(`  // ${commentText(`The blueprint says gRPC; ${c.name} is archsim's HTTP scaffold, so HTTP reaches it until both sides move to gRPC.`)}`);
        L.push(`  clients.${d.key} = httpClient<${d.stem}Client>(env.${v} ?? ${tsString(`http://${c.name}:${c.port}`)}, ${tsString(d.name)}, ${methods}, token${policies.get(d.name)!.length ? `, 10_000, POLICIES_${d.stem}` : ''});`);
      }
    }
  }
  L.push('  return clients;', '}', '');
  return L.join('\n');
}

const ERRORS_TS = `// The errors handlers and clients throw; app.ts maps them to HTTP answers.

/** An operation with no implementation yet: 501. */
export class NotImplemented extends Error {
  constructor(
    readonly operation: string,
    detail?: string,
  ) {
    super(detail ? \`\${operation} is not implemented: \${detail}\` : \`\${operation} is not implemented\`);
    this.name = 'NotImplemented';
  }
}

/** A call to another unit that failed: 503 when it could not be reached, 502 when it answered an error. */
export class RemoteError extends Error {
  constructor(
    readonly statusCode: number,
    readonly operation: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}
`;

const SERVICE_AUTH_TS = `// Service-to-service authentication: every internal endpoint answers only a caller that
// presents the layout's service token (SERVICE_TOKEN, from a secret). Compared in constant
// time; with no token configured every internal call is refused, never let through.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SERVICE_TOKEN_HEADER = 'x-service-token';

export function validServiceToken(presented: unknown, expected: string | undefined): boolean {
  if (!expected || typeof presented !== 'string' || presented.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
`;

/**
 * The generated call policies (remote.ts): each remote client method runs through guarded(), which
 * applies the blueprint's policy of the call as src/simulate/des/calls.ts does, so the code waits,
 * retries and gives up as the simulation said it would.
 */
const CALL_POLICY_TS = `
/**
 * A call's resilience policy, as the blueprint declares it (calls[]: timeout, retries, backoff,
 * circuitBreaker, optional), applied as archsim's simulator applies it: each attempt times out
 * after timeoutMs (none declared: the client's default); a failed attempt is retried \`retries\`
 * times, after backoffMs × 2^attempt (attempt 0, 1, …; no jitter); an optional call that still
 * fails logs and answers undefined instead of throwing. The callee's own 4xx is the request's
 * fault: it passes through at once, neither retried nor counted as a failure.
 */
export interface CallPolicy {
  timeoutMs?: number;
  retries: number;
  backoffMs: number;
  optional: boolean;
  breaker?: BreakerPolicy;
}

/**
 * A circuit breaker on one callee operation: it counts the attempts' outcomes in a window of
 * windowMs (from the first outcome after the last window ended); once at least minCalls ran and
 * failureThreshold (a fraction) of them failed, it opens: every attempt fails at once, without
 * reaching the callee, for openForMs. Then calls go through again (the trial) with a fresh count,
 * and it opens again as soon as that count crosses the threshold.
 */
export interface BreakerPolicy {
  failureThreshold: number;
  windowMs: number;
  minCalls: number;
  openForMs: number;
}

/** The policy of each client method that has one; the others make one attempt with the default timeout. */
export type Policies<C> = Partial<Record<keyof C & string, CallPolicy>>;

/** A breaker's state: the simulator's Calls.record. */
class Breaker {
  private start = -Infinity;
  private calls = 0;
  private fails = 0;
  private openUntil = -Infinity;
  constructor(private readonly p: BreakerPolicy) {}
  isOpen(now: number): boolean {
    return now < this.openUntil;
  }
  record(now: number, ok: boolean): void {
    if (now - this.start > this.p.windowMs) this.reset(now);
    this.calls++;
    if (!ok) this.fails++;
    if (this.calls >= this.p.minCalls && this.fails / this.calls >= this.p.failureThreshold) {
      this.openUntil = now + this.p.openForMs;
      this.reset(now);
    }
  }
  private reset(now: number): void {
    this.start = now;
    this.calls = 0;
    this.fails = 0;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The request's own fault (a 4xx the callee answered): not the callee's failure. */
const requestFault = (e: unknown) => e instanceof RemoteError && e.statusCode >= 400 && e.statusCode < 500;

/** A client method: attempt(timeoutMs, input) is one try; the policy wraps it (see CallPolicy). */
function guarded(id: string, policy: CallPolicy | undefined, defaultTimeoutMs: number, attempt: (timeoutMs: number, input: unknown) => Promise<unknown>): Call {
  if (!policy) return (input) => attempt(defaultTimeoutMs, input);
  const p = policy;
  // One breaker per callee operation of this client, as the simulator keeps one per call.
  const breaker = p.breaker ? new Breaker(p.breaker) : undefined;
  return async (input) => {
    for (let n = 0; ; n++) {
      let failure: unknown;
      // An open breaker fails the attempt at once, uncounted; a retry may still follow, as in the simulator.
      if (breaker?.isOpen(Date.now())) failure = new RemoteError(503, id, \`\${id} unavailable: circuit breaker open\`);
      else {
        try {
          const result = await attempt(p.timeoutMs ?? defaultTimeoutMs, input);
          breaker?.record(Date.now(), true);
          return result;
        } catch (e) {
          breaker?.record(Date.now(), requestFault(e));
          if (requestFault(e)) throw e;
          failure = e;
        }
      }
      if (n < p.retries) {
        await sleep(p.backoffMs * 2 ** n);
        continue;
      }
      if (p.optional) {
        console.warn(\`\${id} failed, an optional call: going on without it (\${(failure as Error).message})\`);
        return undefined;
      }
      throw failure;
    }
  };
}
`;

function remoteTs(grpc: boolean): string {
  return `// Typed clients for operations held by other units. httpClient: POST
// /internal/<domain>/<operation> with the service token, a 10 s timeout, and the callee's
// failure as a RemoteError (503 unreachable, 502 an error answer).${grpc ? ' grpcClient: the same over\n// gRPC, a unary call of the operation\'s method on proto/system.proto.' : ''} A method with a
// CallPolicy (clients.ts, from the blueprint's call) gets its timeout, retries, circuit breaker
// and optional failure as archsim's simulator models them.
${grpc ? "import * as grpc from '@grpc/grpc-js';\n" : ''}import { RemoteError } from './errors.js';
${grpc ? "import { serviceDefinition, type WireInput, type WireResult } from './proto.js';\n" : ''}import { SERVICE_TOKEN_HEADER } from './service-auth.js';

/** [client method, operation name] for each method of the client */
export type Operations<C> = readonly (readonly [keyof C & string, string])[];
${grpc ? '/** [client method, operation name, gRPC method name] for each method of the client */\nexport type GrpcOperations<C> = readonly (readonly [keyof C & string, string, string])[];\n' : ''}type Call = (input: unknown) => Promise<unknown>;
${CALL_POLICY_TS}
export function httpClient<C>(baseUrl: string, domain: string, operations: Operations<C>, token: string, timeoutMs = 10_000, policies: Policies<C> = {}): C {
  const base = baseUrl.replace(/\\/+$/, '');
  const client: Record<string, Call> = {};
  for (const [method, op] of operations) {
    const id = \`\${domain}.\${op}\`;
    client[method] = guarded(id, policies[method], timeoutMs, (ms, input) => post(\`\${base}/internal/\${domain}/\${op}\`, id, token, ms, input));
  }
  return client as C;
}

/** One attempt: the timeout (an AbortController) covers the answer's body too. */
async function post(url: string, id: string, token: string, timeoutMs: number, input: unknown): Promise<unknown> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(\`timed out after \${timeoutMs} ms\`)), timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: token },
      body: JSON.stringify(input ?? {}),
      signal: abort.signal,
    });
    text = await res.text();
  } catch (e) {
    throw new RemoteError(503, id, \`\${id} unavailable: \${(e as Error).message}\`);
  } finally {
    clearTimeout(timer);
  }
  // The callee's 4xx is the request's fault and passes through; anything else is a bad gateway.
  if (!res.ok) throw new RemoteError(res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 ? res.status : 502, id, \`\${id} failed (\${res.status})\`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function unplacedClient<C>(domain: string, operations: Operations<C>): C {
  const client: Record<string, Call> = {};
  for (const [method, op] of operations) {
    client[method] = async () => {
      throw new RemoteError(503, \`\${domain}.\${op}\`, \`no unit of this layout holds \${domain}\`);
    };
  }
  return client as C;
}
${grpc ? GRPC_REMOTE_TS + CHECK_HEALTH_TS : ''}`;
}

function testTs(u: ResolvedUnit, eps: Endpoint[], domains: DomainInfo[]): string {
  const bodyRoute = eps.find((e) => e.body && !e.internal);
  const internal = eps.find((e) => e.internal);
  const held = domains.filter((d) => d.held);
  return `// ${u.name}: the probes answer, the metrics are exported, every route is wired, every
// operation of every domain it holds has a handler, internal endpoints refuse a caller without
// the service token, and the HTTP client speaks the internal protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { buildApp } from '../src/app.js';
import { createClients } from '../src/clients.js';
import { NotImplemented, RemoteError } from '../src/errors.js';
import { httpClient } from '../src/remote.js';
import { ROUTES } from '../src/routes.js';

const TOKEN = randomUUID();

test('GET /health answers 200', async () => {
  const app = buildApp({ env: {} });
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().service, ${tsString(u.name)});
  await app.close();
});

test('GET /ready answers 200 and /metrics exports the request histogram', async () => {
  const app = buildApp({ env: {} });
  assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /http_request_duration_seconds_bucket/);
  await app.close();
});

test('every route is registered and answers 501 until implemented', async () => {
  const app = buildApp({ env: { SERVICE_TOKEN: TOKEN } });
  for (const r of ROUTES) {
    const url = r.url.replace(/:[^/]+/g, '1');
    const withBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
    const headers = r.internal ? { 'x-service-token': TOKEN } : {};
    const res = await app.inject({ method: r.method as 'GET', url, headers, ...(withBody ? { payload: {} } : {}) });
    assert.equal(res.statusCode, 501, \`\${r.method} \${url}\`);
${
  eps.some((e) => e.method === 'HEAD')
    ? `    // A reply to HEAD has no body to name the operation: that it has none is what to check.
    if (r.method === 'HEAD') assert.equal(res.body, '', \`\${r.method} \${url}\`);
    else assert.equal(res.json().operation, r.operation);`
    : '    assert.equal(res.json().operation, r.operation);'
}
  }
  await app.close();
});

test('every operation of every domain held here has a handler (in-process client)', async () => {
  const clients = createClients({});
  const handlers: [string, (input: never) => Promise<unknown>][] = [
${held.flatMap((d) => d.ops.map((o) => `    [${tsString(o.id)}, clients.${d.key}.${o.method}],`)).join('\n')}
  ];
  assert.equal(handlers.length, ${held.reduce((n, d) => n + d.ops.length, 0)});
  for (const [id, handler] of handlers) {
    await assert.rejects(handler({ params: {}, body: {} } as never), (e: unknown) => e instanceof NotImplemented && e.operation === id);
  }
});
${
  internal
    ? `
test('internal endpoints refuse a caller without the right service token', async () => {
  for (const [env, headers] of [[{ SERVICE_TOKEN: TOKEN }, {}], [{ SERVICE_TOKEN: TOKEN }, { 'x-service-token': 'wrong' }], [{}, { 'x-service-token': '' }]] as const) {
    const app = buildApp({ env });
    const res = await app.inject({ method: 'POST', url: ${tsString(internal.url)}, headers, payload: {} });
    assert.equal(res.statusCode, 401);
    await app.close();
  }
});
`
    : ''
}
test('the HTTP client posts the operation with the service token and maps failures', async () => {
  const seen: { url?: string; token?: string; body?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url, token: String(req.headers['x-service-token']), body });
      res.writeHead(req.url?.endsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const client = httpClient<{ get(i: object): Promise<unknown>; fail(i: object): Promise<unknown> }>(\`http://127.0.0.1:\${port}/\`, 'some-domain', [['get', 'get'], ['fail', 'fail']], TOKEN);
    assert.deepEqual(await client.get({ params: {}, body: { a: 1 } }), { ok: true });
    assert.deepEqual(seen[0], { url: '/internal/some-domain/get', token: TOKEN, body: '{"params":{},"body":{"a":1}}' });
    await assert.rejects(client.fail({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 502);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  const down = httpClient<{ get(i: object): Promise<unknown> }>(\`http://127.0.0.1:\${port}\`, 'd', [['get', 'get']], TOKEN, 1000);
  await assert.rejects(down.get({}), (e: unknown) => e instanceof RemoteError && e.statusCode === 503);
});
${
  bodyRoute
    ? `
test('request validation rejects a body that is not a JSON object', async () => {
  const app = buildApp({ env: {} });
  const res = await app.inject({ method: ${tsString(bodyRoute.method)}, url: ${tsString(bodyRoute.sample)}, payload: '"text"', headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  await app.close();
});
`
    : ''
}`;
}

function rootPackage(bp: Blueprint, r: ResolvedLayout, units: ResolvedUnit[]): string {
  const scripts: Record<string, string> = {
    build: 'npm run build --workspaces',
    test: 'npm test --workspaces',
  };
  for (const u of units) scripts[`start:${u.name}`] = `npm start -w services/${u.name}`;
  return json({
    name: `${bp.metadata.name.toLowerCase()}-${r.name}`,
    version: '0.1.0',
    private: true,
    description: `${bp.metadata.title ?? bp.metadata.name}: the ${r.name} layout, scaffolded by archsim`,
    type: 'module',
    workspaces: units.map((u) => `services/${u.name}`),
    scripts,
    devDependencies: { '@types/node': SCAFFOLD_VERSIONS['@types/node'], typescript: SCAFFOLD_VERSIONS.typescript },
    engines: { node: '>=20' },
  });
}

/** What the repository holds for a unit: archsim's TypeScript scaffold, an image run as it is, or code to write. */
function codeNote(u: ResolvedUnit): string {
  if (u.image !== undefined) return `image \`${u.image}\`, run as it is`;
  if (isScaffolded(u)) return 'TypeScript scaffold';
  return `${markdownText(u.runtime ?? '')}: write it in \`services/${u.name}/\``;
}

/**
 * The README's Events section: every event each service emits, each consumer, and how it is
 * delivered in this layout (what archsim simulated), so a team sees who consumes what.
 */
function eventsReadme(r: ResolvedLayout, pubs: Publication[], scaffolded: boolean): string[] {
  if (!pubs.length) return [];
  const b = r.layout.broker;
  const delivered = (e: EventRoute): string => {
    switch (e.how) {
      case 'in-process':
        return 'in process';
      case 'direct': {
        const [domain, op] = splitOp(e.consumer);
        return unitProtocol(e.to!) === 'grpc' ? 'direct gRPC call (its method in `proto/system.proto`)' : `direct HTTP call, \`POST /internal/${domain}/${op}\``;
      }
      case 'broker':
        return `through the ${b!.kind} broker (\`BROKER_URL\`)`;
      case 'nowhere':
        return 'not delivered: no service holds it';
    }
  };
  const L = ['## Events', ''];
  if (b) {
    L.push(
      `This layout has a ${b.kind} broker at \`BROKER_URL\`.`,
      b.localDelivery === 'in-process'
        ? 'A consumer in the publishing service runs in process (`localDelivery: in-process`); the others\nget the event through the broker.'
        : 'Every consumer gets the event through the broker, one in the publishing service too\n(`localDelivery: broker`).',
    );
    if (scaffolded) {
      L.push(
        'In a TypeScript service, `src/events.ts` has a `publish<Event>(clients, payload)` for each event it',
        'emits (its emitting handlers say to call it) and, where the service consumes events through the',
        'broker, `SUBSCRIPTIONS`: publishing to the broker and subscribing on it are stubs to write with its',
        'client library (archsim adds none).',
      );
    }
  } else {
    L.push(
      'This layout has no broker: as archsim simulated it, each event is a direct call to each consumer, in',
      'process when the consumer is in the publishing service, else to its internal endpoint.',
    );
    if (scaffolded) {
      L.push(
        'In a TypeScript service, `src/events.ts` has a `publish<Event>(clients, payload)` for each event it',
        'emits (its emitting handlers say to call it), which makes those calls, detached from the request.',
      );
    }
  }
  L.push('', '| event | published by | emitted by | consumer | consuming service | delivered |', '| --- | --- | --- | --- | --- | --- |');
  for (const p of pubs) {
    const name = markdownText(p.event);
    if (!p.routes.length) L.push(`| ${name} | \`${p.from.name}\` | ${p.emitters.join(', ')} | none | | |`);
    for (const e of p.routes) L.push(`| ${name} | \`${p.from.name}\` | ${p.emitters.join(', ')} | ${e.consumer} | ${e.to ? `\`${e.to.name}\`` : 'none'} | ${delivered(e)} |`);
  }
  L.push('');
  return L;
}

function readme(bp: Blueprint, r: ResolvedLayout, eps: Map<string, Endpoint[]>, opts: GenerateOptions): string {
  const scaffolded = r.units.filter(isScaffolded);
  const others = r.units.filter((u) => !isScaffolded(u));
  const grpcChecked = r.units.filter((u) => probeProtocol(u) === 'grpc');
  const L = [
    `# ${markdownText(bp.metadata.title ?? bp.metadata.name)} — ${r.name}`,
    '',
    `Generated by archsim from blueprint \`${bp.metadata.name}\`, layout \`${r.name}\`.`,
    r.layout.description ? `\n${markdownText(r.layout.description, 2000)}\n` : '',
    '## Services',
    '',
    '| service | domains | port | replicas | operations | public routes | called by other units | serves | code |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...r.units.map((u) => {
      const list = eps.get(u.name)!;
      const ops = u.domains.reduce((n, d) => n + Object.keys(bp.system.domains[d]?.operations ?? {}).length, 0);
      return `| \`${u.name}\` | ${u.domains.join(', ')} | ${u.port} | ${startReplicas(u)} | ${ops} | ${list.filter((e) => !e.internal).length} | ${list.filter((e) => e.internal).length} | ${u.protocol === 'grpc' ? 'gRPC' : 'HTTP'} | ${codeNote(u)} |`;
    }),
    '',
  ];
  if (scaffolded.length) {
    L.push(
      'Each TypeScript service in `services/<name>/` is a fastify app in the style of archsim\'s reference',
      'services: `src/contracts/<domain>.ts` types every operation and a client per domain;',
      '`src/handlers/<domain>.ts` has a handler for every operation of every domain the service holds',
      '(each answers 501 until you implement it); `src/clients.ts` reaches every domain the handlers',
      'call, in-process when this service holds it, over HTTP (`POST /internal/<domain>/<operation>`,',
      'with the `SERVICE_TOKEN` every internal endpoint requires) when another service does. Public',
      'routes validate requests with JSON Schema. Every service has `/health` (liveness), `/ready`',
      '(readiness, 503 while draining), `/metrics` (Prometheus, `http_request_duration_seconds`) and',
      'shuts down gracefully on SIGTERM.',
      '',
    );
    const many = scaffolded.filter(clustered);
    if (many.length) {
      L.push(
        `${many.map((u) => `\`${u.name}\` (${u.workers})`).join(', ')} run${many.length === 1 ? 's' : ''} that many event-loop processes per replica, the blueprint's`,
        `\`workers\`: one Node process uses at most one core. \`src/cluster.ts\` forks them with node:cluster`,
        `(they share the port), replaces one that dies and stops them gracefully on SIGTERM; \`${WORKERS_ENV}\` in the`,
        'compose and Kubernetes files sets the count. An HTTP one\'s `/metrics` answers for the replica:',
        "every worker's metrics summed (prom-client's AggregatorRegistry).",
        '',
      );
    }
    const grpcUnits = scaffolded.filter((u) => unitProtocol(u) === 'grpc');
    if (grpcUnits.length) {
      L.push(
        `${grpcUnits.map((u) => `\`${u.name}\``).join(', ')} serve${grpcUnits.length === 1 ? 's' : ''} gRPC instead (@grpc/grpc-js): \`src/grpc-server.ts\` has a method per`,
        'operation of every domain it holds, calling the same handlers, and the standard health service',
        '(`grpc.health.v1.Health/Check`, what the probes ask); `proto/system.proto` is the system\'s',
        'contract (a service per domain, a method per operation), shared by servers and clients. A',
        'method the gateway routes (a public operation) is open; any other asks for `SERVICE_TOKEN` in',
        'the `x-service-token` metadata. A gRPC service has no HTTP listener, so no `/metrics`.',
        '',
      );
    }
  }
  if (others.length) {
    L.push('archsim writes TypeScript only for Node services. For the others the compose and Kubernetes files are generated and the code is yours:', '');
    for (const u of others) {
      L.push(
        u.image !== undefined
          ? `- \`${u.name}\` runs the image \`${u.image}\` as it is (no build, no generated code)${u.runtime ? `; runtime ${markdownText(u.runtime)}` : ''}.`
          : `- \`${u.name}\` runs ${markdownText(u.runtime ?? 'another runtime')}: put its code and a \`Dockerfile\` in \`services/${u.name}/\` (compose builds it from there) and serve ${u.protocol === 'grpc' ? 'gRPC with the standard gRPC health service' : 'HTTP with a `/health` endpoint'} on port ${u.port}.`,
      );
    }
    const dataNotes = r.wiring.map(dataDirNote).filter((n): n is string => n !== undefined);
    // Unit and store names are DNS labels: nothing in the note is markdown.
    if (dataNotes.length) L.push('', ...dataNotes.map((n) => `- ${n}`));
    if (r.wiring.some((w) => !isScaffolded(w.unit) && usesServiceToken(r, w))) {
      L.push('', 'Calls between services carry the layout\'s `SERVICE_TOKEN` (environment, from a secret) in the `x-service-token` header; an internal endpoint answers no caller without it.');
    }
    L.push('');
  }
  if (grpcChecked.length) {
    L.push(
      `Health of ${grpcChecked.map((u) => `\`${u.name}\``).join(', ')} is the standard gRPC health protocol: Kubernetes asks it with its own \`grpc\` probe, compose with \`grpc_health_probe\`, which the image must contain (github.com/grpc-ecosystem/grpc-health-probe).`,
      '',
    );
  }
  L.push(...eventsReadme(r, publications(bp, r), scaffolded.length > 0));
  if (scaffolded.length) {
    L.push('## Develop', '', '```sh', 'npm install', 'npm test              # builds and tests every TypeScript service', `npm run start:${scaffolded[0]!.name}`, '```', '');
  }
  L.push(
    '## Run everything locally',
    '',
    '```sh',
    'cp .env.example .env   # then set every change-me value (e.g. openssl rand -hex 24)',
    ...(scaffolded.length ? ['npm install            # the images are built from these packages'] : []),
    'docker compose up --build',
    '```',
    '',
    ...(scaffolded.length
      ? [
          'The TypeScript services\' images are built from the repository root with the packages `npm install`',
          'put in `node_modules`: the image build fetches nothing, so it works offline and behind a',
          'registry mirror (the base image `node:20-slim` comes from your Docker registry or mirror).',
          '',
        ]
      : []),
    '## Deploy to Kubernetes',
    '',
    'Create the Secrets listed in `k8s/kustomization.yaml` (the manifests reference them, never',
    'hold their values), then:',
    '',
    '```sh',
    'kubectl apply -k k8s/',
    '```',
    '',
    opts.withDatastores ? 'The datastores are included as StatefulSets (`k8s/datastores/`).\n' : 'Datastores are not included: point the Secrets at managed databases, or regenerate with `--with-datastores`.\n',
    '## Regenerate',
    '',
    '```sh',
    `archsim generate scaffold <blueprint> --layout ${r.name} --out . --force`,
    '```',
    '',
    'That overwrites generated files, handlers included: commit first and merge your handlers back.',
    '',
  );
  return L.join('\n');
}

export function scaffoldFiles(bp: Blueprint, layout: string, opts: GenerateOptions = {}): GeneratedFile[] {
  const r = layoutToGenerate(bp, layout);
  refuseScaffoldPaths(r);
  const table = r.routes;
  const files: GeneratedFile[] = [];
  const eps = new Map(r.units.map((u) => [u.name, endpoints(bp, r, u, table)]));
  const scaffolded = r.units.filter(isScaffolded);
  files.push({ path: 'README.md', content: readme(bp, r, eps, opts) });
  files.push({ path: '.gitignore', content: 'node_modules/\ndist/\n.env\n*.log\n' });
  if (scaffolded.length) {
    files.push({ path: '.dockerignore', content: DOCKERIGNORE });
    files.push({ path: 'package.json', content: rootPackage(bp, r, scaffolded) });
    files.push({ path: '.nvmrc', content: '20\n' });
  }
  const names = grpcNames(bp);
  const pubs = publications(bp, r);
  for (const u of scaffolded) {
    const base = `services/${u.name}`;
    const list = eps.get(u.name)!;
    const domains = domainsOf(bp, r, u);
    const grpc = usesGrpc(u, domains);
    const serves = unitProtocol(u) === 'grpc';
    files.push({ path: `${base}/package.json`, content: servicePackage(bp, u, grpc) });
    files.push({ path: `${base}/tsconfig.json`, content: TSCONFIG });
    const w = r.wiring.find((x) => x.unit.name === u.name)!;
    files.push({ path: `${base}/Dockerfile`, content: dockerfile(u, grpc, filesystemStores(w).map((s) => `/data/${s.name}`)) });
    if (serves) {
      // A gRPC unit: a method per operation it holds, public ones being what the gateway routes.
      const methods = grpcMethods(bp, domains, new Set(table.filter((t) => t.unit === u.name).map((t) => t.op)));
      files.push({ path: `${base}/src/grpc-server.ts`, content: grpcServerTs(u, methods, domains, scaffoldBodyLimit(bp, u, pubs)) });
      files.push({ path: `${base}/src/main.ts`, content: grpcMainTs(u, unitEvents(bp, pubs, u).subscribed.length > 0) });
      if (clustered(u)) files.push({ path: `${base}/src/cluster.ts`, content: clusterTs(u, false) });
      files.push({ path: `${base}/src/health-check.ts`, content: healthCheckTs(u) });
    } else {
      files.push({ path: `${base}/src/app.ts`, content: appTs(u, scaffoldBodyLimit(bp, u, pubs)) });
      files.push({ path: `${base}/src/main.ts`, content: mainTs(u, unitEvents(bp, pubs, u).subscribed.length > 0) });
      if (clustered(u)) files.push({ path: `${base}/src/cluster.ts`, content: clusterTs(u, true) });
      files.push({ path: `${base}/src/metrics.ts`, content: metricsTs(u) });
      files.push({ path: `${base}/src/routes.ts`, content: routesTs(u, list, domains) });
    }
    if (grpc) {
      files.push({ path: `${base}/src/proto.ts`, content: PROTO_TS(bp) });
      files.push({ path: `${base}/proto/system.proto`, content: protoFile(bp) });
      files.push({ path: `${base}/proto/health.proto`, content: HEALTH_PROTO });
    }
    files.push({ path: `${base}/src/errors.ts`, content: ERRORS_TS });
    files.push({ path: `${base}/src/service-auth.ts`, content: SERVICE_AUTH_TS });
    files.push({ path: `${base}/src/remote.ts`, content: remoteTs(grpc) });
    files.push({ path: `${base}/src/clients.ts`, content: clientsTs(bp, u, domains, names, calleeVariables(bp, r, r.wiring.find((w) => w.unit.name === u.name)!)) });
    const ev = unitEvents(bp, pubs, u);
    const events = eventsTs(r, u, domains, ev);
    if (events !== undefined) files.push({ path: `${base}/src/events.ts`, content: events });
    notePublishes(bp, domains, ev);
    for (const d of domains) {
      files.push({ path: `${base}/src/contracts/${d.file}.ts`, content: contractTs(bp, d) });
      if (d.held) files.push({ path: `${base}/src/handlers/${d.file}.ts`, content: handlersTs(bp, d) });
    }
    files.push({
      path: `${base}/test/app.test.ts`,
      content: serves ? grpcTestTs(u, grpcMethods(bp, domains, new Set(table.filter((t) => t.unit === u.name).map((t) => t.op))), domains.filter((d) => d.held)) : testTs(u, list, domains),
    });
  }
  files.push(...composeFiles(bp, layout, opts), ...k8sFiles(bp, layout, opts));
  return files;
}
