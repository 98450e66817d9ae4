// Events in the TypeScript scaffold, as archsim simulates them: without a broker, a consumer in the
// publishing unit runs in process and one in another unit is a direct call (an internal endpoint
// on its unit, a client and publish<Event> in the publisher's src/events.ts); with a broker,
// publish<Event> and the consumer's subscription are stubs naming the broker and BROKER_URL. The
// README lists each event, its consumers and how they are delivered. Event names are free text:
// they reach code only as escaped literals and comments, and identifiers through pascal-casing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import type { GeneratedFile } from '../../src/generate/common.js';
import { fileOf, load } from './own-blueprint.js';

/** Two units, one event, one consumer (`consumer`), and the layout's broker line if any. */
const blueprint = (consumer: string, broker = '') => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: evshop }
system:
  domains:
    orders:
      operations:
        place: { route: "POST /orders", cpu: 1ms, emits: [order.placed] }
        audit: { internal: true, cpu: 1ms }
    stock:
      operations:
        reserve: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [${consumer}] }
layouts:
  split:
${broker}    units:
      orders: { domains: [orders], port: 8080 }
      stock: { domains: [stock], port: 8081 }
`;
const RABBIT = '    broker: { kind: rabbitmq }\n';
const scaffold = (consumer: string, broker = '') => generate('scaffold', load(blueprint(consumer, broker)), 'split');
const paths = (files: GeneratedFile[]) => files.map((f) => f.path);
const eventsSection = (readme: string) => readme.slice(readme.indexOf('## Events'), readme.indexOf('## Develop'));
/** The lines of routes.ts's ROUTES list. */
const routeList = (routes: string) => routes.slice(routes.indexOf('export const ROUTES'), routes.indexOf('];') + 2).split('\n');
const TODO = '      // TODO: implement orders.place; publish what it emits: publishOrderPlaced(clients, payload) from ../events.js.';

describe('events in the scaffold', () => {
  it('a consumer in the publishing unit runs in process: publishOrderPlaced calls its in-process client, no internal endpoint', () => {
    const files = scaffold('orders.audit');
    expect(fileOf(files, 'services/orders/src/events.ts')).toBe(
      [
      "// The events of orders: a publish<Event>(clients, payload) per event it emits.",
      "// This layout has no broker: as archsim simulated it, each event reaches each consumer by a direct",
      "// call, in process for an operation of this unit, to its internal endpoint (src/clients.ts, with",
      "// the service token) for another unit's.",
      "// The deliveries run detached from the emitting request, as simulated: a handler may leave the",
      "// promise unawaited (it never rejects) or await it for the deliveries that failed.",
      "import type { Clients } from './clients.js';",
      "",
      "/** A delivery that failed: to which consumer operation (or the broker), and why. */",
      "export interface DeliveryFailure {",
      "  to: string;",
      "  error: unknown;",
      "}",
      "",
      "/** Runs every delivery at once; resolves to those that failed and never rejects. */",
      "async function deliver(deliveries: readonly (readonly [string, () => Promise<unknown>])[]): Promise<DeliveryFailure[]> {",
      "  const settled = await Promise.allSettled(deliveries.map(([, run]) => Promise.resolve().then(run)));",
      "  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ to: deliveries[i]![0], error: s.reason as unknown }] : []));",
      "}",
      "",
      "/** order.placed: its payload, refine it (each consumer takes it as its input's body). */",
      "export type OrderPlacedPayload = Record<string, unknown>;",
      "",
      "/** Publish order.placed (emitted by orders.place) to orders.audit, in process. */",
      "export function publishOrderPlaced(clients: Clients, payload: OrderPlacedPayload): Promise<DeliveryFailure[]> {",
      "  return deliver([",
      "    [\"orders.audit\", () => clients.orders.audit({ params: {}, body: payload })],",
      "  ]);",
      "}",
      "",
    ].join('\n'),
    );
    expect(paths(files)).not.toContain('services/stock/src/events.ts');
    expect(routeList(fileOf(files, 'services/orders/src/routes.ts'))).toEqual([
      'export const ROUTES: RouteInfo[] = [',
      '  { operation: "orders.place", method: "POST", url: "/orders", internal: false },',
      '];',
    ]);
    expect(fileOf(files, 'services/orders/src/handlers/orders.ts').split('\n')).toContain(TODO);
    expect(eventsSection(fileOf(files, 'README.md'))).toBe(
      [
      "## Events",
      "",
      "This layout has no broker: as archsim simulated it, each event is a direct call to each consumer, in",
      "process when the consumer is in the publishing service, else to its internal endpoint.",
      "In a TypeScript service, `src/events.ts` has a `publish<Event>(clients, payload)` for each event it",
      "emits (its emitting handlers say to call it), which makes those calls, detached from the request.",
      "",
      "| event | published by | emitted by | consumer | consuming service | delivered |",
      "| --- | --- | --- | --- | --- | --- |",
      "| order.placed | `orders` | orders.place | orders.audit | `orders` | in process |",
      "",
      "",
    ].join('\n'),
    );
  });

  it('without a broker, a consumer in another unit is a direct call: its internal endpoint, a client and publishOrderPlaced calling it', () => {
    const files = scaffold('stock.reserve');
    expect(fileOf(files, 'services/stock/src/routes.ts')).toBe(
      [
      "// The routes of stock: its public routes from the blueprint's route table, and an internal",
      "// endpoint (POST /internal/<domain>/<operation>, service token required) per operation another",
      "// unit calls. Request validation is JSON Schema (fastify answers 400 before a handler runs);",
      "// each route calls its operation through the in-process client (src/handlers/).",
      "import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';",
      "import type { Clients } from './clients.js';",
      "import { SERVICE_TOKEN_HEADER, validServiceToken } from './service-auth.js';",
      "import type * as stockContract from './contracts/stock.js';",
      "",
      "export interface RouteInfo {",
      "  operation: string;",
      "  method: string;",
      "  url: string;",
      "  internal: boolean;",
      "}",
      "",
      "/** Every route this service serves (tests walk this list). */",
      "export const ROUTES: RouteInfo[] = [",
      "  { operation: \"stock.reserve\", method: \"POST\", url: \"/internal/stock/reserve\", internal: true },",
      "];",
      "",
      "export interface RouteOptions {",
      "  /** the token other units send (SERVICE_TOKEN); unset, every internal endpoint refuses */",
      "  serviceToken: string | undefined;",
      "}",
      "",
      "export function registerRoutes(app: FastifyInstance, clients: Clients, options: RouteOptions): void {",
      "  // Internal endpoints answer only a caller that presents the service token.",
      "  const internal = async (req: FastifyRequest, reply: FastifyReply) => {",
      "    if (!validServiceToken(req.headers[SERVICE_TOKEN_HEADER], options.serviceToken)) return reply.code(401).send({ error: 'Unauthorized' });",
      "    return undefined;",
      "  };",
      "  // POST /internal/stock/reserve: cpu ≈1 ms",
      "  app.route({ method: \"POST\", url: \"/internal/stock/reserve\", schema: {\"body\":{\"type\":\"object\",\"properties\":{\"params\":{\"type\":\"object\"},\"body\":{\"type\":\"object\"}}}}, onRequest: internal, handler: async (req) => clients.stock.reserve(req.body as stockContract.ReserveInput) });",
      "}",
      "",
    ].join('\n'),
    );
    expect(fileOf(files, 'services/orders/src/clients.ts')).toBe(
      [
      "// The clients of orders: one typed client per domain its operations reach. A domain this unit",
      "// holds is an in-process call (its handlers); a domain held by another unit is a call over the",
      "// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the",
      "// service token). A handler cannot tell which: moving a domain between units changes this",
      "// file, not the handlers.",
      "import type { OrdersClient } from './contracts/orders.js';",
      "import type { StockClient } from './contracts/stock.js';",
      "import { createOrders } from './handlers/orders.js';",
      "import { httpClient } from './remote.js';",
      "",
      "export interface Clients {",
      "  /** orders: in-process */",
      "  orders: OrdersClient;",
      "  /** stock: stock, by HTTP */",
      "  stock: StockClient;",
      "}",
      "",
      "export function createClients(env: Record<string, string | undefined> = process.env): Clients {",
      "  const token = env.SERVICE_TOKEN ?? '';",
      "  const clients = {} as Clients;",
      "  clients.orders = createOrders(clients);",
      "  clients.stock = httpClient<StockClient>(env.STOCK_URL ?? \"http://stock:8081\", \"stock\", [[\"reserve\", \"reserve\"]], token);",
      "  return clients;",
      "}",
      "",
    ].join('\n'),
    );
    expect(fileOf(files, 'services/orders/src/events.ts')).toBe(
      [
      "// The events of orders: a publish<Event>(clients, payload) per event it emits.",
      "// This layout has no broker: as archsim simulated it, each event reaches each consumer by a direct",
      "// call, in process for an operation of this unit, to its internal endpoint (src/clients.ts, with",
      "// the service token) for another unit's.",
      "// The deliveries run detached from the emitting request, as simulated: a handler may leave the",
      "// promise unawaited (it never rejects) or await it for the deliveries that failed.",
      "import type { Clients } from './clients.js';",
      "",
      "/** A delivery that failed: to which consumer operation (or the broker), and why. */",
      "export interface DeliveryFailure {",
      "  to: string;",
      "  error: unknown;",
      "}",
      "",
      "/** Runs every delivery at once; resolves to those that failed and never rejects. */",
      "async function deliver(deliveries: readonly (readonly [string, () => Promise<unknown>])[]): Promise<DeliveryFailure[]> {",
      "  const settled = await Promise.allSettled(deliveries.map(([, run]) => Promise.resolve().then(run)));",
      "  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ to: deliveries[i]![0], error: s.reason as unknown }] : []));",
      "}",
      "",
      "/** order.placed: its payload, refine it (each consumer takes it as its input's body). */",
      "export type OrderPlacedPayload = Record<string, unknown>;",
      "",
      "/** Publish order.placed (emitted by orders.place) to stock.reserve in stock, by a direct HTTP call. */",
      "export function publishOrderPlaced(clients: Clients, payload: OrderPlacedPayload): Promise<DeliveryFailure[]> {",
      "  return deliver([",
      "    [\"stock.reserve\", () => clients.stock.reserve({ params: {}, body: payload })],",
      "  ]);",
      "}",
      "",
    ].join('\n'),
    );
    expect(paths(files)).not.toContain('services/stock/src/events.ts');
    expect(fileOf(files, 'services/orders/src/handlers/orders.ts').split('\n')).toContain(TODO);
    // the consumer's unit is now called by another: the README's count says so
    expect(fileOf(files, 'README.md')).toContain('\n| `stock` | stock | 8081 | 1 | 1 | 0 | 1 | HTTP | TypeScript scaffold |\n');
    expect(eventsSection(fileOf(files, 'README.md'))).toBe(
      [
      "## Events",
      "",
      "This layout has no broker: as archsim simulated it, each event is a direct call to each consumer, in",
      "process when the consumer is in the publishing service, else to its internal endpoint.",
      "In a TypeScript service, `src/events.ts` has a `publish<Event>(clients, payload)` for each event it",
      "emits (its emitting handlers say to call it), which makes those calls, detached from the request.",
      "",
      "| event | published by | emitted by | consumer | consuming service | delivered |",
      "| --- | --- | --- | --- | --- | --- |",
      "| order.placed | `orders` | orders.place | stock.reserve | `stock` | direct HTTP call, `POST /internal/stock/reserve` |",
      "",
      "",
    ].join('\n'),
    );
  });

  it('with a broker, publishOrderPlaced is a stub naming the broker, BROKER_URL and the subscribers; the consumer lists its subscription', () => {
    const files = scaffold('stock.reserve', RABBIT);
    expect(fileOf(files, 'services/orders/src/events.ts')).toBe(
      [
      "// The events of orders: a publish<Event>(clients, payload) per event it emits.",
      "// This layout has a rabbitmq broker, at BROKER_URL (set by compose and Kubernetes). Publishing to it",
      "// and subscribing are STUBS: write them with its client library (archsim adds none).",
      "// The deliveries run detached from the emitting request, as simulated: a handler may leave the",
      "// promise unawaited (it never rejects) or await it for the deliveries that failed.",
      "import type { Clients } from './clients.js';",
      "import { NotImplemented } from './errors.js';",
      "",
      "/** A delivery that failed: to which consumer operation (or the broker), and why. */",
      "export interface DeliveryFailure {",
      "  to: string;",
      "  error: unknown;",
      "}",
      "",
      "/** Runs every delivery at once; resolves to those that failed and never rejects. */",
      "async function deliver(deliveries: readonly (readonly [string, () => Promise<unknown>])[]): Promise<DeliveryFailure[]> {",
      "  const settled = await Promise.allSettled(deliveries.map(([, run]) => Promise.resolve().then(run)));",
      "  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ to: deliveries[i]![0], error: s.reason as unknown }] : []));",
      "}",
      "",
      "/**",
      " * STUB: publish an event to the rabbitmq broker at BROKER_URL, with the broker's client library.",
      " * Until then every publish through it fails with NotImplemented (a DeliveryFailure).",
      " */",
      "async function toBroker(event: string, payload: unknown): Promise<void> {",
      "  void payload;",
      "  throw new NotImplemented(event, \"publish it to the rabbitmq broker at BROKER_URL (src/events.ts)\");",
      "}",
      "",
      "/** order.placed: its payload, refine it (each consumer takes it as its input's body). */",
      "export type OrderPlacedPayload = Record<string, unknown>;",
      "",
      "/** Publish order.placed (emitted by orders.place) to stock.reserve in stock, through the rabbitmq broker. */",
      "export function publishOrderPlaced(clients: Clients, payload: OrderPlacedPayload): Promise<DeliveryFailure[]> {",
      "  return deliver([",
      "    // subscribed on the broker: stock.reserve (stock)",
      "    [\"rabbitmq broker\", () => toBroker(\"order.placed\", payload)],",
      "  ]);",
      "}",
      "",
    ].join('\n'),
    );
    expect(fileOf(files, 'services/stock/src/events.ts')).toBe(
      [
      "// The events of stock: those it takes from the broker (SUBSCRIPTIONS).",
      "// This layout has a rabbitmq broker, at BROKER_URL (set by compose and Kubernetes). Publishing to it",
      "// and subscribing are STUBS: write them with its client library (archsim adds none).",
      "import type { Clients } from './clients.js';",
      "import { NotImplemented } from './errors.js';",
      "",
      "/** An event this unit takes from the broker, and the operation that consumes it (in process). */",
      "export interface Subscription {",
      "  event: string;",
      "  operation: string;",
      "  deliver(clients: Clients, payload: Record<string, unknown>): Promise<unknown>;",
      "}",
      "",
      "/** What stock subscribes to on the rabbitmq broker. */",
      "export const SUBSCRIPTIONS: Subscription[] = [",
      "  { event: \"order.placed\", operation: \"stock.reserve\", deliver: (clients, payload) => clients.stock.reserve({ params: {}, body: payload }) },",
      "];",
      "",
      "/**",
      " * STUB: subscribe to each of SUBSCRIPTIONS on the rabbitmq broker at BROKER_URL, with the broker's",
      " * client library, and hand each message's payload to its deliver. main.ts starts it once the",
      ' * service listens, and logs a warning while it fails.',
      " */",
      "export async function subscribe(clients: Clients): Promise<void> {",
      "  void clients;",
      "  throw new NotImplemented('subscribe', \"subscribe to the rabbitmq broker at BROKER_URL (src/events.ts)\");",
      "}",
      "",
    ].join('\n'),
    );
    // delivered by the broker: no internal endpoint, no client for it
    expect(routeList(fileOf(files, 'services/stock/src/routes.ts'))).toEqual(['export const ROUTES: RouteInfo[] = [', '];']);
    expect(fileOf(files, 'services/orders/src/clients.ts')).not.toContain('stock');
    expect(fileOf(files, 'services/orders/src/handlers/orders.ts').split('\n')).toContain(TODO);
    expect(eventsSection(fileOf(files, 'README.md'))).toBe(
      [
      "## Events",
      "",
      "This layout has a rabbitmq broker at `BROKER_URL`.",
      "Every consumer gets the event through the broker, one in the publishing service too",
      "(`localDelivery: broker`).",
      "In a TypeScript service, `src/events.ts` has a `publish<Event>(clients, payload)` for each event it",
      "emits (its emitting handlers say to call it) and, where the service consumes events through the",
      "broker, `SUBSCRIPTIONS`: publishing to the broker and subscribing on it are stubs to write with its",
      "client library (archsim adds none).",
      "",
      "| event | published by | emitted by | consumer | consuming service | delivered |",
      "| --- | --- | --- | --- | --- | --- |",
      "| order.placed | `orders` | orders.place | stock.reserve | `stock` | through the rabbitmq broker (`BROKER_URL`) |",
      "",
      "",
    ].join('\n'),
    );
  });

  it('with a broker that delivers local consumers in process (localDelivery: in-process), the local one is called and the rest go to the broker', () => {
    const text = blueprint('stock.reserve, orders.audit', '    broker: { kind: kafka, localDelivery: in-process }\n');
    const files = generate('scaffold', load(text), 'split');
    const events = fileOf(files, 'services/orders/src/events.ts');
    expect(events.slice(events.indexOf('/** Publish'))).toBe(
      [
        '/** Publish order.placed (emitted by orders.place) to stock.reserve in stock, through the kafka broker; orders.audit, in process. */',
        'export function publishOrderPlaced(clients: Clients, payload: OrderPlacedPayload): Promise<DeliveryFailure[]> {',
        '  return deliver([',
        '    // subscribed on the broker: stock.reserve (stock)',
        '    ["kafka broker", () => toBroker("order.placed", payload)],',
        '    ["orders.audit", () => clients.orders.audit({ params: {}, body: payload })],',
        '  ]);',
        '}',
        '',
      ].join('\n'),
    );
    expect(paths(files)).toContain('services/stock/src/events.ts');
    expect(fileOf(files, 'README.md')).toContain(
      '\nA consumer in the publishing service runs in process (`localDelivery: in-process`); the others\nget the event through the broker.\n',
    );
    expect(fileOf(files, 'README.md')).toContain('\n| order.placed | `orders` | orders.place | orders.audit | `orders` | in process |\n');
  });
});

/**
 * Event names that are no identifiers: dots and dashes, Unicode only, a comment terminator, a line
 * break, one that pascal-cases like another; a consumer with a route parameter named __proto__; a
 * gRPC consumer unit.
 */
const HOSTILE = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: hostile-events }
system:
  domains:
    orders:
      operations:
        place: { route: "POST /orders", cpu: 1ms, emits: [order.placed-v2, "注文.確定", "2fa */ evil(); /* x", "a\\nb", order_placed_v2] }
        audit: { internal: true, cpu: 1ms }
    stock:
      operations:
        reserve: { internal: true, cpu: 1ms }
        show: { route: "GET /stock/{__proto__}/{sku}", cpu: 1ms }
    rpc:
      operations:
        hear: { internal: true, cpu: 1ms }
  events:
    order.placed-v2: { consumers: [stock.reserve, orders.audit, rpc.hear] }
    "注文.確定": { consumers: [stock.show] }
    "2fa */ evil(); /* x": { consumers: [orders.audit] }
    "a\\nb": { consumers: [stock.reserve] }
    order_placed_v2: { consumers: [] }
layouts:
  split:
    units:
      orders: { domains: [orders], port: 8080 }
      stock: { domains: [stock], port: 8081 }
      rpc: { domains: [rpc], port: 8082, protocol: grpc }
  bus:
    broker: { kind: kafka, localDelivery: in-process }
    units:
      orders: { domains: [orders], port: 8080 }
      stock: { domains: [stock], port: 8081 }
      rpc: { domains: [rpc], port: 8082, protocol: grpc }
`;

