// A WebSocket route on a unit that serves gRPC. The gateway routes a gRPC unit's public routes
// as gRPC methods (/<package>.<Service>/<Method>) and the k6 script calls them so; a WebSocket is
// a long-lived upgraded HTTP/1.1 connection, no unary method, so such a route was generated as a
// gRPC call that no client of the WebSocket could make. Refused in the layout, where the fix is.
import type { ResolvedBlueprint } from './resolve.js';
import type { Problem } from './semantics.js';

/**
 * One error per public WS route whose unit serves gRPC, in each layout: at the unit's own
 * `protocol: grpc`, else at the layout's `protocol: grpc` it inherits (inside the layout, so a
 * plan phase that builds such a unit reports it too).
 */
export function grpcWebSocketErrors(rb: ResolvedBlueprint): Problem[] {
  const out: Problem[] = [];
  for (const ln of rb.layoutNames) {
    const r = rb.layout(ln);
    const units = new Map(r.units.map((u) => [u.name, u]));
    for (const t of r.routes) {
      const u = units.get(t.unit);
      if (!t.websocket || u?.protocol !== 'grpc') continue;
      const own = r.layout.units[u.name]?.protocol === 'grpc';
      const path = own ? ['layouts', ln, 'units', u.name, 'protocol'] : ['layouts', ln, 'protocol'];
      const from = own ? '' : " (the layout's protocol)";
      out.push({
        path,
        message: `unit "${u.name}" serves gRPC${from}, but ${t.op}'s route "WS ${t.path}" is a WebSocket, which the gateway would route as a unary gRPC method: serve ${t.domain} from an HTTP unit (protocol: http) or drop protocol: grpc`,
        severity: 'error',
      });
    }
  }
  return out;
}
