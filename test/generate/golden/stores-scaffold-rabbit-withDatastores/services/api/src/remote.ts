// Typed clients for operations held by other units. httpClient: POST
// /internal/<domain>/<operation> with the service token, a 10 s timeout, and the callee's
// failure as a RemoteError (503 unreachable, 502 an error answer).
import { RemoteError } from './errors.js';
import { SERVICE_TOKEN_HEADER } from './service-auth.js';

/** [client method, operation name] for each method of the client */
export type Operations<C> = readonly (readonly [keyof C & string, string])[];
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
