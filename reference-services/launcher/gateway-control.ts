// The control plane's side of the gateway's admin endpoint (reference-services/runtime/gateway.ts):
// read the routes' upstreams and change the weights of some routes in one step, authenticated
// with a service token of the run signed for the control identity (never a unit's).
import { CONTROL_CALLER, SERVICE_TOKEN_HEADER, ServiceAuth } from '../runtime/service-auth.js';
import type { Upstream } from '../runtime/gateway-weights.js';

export type { Upstream };

export interface GatewayControl {
  routes(): Promise<{ op: string; unit: string; upstreams: Upstream[] }[]>;
  setWeights(ops: readonly string[], upstreams: readonly Upstream[]): Promise<void>;
}

export function gatewayControl(internalUrl: string, serviceSecret: string): GatewayControl {
  const signer = new ServiceAuth(new TextEncoder().encode(serviceSecret), CONTROL_CALLER, new Map(), new Map());
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${internalUrl}${path}`, {
      method,
      headers: { [SERVICE_TOKEN_HEADER]: await signer.token(), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(5000),
    });
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
  };
}
