// The routes of api: its public routes from the blueprint's route table, and an internal
// endpoint (POST /internal/<domain>/<operation>, service token required) per operation another
// unit calls. Request validation is JSON Schema (fastify answers 400 before a handler runs);
// each route calls its operation through the in-process client (src/handlers/).
import type { FastifyInstance } from 'fastify';
import type { Clients } from './clients.js';
import type * as apiContract from './contracts/api.js';

export interface RouteInfo {
  operation: string;
  method: string;
  url: string;
  internal: boolean;
}

/** Every route this service serves (tests walk this list). */
export const ROUTES: RouteInfo[] = [
  { operation: "api.exact", method: "GET", url: "/api/items/special", internal: false },
  { operation: "api.item", method: "GET", url: "/api/items/:id", internal: false },
  { operation: "api.list", method: "GET", url: "/api/items", internal: false },
];

export interface RouteOptions {
  /** the token other units send (SERVICE_TOKEN); unset, every internal endpoint refuses */
  serviceToken: string | undefined;
}

export function registerRoutes(app: FastifyInstance, clients: Clients, options: RouteOptions): void {
  void options; // no internal endpoints: no other unit calls this one
  // GET /api/items/special: cpu ≈1 ms
  app.route({ method: "GET", url: "/api/items/special", schema: {}, handler: async (req) => clients.api.exact({ params: req.params, body: req.body } as apiContract.ExactInput) });
  // GET /api/items/{id}: cpu ≈1 ms; db 1 read(s), 0 write(s)
  app.route({ method: "GET", url: "/api/items/:id", schema: {"params":{"type":"object","properties":{"id":{"type":"string","minLength":1}},"required":["id"]}}, handler: async (req) => clients.api.item({ params: req.params, body: req.body } as apiContract.ItemInput) });
  // GET /api/items: cpu ≈1 ms; db 1 read(s), 0 write(s); calls search.find; emits item.seen
  app.route({ method: "GET", url: "/api/items", schema: {}, handler: async (req) => clients.api.list({ params: req.params, body: req.body } as apiContract.ListInput) });
}
