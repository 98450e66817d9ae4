// Typed clients for operations held by other units. httpClient: POST
// /internal/<domain>/<operation> with the service token, a 10 s timeout, and the callee's
// failure as a RemoteError (503 unreachable, 502 an error answer). grpcClient: the same over
// gRPC, a unary call of the operation's method on proto/system.proto.
import * as grpc from '@grpc/grpc-js';
import { RemoteError } from './errors.js';
import { serviceDefinition, type WireInput, type WireResult } from './proto.js';
import { SERVICE_TOKEN_HEADER } from './service-auth.js';

/** [client method, operation name] for each method of the client */
export type Operations<C> = readonly (readonly [keyof C & string, string])[];
/** [client method, operation name, gRPC method name] for each method of the client */
export type GrpcOperations<C> = readonly (readonly [keyof C & string, string, string])[];
type Call = (input: unknown) => Promise<unknown>;

export function httpClient<C>(baseUrl: string, domain: string, operations: Operations<C>, token: string, timeoutMs = 10_000): C {
  const base = baseUrl.replace(/\/+$/, '');
  const client: Record<string, Call> = {};
  for (const [method, op] of operations) {
    const id = `${domain}.${op}`;
    client[method] = async (input) => {
      let res: Response;
      try {
        res = await fetch(`${base}/internal/${domain}/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: token },
          body: JSON.stringify(input ?? {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new RemoteError(503, id, `${id} unavailable: ${(e as Error).message}`);
      }
      const body: unknown = await res.json().catch(() => undefined);
      // The callee's 4xx is the request's fault and passes through; anything else is a bad gateway.
      if (!res.ok) throw new RemoteError(res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 ? res.status : 502, id, `${id} failed (${res.status})`);
      return body;
    };
  }
  return client as C;
}

export function unplacedClient<C>(domain: string, operations: Operations<C>): C {
  const client: Record<string, Call> = {};
  for (const [method, op] of operations) {
    client[method] = async () => {
      throw new RemoteError(503, `${domain}.${op}`, `no unit of this layout holds ${domain}`);
    };
  }
  return client as C;
}

/** One channel per target, reused by every call (HTTP/2 multiplexes them; it reconnects by itself). */
const channels = new Map<string, grpc.Client>();
function channel(target: string): grpc.Client {
  let c = channels.get(target);
  if (!c) channels.set(target, (c = new grpc.Client(target, grpc.credentials.createInsecure())));
  return c;
}

/** A unary call by its full service and method name; the error is gRPC's (code, details). */
export function unaryCall(target: string, service: string, method: string, input: WireInput, token: string, timeoutMs = 10_000): Promise<WireResult> {
  const m = serviceDefinition(service)[method];
  if (!m) return Promise.reject(new Error(`no method ${method} in ${service}`));
  const metadata = new grpc.Metadata();
  if (token) metadata.set(SERVICE_TOKEN_HEADER, token);
  return new Promise<WireResult>((resolve, reject) => {
    channel(target).makeUnaryRequest(m.path, m.requestSerialize as (v: WireInput) => Buffer, m.responseDeserialize as (b: Buffer) => WireResult, input, metadata, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err || !res) reject(err ?? new Error('empty answer'));
      else resolve(res);
    });
  });
}

/** Close every channel (a test's end, a process's shutdown). */
export function closeChannels(): void {
  for (const c of channels.values()) c.close();
  channels.clear();
}

/**
 * A typed client for a domain held by a gRPC unit: each operation is a unary call of its method
 * on the system's .proto, with the service token; failures as RemoteError (503 unreachable or
 * timed out, the request's 4xx passed through, 502 anything else).
 */
export function grpcClient<C>(target: string, domain: string, service: string, operations: GrpcOperations<C>, token: string, timeoutMs = 10_000): C {
  const client: Record<string, Call> = {};
  for (const [method, op, rpc] of operations) {
    const id = `${domain}.${op}`;
    client[method] = async (input) => {
      const i = (input ?? {}) as { params?: Record<string, string>; body?: unknown };
      let res: WireResult;
      try {
        res = await unaryCall(target, service, rpc, { params: i.params ?? {}, body_json: i.body === undefined ? '' : JSON.stringify(i.body) }, token, timeoutMs);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const status = code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED ? 503 : code === grpc.status.INVALID_ARGUMENT ? 400 : code === grpc.status.NOT_FOUND ? 404 : 502;
        throw new RemoteError(status, id, `${id} failed (${(e as Error).message})`);
      }
      return res.result_json ? JSON.parse(res.result_json) : undefined;
    };
  }
  return client as C;
}

/** The standard health service's answer for a service ("" = the whole server). */
export async function checkHealth(target: string, service = '', timeoutMs = 3000): Promise<string> {
  const m = serviceDefinition('grpc.health.v1.Health').Check!;
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.makeUnaryRequest(m.path, m.requestSerialize as (v: { service: string }) => Buffer, m.responseDeserialize as (b: Buffer) => { status: string }, { service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err || !res) reject(err ?? new Error('empty answer'));
      else resolve(res.status);
    });
  });
}
