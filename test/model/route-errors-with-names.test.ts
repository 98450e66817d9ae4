// A route under an operation or domain whose name breaks the naming rule is checked in the same
// run as the name: zod checks nothing under a refused record key, and the repaired copy the
// semantic checks run on drops that entry, so the route's mistake (its syntax, or a route it
// shares with another operation) used to show only after the name was fixed.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

const NAME_RULE = 'a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters';
const PATH_RULE = 'not a route path: a path is / or /-separated segments of letters, digits, -, _, ~ and . (not starting with .), or {param} with param an identifier (at most 512 characters)';
const METHOD_RULE = 'not a route: expected METHOD /path (e.g. "POST /api/v1/auth/login" or "WS /ws"; methods GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, WS)';

/** The domains section (at line 5 on, indented by four) of a blueprint that is fine otherwise. */
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

const errorsOf = (text: string) => {
  const r = parseBlueprint(text, 'b.yaml');
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map(formatDiagnostic);
};

describe('route errors come with the name errors, in one run', () => {
  it('a bad route path under an operation with an invalid name: both, each at its place', () => {
    const text = blueprint(`    books:
      operations:
        "list books": { route: GET books, cpu: 1ms }`);
    expect(errorsOf(text)).toEqual([
      `b.yaml:8:9: system.domains.books.operations["list books"]: invalid name "list books": ${NAME_RULE}`,
      `b.yaml:8:32: system.domains.books.operations["list books"].route: ${PATH_RULE}`,
    ]);
  });

  it('a hostile domain name (an escape sequence, 300 characters) over a bad method, and a route it shares', () => {
    // The domain's one operation has a bad method; its other holds GET /x, which b.get asks for too.
    const long = 'x'.repeat(300);
    const text = blueprint(`    "\\e[31m${long}":
      operations:
        put: { route: FETCH /x }
        get: { route: GET /x }
    b:
      operations:
        get: { route: GET /x }`);
    const shown = `"\\u001b[31m${'x'.repeat(54)}….get"`;
    expect(errorsOf(text)).toEqual([
      `b.yaml:6:5: system.domains["\\x1b[31m${long}"]: invalid name "\\u001b[31m${'x'.repeat(54)}…": ${NAME_RULE}`,
      `b.yaml:8:23: system.domains["\\x1b[31m${long}"].operations.put.route: ${METHOD_RULE}`,
      `b.yaml:12:23: system.domains.b.operations.get.route: route "GET /x" is also ${shown}'s`,
    ]);
  });

  it('a route shared three ways, the first under an invalid name: each later operation once', () => {
    // a.second is reported against the first ("a.bad name"); a.third against a.second, as the
    // semantic check, which never saw the first, already says.
    const text = blueprint(`    a:
      operations:
        "bad name": { route: GET /x }
        second: { route: GET /x }
        third: { route: GET /x }`);
    expect(errorsOf(text)).toEqual([
      `b.yaml:8:9: system.domains.a.operations["bad name"]: invalid name "bad name": ${NAME_RULE}`,
      `b.yaml:9:26: system.domains.a.operations.second.route: route "GET /x" is also "a.bad name"'s`,
      `b.yaml:10:25: system.domains.a.operations.third.route: route "GET /x" is also a.second's`,
    ]);
  });

  it('a bad route the schema checked (its names valid) is said once, beside a name error elsewhere', () => {
    const text = blueprint(`    a:
      operations:
        "bad name": { cpu: 1ms }
        ok: { route: GET x }`);
    expect(errorsOf(text)).toEqual([
      `b.yaml:8:9: system.domains.a.operations["bad name"]: invalid name "bad name": ${NAME_RULE}`,
      `b.yaml:9:22: system.domains.a.operations.ok.route: ${PATH_RULE}`,
    ]);
  });

  it('every other schema error under an invalid name too (a cpu, an unknown key, a port), and a name under a name', () => {
    // (they showed only after the name was fixed: zod checks nothing below a refused key)
    const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    a:
      operations:
        "Bad Name": { route: GET /x, cpu: fast, colour: red }
        good: { route: GET /y, cpu: 1ms }
    "b c":
      operations:
        "d e": { route: GET /z, cpu: slow }
layouts:
  one:
    units: { "u u": { domains: [a], port: eighty }, v: { domains: [a], port: 8001 } }
`;
    expect(errorsOf(text)).toEqual([
      `b.yaml:8:9: system.domains.a.operations["Bad Name"]: invalid name "Bad Name": ${NAME_RULE}`,
      'b.yaml:8:43: system.domains.a.operations["Bad Name"].cpu: "fast" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      'b.yaml:8:49: system.domains.a.operations["Bad Name"].colour: unknown key "colour"',
      `b.yaml:10:5: system.domains["b c"]: invalid name "b c": ${NAME_RULE}`,
      `b.yaml:12:9: system.domains["b c"].operations["d e"]: invalid name "d e": ${NAME_RULE}`,
      'b.yaml:12:38: system.domains["b c"].operations["d e"].cpu: "slow" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      'b.yaml:15:14: layouts.one.units["u u"]: invalid name "u u": must be a DNS-1123 label (Kubernetes and compose names): lower-case letters, digits and -, starting with a letter, ending with a letter or digit, at most 50 characters',
      'b.yaml:15:43: layouts.one.units["u u"].port: expected number, got string "eighty"',
    ]);
  });
});
