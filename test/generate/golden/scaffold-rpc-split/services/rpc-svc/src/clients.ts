// The clients of rpc-svc: one typed client per domain its operations reach. A domain this unit
// holds is an in-process call (its handlers); a domain held by another unit is a call over the
// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the
// service token). A handler cannot tell which: moving a domain between units changes this
// file, not the handlers.
import type { ABClient } from './contracts/a-b.js';
import type { AB2Client } from './contracts/a_b.js';
import { createAB } from './handlers/a-b.js';
import { createAB2 } from './handlers/a_b.js';

export interface Clients {
  /** a-b: in-process */
  aB: ABClient;
  /** a_b: in-process */
  aB2: AB2Client;
}

export function createClients(env: Record<string, string | undefined> = process.env): Clients {
  const clients = {} as Clients;
  clients.aB = createAB(clients);
  clients.aB2 = createAB2(clients);
  return clients;
}
