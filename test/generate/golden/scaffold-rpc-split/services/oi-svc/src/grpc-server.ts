// The gRPC server of oi-svc: one method per operation of every domain it holds, each
// calling its handler through the in-process client (src/handlers/), and the standard health
// service (grpc.health.v1.Health/Check) that Kubernetes' grpc probe and the compose health
// check ask. A method no gateway routes (an internal operation) answers only a caller that
// presents the service token (x-service-token metadata). main.ts binds; tests bind port 0.
import * as grpc from '@grpc/grpc-js';
import { createClients } from './clients.js';
import { NotImplemented, RemoteError } from './errors.js';
import { HEALTH_SERVICE, serviceDefinition, type WireInput, type WireResult } from './proto.js';
import { SERVICE_TOKEN_HEADER, validServiceToken } from './service-auth.js';
import type * as operationInputContract from './contracts/operation-input.js';

export const SERVICE = "oi-svc";

/** Every method served: tests walk this list. */
export const METHODS: { operation: string; service: string; method: string; public: boolean }[] = [
  { operation: "operation-input.list", service: "rpc_shop2.v1.OperationInput2", method: "List", public: true },
];

type Input = { params: Record<string, string>; body: Record<string, unknown> | undefined };

/** A failure as a gRPC status: 501 UNIMPLEMENTED, a callee unreachable UNAVAILABLE, its refusal passed on. */
function toStatus(operation: string, err: unknown): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('x-operation', operation);
  if (err instanceof NotImplemented) return { code: grpc.status.UNIMPLEMENTED, details: err.message, metadata };
  if (err instanceof RemoteError) {
    const code = err.statusCode === 503 ? grpc.status.UNAVAILABLE : err.statusCode === 400 ? grpc.status.INVALID_ARGUMENT : err.statusCode === 404 ? grpc.status.NOT_FOUND : grpc.status.INTERNAL;
    return { code, details: err.message, metadata };
  }
  console.error(err);
  return { code: grpc.status.INTERNAL, details: 'internal error', metadata };
}

function unary(operation: string, open: boolean, serviceToken: string | undefined, run: (input: Input) => Promise<unknown>): grpc.handleUnaryCall<WireInput, WireResult> {
  return (call, callback) => {
    if (!open && !validServiceToken(call.metadata.get(SERVICE_TOKEN_HEADER)[0], serviceToken)) {
      return callback({ code: grpc.status.UNAUTHENTICATED, details: 'service token required' });
    }
    // The body is JSON text: anything but an object (or nothing) is the caller's mistake.
    let body: unknown;
    try {
      body = call.request.body_json ? JSON.parse(call.request.body_json) : undefined;
    } catch {
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'body_json is not JSON' });
    }
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'body_json must be a JSON object' });
    }
    run({ params: { ...call.request.params }, body: body as Record<string, unknown> | undefined }).then(
      (result) => callback(null, { result_json: JSON.stringify(result ?? null) }),
      (err: unknown) => callback(toStatus(operation, err)),
    );
  };
}

export interface ServerOptions {
  /** where the configuration comes from (default: process.env): SERVICE_TOKEN, the other units' addresses */
  env?: Record<string, string | undefined>;
}

export interface GrpcApp {
  server: grpc.Server;
  /** stop answering SERVING, so probes and balancers drain this replica before it stops */
  drain(): void;
}

export function buildServer(options: ServerOptions = {}): GrpcApp {
  const env = options.env ?? process.env;
  const clients = createClients(env);
  const token = env.SERVICE_TOKEN;
  const server = new grpc.Server();
  let draining = false;
  server.addService(serviceDefinition("rpc_shop2.v1.OperationInput2") as unknown as grpc.ServiceDefinition, {
    // operation-input.list (public: routed by the gateway)
    List: unary("operation-input.list", true, token, (input) => clients.operationInput.list(input as operationInputContract.ListInput)),
  });
  // Health: the whole server (service "") and each of its services by name. Watch is not
  // implemented (UNIMPLEMENTED), which the health protocol allows; probes use Check.
  const known = new Set(['', ...METHODS.map((m) => m.service)]);
  server.addService(serviceDefinition(HEALTH_SERVICE) as unknown as grpc.ServiceDefinition, {
    Check: ((call, callback) => {
      if (!known.has(call.request.service)) return callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      return callback(null, { status: draining ? 'NOT_SERVING' : 'SERVING' });
    }) as grpc.handleUnaryCall<{ service: string }, { status: string }>,
  });
  return {
    server,
    drain() {
      draining = true;
    },
  };
}
