// The HTTP implementation of the typed clients: POST /internal/<domain>/<op> with {args} and
// this unit's service token on the callee unit's internal listener, through one keep-alive undici Pool per unit. A unit that is down fails
// the call fast (refused or a 1 s connect timeout) with 503, never a hang.
import { Pool } from 'undici';
import { HttpError, unavailable } from './errors.js';
import { currentRequestId } from './request-context.js';
import { SERVICE_TOKEN_HEADER } from './service-auth.js';

export class Remote {
  private readonly pools = new Map<string, Pool>();
  constructor(
    /** domain → origin of the internal listener of the unit serving it, e.g. http://127.0.0.1:41001 */
    private readonly origins: Map<string, string>,
    /** this unit's service token, sent with every call */
    private readonly serviceToken: () => Promise<string> | string,
    private readonly timeoutMs = 10_000,
  ) {}

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000, connect: { timeout: 1000 }, pipelining: 1 });
      this.pools.set(origin, p);
    }
    return p;
  }

  async call(domain: string, op: string, args: unknown[]): Promise<unknown> {
    const origin = this.origins.get(domain);
    if (!origin) throw unavailable(`no unit serves domain ${domain}`);
    const headers: Record<string, string> = { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: await this.serviceToken() };
    const rid = currentRequestId();
    if (rid) headers['x-request-id'] = rid;
    let res;
    try {
      res = await this.pool(origin).request({
        method: 'POST',
        path: `/internal/${domain}/${op}`,
        headers,
        body: JSON.stringify({ args }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (e) {
      throw unavailable(`${domain} unavailable (${(e as { code?: string }).code ?? (e as Error).message})`);
    }
    const body = (await res.body.json().catch(() => ({}))) as { result?: unknown; error?: string; message?: string; fields?: string[] };
    if (res.statusCode >= 400) throw new HttpError(res.statusCode, body.error ?? 'remote_error', body.message ?? `${domain}.${op} failed`, body.fields);
    return body.result;
  }

  async close() {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }
}