describe('event names that are not identifiers', () => {
  it('become distinct identifiers, escaped string literals and one-line comments', () => {
    const split = generate('scaffold', load(HOSTILE), 'split');
    const events = fileOf(split, 'services/orders/src/events.ts').split('\n');
    expect(events.filter((l) => l.startsWith('export '))).toEqual([
      'export interface DeliveryFailure {',
      'export type OrderPlacedV2Payload = Record<string, unknown>;',
      'export function publishOrderPlacedV2(clients: Clients, payload: OrderPlacedV2Payload): Promise<DeliveryFailure[]> {',
      'export type EventPayload = Record<string, unknown>;',
      'export function publishEvent(clients: Clients, payload: EventPayload): Promise<DeliveryFailure[]> {',
      'export type Event2faEvilXPayload = Record<string, unknown>;',
      'export function publishEvent2faEvilX(clients: Clients, payload: Event2faEvilXPayload): Promise<DeliveryFailure[]> {',
      'export type ABPayload = Record<string, unknown>;',
      'export function publishAB(clients: Clients, payload: ABPayload): Promise<DeliveryFailure[]> {',
      'export type OrderPlacedV22Payload = Record<string, unknown>;',
      'export function publishOrderPlacedV22(clients: Clients, payload: OrderPlacedV22Payload): Promise<DeliveryFailure[]> {',
    ]);
    // the names stay text in comments: one line each, the comment never closed early
    expect(events).toContain('/** 2fa * / evil(); / * x: its payload, refine it (each consumer takes it as its input\'s body). */');
    expect(events).toContain('/** a b: its payload, refine it (each consumer takes it as its input\'s body). */');
    expect(events).toContain('/** Publish 注文.確定 (emitted by orders.place) to stock.show in stock, by a direct HTTP call. */');
    expect(events.filter((l) => l.includes('evil')).every((l) => l.startsWith('/** '))).toBe(true);
    // a route parameter named __proto__ is a computed key, read as the payload's own field
    expect(events).toContain(`    ["stock.show", () => clients.stock.show({ params: { ["__proto__"]: routeParam(payload, "__proto__"), sku: routeParam(payload, "sku") }, body: undefined })],`);
    expect(events).toContain("  return Object.hasOwn(payload, name) ? String(payload[name]) : '';");
    // a gRPC consumer unit is reached by its gRPC client
    expect(events).toContain('    ["rpc.hear", () => clients.rpc.hear({ params: {}, body: payload })],');
    expect(fileOf(split, 'services/orders/src/clients.ts')).toContain('  clients.rpc = grpcClient<RpcClient>(env.RPC_GRPC_ADDR ?? "rpc:8082", "rpc", "hostile_events.v1.Rpc", [["hear", "hear", "Hear"]], token);\n');
    expect(fileOf(split, 'services/orders/src/handlers/orders.ts')).toContain(
      '      // TODO: implement orders.place; publish what it emits: publishOrderPlacedV2(clients, payload), publishEvent(clients, payload), publishEvent2faEvilX(clients, payload), publishAB(clients, payload), publishOrderPlacedV22(clients, payload) from ../events.js.\n',
    );
    const readme = eventsSection(fileOf(split, 'README.md')).split('\n');
    expect(readme.filter((l) => l.startsWith('| ') && !l.startsWith('| event') && !l.startsWith('| ---'))).toEqual([
      '| order.placed-v2 | `orders` | orders.place | stock.reserve | `stock` | direct HTTP call, `POST /internal/stock/reserve` |',
      '| order.placed-v2 | `orders` | orders.place | orders.audit | `orders` | in process |',
      '| order.placed-v2 | `orders` | orders.place | rpc.hear | `rpc` | direct gRPC call (its method in `proto/system.proto`) |',
      '| 注文.確定 | `orders` | orders.place | stock.show | `stock` | direct HTTP call, `POST /internal/stock/show` |',
      '| 2fa \\* / evil(); / \\* x | `orders` | orders.place | orders.audit | `orders` | in process |',
      '| a b | `orders` | orders.place | stock.reserve | `stock` | direct HTTP call, `POST /internal/stock/reserve` |',
      '| order\\_placed\\_v2 | `orders` | orders.place | none | | |',
    ]);

    const bus = generate('scaffold', load(HOSTILE), 'bus');
    const busEvents = fileOf(bus, 'services/orders/src/events.ts').split('\n');
    expect(busEvents).toContain('    ["kafka broker", () => toBroker("a\\nb", payload)],');
    expect(busEvents).toContain('    ["kafka broker", () => toBroker("注文.確定", payload)],');
    // its only consumer is local and delivered in process: nothing goes to the broker
    const twoFa = busEvents.slice(busEvents.indexOf('export function publishEvent2faEvilX(clients: Clients, payload: Event2faEvilXPayload): Promise<DeliveryFailure[]> {'));
    expect(twoFa.slice(0, 5)).toEqual([
      'export function publishEvent2faEvilX(clients: Clients, payload: Event2faEvilXPayload): Promise<DeliveryFailure[]> {',
      '  return deliver([',
      '    ["orders.audit", () => clients.orders.audit({ params: {}, body: payload })],',
      '  ]);',
      '}',
    ]);
    expect(fileOf(bus, 'services/stock/src/events.ts').split('\n').filter((l) => l.startsWith('  { event'))).toEqual([
      '  { event: "order.placed-v2", operation: "stock.reserve", deliver: (clients, payload) => clients.stock.reserve({ params: {}, body: payload }) },',
      '  { event: "注文.確定", operation: "stock.show", deliver: (clients, payload) => clients.stock.show({ params: { ["__proto__"]: routeParam(payload, "__proto__"), sku: routeParam(payload, "sku") }, body: undefined }) },',
      '  { event: "a\\nb", operation: "stock.reserve", deliver: (clients, payload) => clients.stock.reserve({ params: {}, body: payload }) },',
    ]);
    expect(fileOf(bus, 'services/rpc/src/events.ts')).toContain('\n  { event: "order.placed-v2", operation: "rpc.hear", deliver: (clients, payload) => clients.rpc.hear({ params: {}, body: payload }) },\n');
  });
});

describe('the scaffolds with events type-check', () => {
  it('under the services\' strict compiler options, with the real fastify, prom-client, gRPC and node types', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'archsim-events-tsc-'));
    try {
      const cases: [string, GeneratedFile[]][] = [
        ['same', scaffold('orders.audit')],
        ['direct', scaffold('stock.reserve')],
        ['broker', scaffold('stock.reserve', RABBIT)],
        ['hostile-split', generate('scaffold', load(HOSTILE), 'split')],
        ['hostile-bus', generate('scaffold', load(HOSTILE), 'bus')],
      ];
      for (const [name, files] of cases) {
        for (const f of files.filter((x) => x.path.endsWith('.ts') || x.path.endsWith('package.json'))) {
          const p = join(tmp, name, f.path);
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, f.content);
        }
      }
      const root = new URL('../../', import.meta.url).pathname;
      symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
      writeFileSync(
        join(tmp, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], strict: true, noUncheckedIndexedAccess: true, skipLibCheck: true, noEmit: true, types: ['node'] },
          include: ['*/services/*/src/**/*.ts', '*/services/*/test/**/*.ts'],
        }),
      );
      const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tmp], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
