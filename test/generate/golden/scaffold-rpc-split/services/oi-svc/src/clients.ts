// The clients of oi-svc: one typed client per domain its operations reach. A domain this unit
// holds is an in-process call (its handlers); a domain held by another unit is a call over the
// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the
// service token). A handler cannot tell which: moving a domain between units changes this
// file, not the handlers.
import type { OperationInputClient } from './contracts/operation-input.js';
import type { ABClient } from './contracts/a_b.js';
import { createOperationInput } from './handlers/operation-input.js';
import { grpcClient } from './remote.js';

export interface Clients {
  /** operation-input: in-process */
  operationInput: OperationInputClient;
  /** a_b: rpc-svc, by gRPC */
  aB: ABClient;
}

export function createClients(env: Record<string, string | undefined> = process.env): Clients {
  const token = env.SERVICE_TOKEN ?? '';
  const clients = {} as Clients;
  clients.operationInput = createOperationInput(clients);
  clients.aB = grpcClient<ABClient>(env.RPC_SVC_GRPC_ADDR ?? "rpc-svc:50051", "a_b", "rpc_shop2.v1.AB2", [["get", "get", "Get"]], token);
  return clients;
}
