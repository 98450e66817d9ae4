// The control plane's side of the gateway's admin endpoint (reference-services/runtime/gateway.ts):
// read the routes' upstreams and change the weights of some routes in one step, authenticated
// with a service token of the run signed for the control identity (never a unit's).
import { CONTROL_CALLER, SERVICE_TOKEN_HEADER, ServiceAuth } from '../runtime/service-auth.js';
import { TAP_HEADER, UPSTREAM_HEADER, type Upstream } from '../runtime/gateway-weights.js';

export { TAP_HEADER, UPSTREAM_HEADER, type Upstream };

export interface GatewayControl {
  routes(): Promise<{ op: string; unit: string; upstreams: Upstream[] }[]>;
  setWeights(ops: readonly string[], upstreams: readonly Upstream[]): Promise<void>;
  /**
   * The request header that makes the public listener name the unit that answered
   * (UPSTREAM_HEADER): the control identity's current token, renewed a minute before it
   * expires (ask again at least every minute).
   */
  tapHeaders(): Promise<Record<string, string>>;
}

export function gatewayControl(internalUrl: string, serviceSecret: string): GatewayControl {
  const signer = new ServiceAuth(new TextEncoder().encode(serviceSecret), CONTROL_CALLER, new Map(), new Map());
  const once = async (method: string, path: string, body?: unknown) =>
    fetch(`${internalUrl}${path}`, {
      method,
      headers: { [SERVICE_TOKEN_HEADER]: await signer.token(), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  const call = async (method: string, path: string, body?: unknown) => {
    // Both calls are idempotent (a read; weights set whole, not shifted), so one that timed out
    // is sent again: on a saturated machine the gateway may take seconds to answer its admin
    // port, and a rehearsal must not end on that with its routes half moved.
    let r: Response | undefined;
    for (let attempt = 1; !r; attempt++) {
      try {
        r = await once(method, path, body);
      } catch (e) {
        if (attempt >= 3 || (e as Error).name !== 'TimeoutError') throw e;
      }
    }
    const text = await r.text();
    if (!r.ok) throw new Error(`gateway ${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    async routes() {
      return ((await call('GET', '/admin/routes')) as { routes: { op: string; unit: string; upstreams: Upstream[] }[] }).routes;
    },
    async setWeights(ops, upstreams) {
      await call('PUT', '/admin/routes/weights', { ops, upstreams });
    },
    async tapHeaders() {
      return { [TAP_HEADER]: await signer.token() };
    },
  };
}
