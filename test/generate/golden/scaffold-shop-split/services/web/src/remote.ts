// Typed clients for operations held by other units. httpClient: POST
// /internal/<domain>/<operation> with the service token, a 10 s timeout, and the callee's
// failure as a RemoteError (503 unreachable, 502 an error answer). grpcClient: the same over
// gRPC, a unary call of the operation's method on proto/system.proto. A method with a
// CallPolicy (clients.ts, from the blueprint's call) gets its timeout, retries, circuit breaker
// and optional failure as archsim's simulator models them.
import * as grpc from '@grpc/grpc-js';
import { RemoteError } from './errors.js';
import { serviceDefinition, type WireInput, type WireResult } from './proto.js';
import { SERVICE_TOKEN_HEADER } from './service-auth.js';

/** [client method, operation name] for each method of the client */
export type Operations<C> = readonly (readonly [keyof C & string, string])[];
/** [client method, operation name, gRPC method name] for each method of the client */
export type GrpcOperations<C> = readonly (readonly [keyof C & string, string, string])[];
type Call = (input: unknown) => Promise<unknown>;

/**
 * A call's resilience policy, as the blueprint declares it (calls[]: timeout, retries, backoff,
 * circuitBreaker, optional), applied as archsim's simulator applies it: each attempt times out
 * after timeoutMs (none declared: the client's default); a failed attempt is retried `retries`
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
      if (breaker?.isOpen(Date.now())) failure = new RemoteError(503, id, `${id} unavailable: circuit breaker open`);
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
        console.warn(`${id} failed, an optional call: going on without it (${(failure as Error).message})`);
        return undefined;
      }
      throw failure;
    }
  };
}

export function httpClient<C>(baseUrl: string, domain: string, operations: Operations<C>, token: string, timeoutMs = 10_000, policies: Policies<C> = {}): C {
  const base = baseUrl.replace(/\/+$/, '');
  const client: Record<string, Call> = {};
  for (const [method, op] of operations) {
    const id = `${domain}.${op}`;
    client[method] = guarded(id, policies[method], timeoutMs, (ms, input) => post(`${base}/internal/${domain}/${op}`, id, token, ms, input));
  }
  return client as C;
}

/** One attempt: the timeout (an AbortController) covers the answer's body too. */
async function post(url: string, id: string, token: string, timeoutMs: number, input: unknown): Promise<unknown> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
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
    throw new RemoteError(503, id, `${id} unavailable: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  // The callee's 4xx is the request's fault and passes through; anything else is a bad gateway.
  if (!res.ok) throw new RemoteError(res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 ? res.status : 502, id, `${id} failed (${res.status})`);
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
 * timed out, the request's 4xx passed through, 502 anything else). A method's CallPolicy applies
 * as httpClient's does (guarded: the policy's timeout is the call's deadline).
 */
export function grpcClient<C>(target: string, domain: string, service: string, operations: GrpcOperations<C>, token: string, timeoutMs = 10_000, policies: Policies<C> = {}): C {
  const client: Record<string, Call> = {};
  for (const [method, op, rpc] of operations) {
    const id = `${domain}.${op}`;
    client[method] = guarded(id, policies[method], timeoutMs, async (ms, input) => {
      const i = (input ?? {}) as { params?: Record<string, string>; body?: unknown };
      let res: WireResult;
      try {
        res = await unaryCall(target, service, rpc, { params: i.params ?? {}, body_json: i.body === undefined ? '' : JSON.stringify(i.body) }, token, ms);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const status = code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED ? 503 : code === grpc.status.INVALID_ARGUMENT ? 400 : code === grpc.status.NOT_FOUND ? 404 : 502;
        throw new RemoteError(status, id, `${id} failed (${(e as Error).message})`);
      }
      return res.result_json ? JSON.parse(res.result_json) : undefined;
    });
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
