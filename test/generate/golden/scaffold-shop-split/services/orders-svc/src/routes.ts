// The routes of orders-svc: its public routes from the blueprint's route table, and an internal
// endpoint (POST /internal/<domain>/<operation>, service token required) per operation another
// unit calls. Request validation is JSON Schema (fastify answers 400 before a handler runs);
// each route calls its operation through the in-process client (src/handlers/).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clients } from './clients.js';
import { SERVICE_TOKEN_HEADER, validServiceToken } from './service-auth.js';
import type * as ordersContract from './contracts/orders.js';

export interface RouteInfo {
  operation: string;
  method: string;
  url: string;
  internal: boolean;
}

/** Every route this service serves (tests walk this list). */
export const ROUTES: RouteInfo[] = [
  { operation: "orders.history", method: "GET", url: "/orders/:orderId", internal: false },
  { operation: "orders.place", method: "POST", url: "/internal/orders/place", internal: true },
];

export interface RouteOptions {
  /** the token other units send (SERVICE_TOKEN); unset, every internal endpoint refuses */
  serviceToken: string | undefined;
}

export function registerRoutes(app: FastifyInstance, clients: Clients, options: RouteOptions): void {
  // Internal endpoints answer only a caller that presents the service token.
  const internal = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!validServiceToken(req.headers[SERVICE_TOKEN_HEADER], options.serviceToken)) return reply.code(401).send({ error: 'Unauthorized' });
    return undefined;
  };
  // GET /orders/{orderId}: cpu ≈1 ms; db 1 read(s), 0 write(s)
  app.route({ method: "GET", url: "/orders/:orderId", schema: {"params":{"type":"object","properties":{"orderId":{"type":"string","minLength":1}},"required":["orderId"]}}, handler: async (req) => clients.orders.history({ params: req.params, body: req.body } as ordersContract.HistoryInput) });
  // POST /internal/orders/place: cpu ≈1 ms; db 0 read(s), 1 write(s); calls cart.get, catalog.list
  app.route({ method: "POST", url: "/internal/orders/place", schema: {"body":{"type":"object","properties":{"params":{"type":"object"},"body":{"type":"object"}}}}, onRequest: internal, handler: async (req) => clients.orders.place(req.body as ordersContract.PlaceInput) });
}
