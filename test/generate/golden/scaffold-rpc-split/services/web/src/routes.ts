// The routes of web: its public routes from the blueprint's route table, and an internal
// endpoint (POST /internal/<domain>/<operation>, service token required) per operation another
// unit calls. Request validation is JSON Schema (fastify answers 400 before a handler runs);
// each route calls its operation through the in-process client (src/handlers/).
import type { FastifyInstance } from 'fastify';
import type { Clients } from './clients.js';
import type * as frontContract from './contracts/front.js';

export interface RouteInfo {
  operation: string;
  method: string;
  url: string;
  internal: boolean;
}

/** Every route this service serves (tests walk this list). */
export const ROUTES: RouteInfo[] = [
  { operation: "front.home", method: "GET", url: "/", internal: false },
];

export interface RouteOptions {
  /** the token other units send (SERVICE_TOKEN); unset, every internal endpoint refuses */
  serviceToken: string | undefined;
}

export function registerRoutes(app: FastifyInstance, clients: Clients, options: RouteOptions): void {
  void options; // no internal endpoints: no other unit calls this one
  // GET /: cpu ≈1 ms; calls a-b.get-all
  app.route({ method: "GET", url: "/", schema: {}, handler: async (req) => clients.front.home({ params: req.params, body: req.body } as frontContract.HomeInput) });
}
