// Two routes the router cannot tell apart clash even when written differently: a {param}
// matches one segment whatever its name (fastify refused to start the generated service with
// "Method 'GET' already declared", and matchRoute never reached the second), and a WebSocket
// route is a GET. Case and a trailing "/" still tell routes apart, in fastify and matchRoute alike.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

/** The domains section (at line 6 on) of a blueprint that is fine otherwise. */
const blueprint = (domains: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
${domains}
layouts:
  one:
    units: { u: { domains: "*", port: 8000, instance: box } }
catalog:
  box: { vcpu: 1, usdPerMonth: $1 }
`;

const diagnosticsOf = (text: string) => {
  const r = parseBlueprint(text, 'b.yaml');
  return { ok: r.ok, errors: r.ok ? [] : r.errors.map(formatDiagnostic), warnings: r.warnings.map(formatDiagnostic) };
};

const BY_PLACE = 'a router matches a {parameter} by its place, not its name';

describe('routes that clash as the router sees them', () => {
  it('GET /v1/restaurants/{x}/menu and GET /v1/restaurants/{id}/menu: the second, at its route, naming the first as written', () => {
    const text = blueprint(`    orders:
      operations:
        get-order: { route: "GET /v1/restaurants/{x}/menu", cpu: 1ms }
    restaurants:
      operations:
        get-menu:
          route: GET /v1/restaurants/{id}/menu`);
    expect(diagnosticsOf(text)).toEqual({
      ok: false,
      errors: [`b.yaml:12:18: system.domains.restaurants.operations.get-menu.route: route "GET /v1/restaurants/{id}/menu" is also orders.get-order's (as "GET /v1/restaurants/{x}/menu": ${BY_PLACE})`],
      warnings: [],
    });
  });

  it('the same text still gets the message it had (no "as …")', () => {
    const text = blueprint(`    a:
      operations:
        x: { route: "GET /x/{id}" }
        y: { route: "GET /x/{id}" }`);
    expect(diagnosticsOf(text).errors).toEqual([`b.yaml:9:21: system.domains.a.operations.y.route: route "GET /x/{id}" is also a.x's`]);
  });

  it('hostile parameter names the schema allows (__proto__, constructor, _, toString) and literal ~ . - _: only the routes that match the same requests', () => {
    const text = blueprint(`    a:
      operations:
        p: { route: "DELETE /~a.b-c_/{__proto__}/{constructor}" }
        q: { route: "DELETE /~a.b-c_/{_}/{toString}" }
        r: { route: "DELETE /~a.b-c_/{hasOwnProperty}/{constructor}/" }
        s: { route: "DELETE /~A.b-c_/{x}/{y}" }
        t: { route: "DELETE /~a.b-c_/x/{y}" }
        u: { route: "DELETE /~a.b-c_/{x}/{y}/{z}" }
        v: { route: "PUT /~a.b-c_/{x}/{y}" }
        w: { route: "DELETE /~a.b-c_/{A9_}/{B}" }`);
    expect(diagnosticsOf(text)).toEqual({
      ok: false,
      errors: [
        `b.yaml:9:21: system.domains.a.operations.q.route: route "DELETE /~a.b-c_/{_}/{toString}" is also a.p's (as "DELETE /~a.b-c_/{__proto__}/{constructor}": ${BY_PLACE})`,
        `b.yaml:15:21: system.domains.a.operations.w.route: route "DELETE /~a.b-c_/{A9_}/{B}" is also a.p's (as "DELETE /~a.b-c_/{__proto__}/{constructor}": ${BY_PLACE})`,
      ],
      warnings: [],
    });
  });

  it('a trailing "/" and case tell routes apart, as in fastify and matchRoute: no error', () => {
    const text = blueprint(`    a:
      operations:
        x: { route: "GET /a/{x}" }
        y: { route: "GET /a/{y}/" }
        z: { route: "GET /A/{z}" }
        l: { route: "GET /a" }
        m: { route: "GET /a/" }`);
    expect(diagnosticsOf(text)).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('a WebSocket route and a GET on the same path (the scaffold declares both as GET): both reasons when both differ', () => {
    const text = blueprint(`    a:
      operations:
        feed: { route: "WS /feed/{room}" }
        page: { route: "GET /feed/{id}" }
        same: { route: "GET /feed/{room}" }`);
    expect(diagnosticsOf(text).errors).toEqual([
      `b.yaml:9:24: system.domains.a.operations.page.route: route "GET /feed/{id}" is also a.feed's (as "WS /feed/{room}": ${BY_PLACE}, and a WebSocket route is a GET to the router)`,
      `b.yaml:10:24: system.domains.a.operations.same.route: route "GET /feed/{room}" is also a.feed's (as "WS /feed/{room}": a WebSocket route is a GET to the router)`,
    ]);
  });

  it('under an operation with an invalid name (checked by parse.ts before the name is fixed): the same rule, said once', () => {
    const text = blueprint(`    a:
      operations:
        "bad name": { route: "GET /x/{a}" }
        second: { route: "GET /x/{b}" }`);
    expect(diagnosticsOf(text).errors).toEqual([
      `b.yaml:8:9: system.domains.a.operations["bad name"]: invalid name "bad name": a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters`,
      `b.yaml:9:26: system.domains.a.operations.second.route: route "GET /x/{b}" is also "a.bad name"'s (as "GET /x/{a}": ${BY_PLACE})`,
    ]);
  });
});
