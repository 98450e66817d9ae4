// Properties of issue 13 over random valid blueprints: every Kubernetes object name is a
// DNS-1123 label, and every concrete path a route matches is sent by Traefik (its own priority
// rule: an explicit `priority` if set, else the rule's length; highest wins) to the unit the
// reference services' gateway picks for it (matchRoute: most specific route first), and a
// literal prefix never captures a longer sibling path. Kept small (numRuns) so CI stays fast.
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { routeTable } from '../../src/model/resolve.js';
import { matchRoute } from '../../src/model/routes.js';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
// Few distinct literals, so that routes of different units often share and overlap segments.
const seg = fc.oneof(fc.constantFrom('a', 'b', 'x1', 'v1.2', 'a~b'), fc.stringMatching(/^[a-z0-9][a-z0-9._~-]{0,6}$/), fc.constant('{id}'));

const blueprint = fc
  .record({ units: fc.uniqueArray(label, { minLength: 1, maxLength: 4 }), paths: fc.uniqueArray(fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`), { minLength: 1, maxLength: 8 }) })
  .map(({ units, paths }) => {
    const domains = paths.map((p, i) => `    d${i}:\n      operations:\n        op: { route: "GET ${p}" }`).join('\n');
    const placed = units.map((u, i) => `      ${u}: { domains: [${paths.map((_, j) => `d${j}`).filter((_, j) => j % units.length === i).join(', ')}], port: ${8001 + i}, instance: s }`).filter((l) => !l.includes('domains: []'));
    return `apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: prop }\nsystem:\n  domains:\n${domains}\nlayouts:\n  split:\n    gateway: { kind: traefik, port: 8080 }\n    units:\n${placed.join('\n')}\ncatalog: { s: { usdPerMonth: $1 } }\n`;
  });

/** Traefik's Path (exact), PathPrefix (string prefix) and PathRegexp over a rule of "||" alternatives. */
function matches(rule: string, path: string): boolean {
  return rule.split(' || ').some((alt) => {
    const m = /^(Path|PathPrefix|PathRegexp)\(`([^`]*)`\)$/.exec(alt);
    if (!m) throw new Error(`unexpected Traefik rule ${alt}`);
    return m[1] === 'Path' ? path === m[2] : m[1] === 'PathPrefix' ? path.startsWith(m[2]!) : new RegExp(m[2]!).test(path);
  });
}

type Router = { rule: string; service: string; priority?: number };

/** The router Traefik picks: highest priority, an explicit one or else the rule's length. */
function traefikPick(routers: Record<string, Router>, path: string): string[] {
  const hits = Object.values(routers).filter((r) => matches(r.rule, path)).map((r) => ({ service: r.service, priority: r.priority ?? r.rule.length }));
  const top = Math.max(...hits.map((h) => h.priority));
  return [...new Set(hits.filter((h) => h.priority === top).map((h) => h.service))];
}

/** Concrete paths a route matches: each {param} as "x1" or as a literal other routes have there. */
function samples(path: string, all: readonly string[]): string[] {
  const segs = path.split('/').filter(Boolean);
  const options = segs.map((s, i) => (s.startsWith('{') ? ['x1', ...new Set(all.map((p) => p.split('/').filter(Boolean)[i]).filter((o): o is string => !!o && !o.startsWith('{')))] : [s]));
  let out = [''];
  for (const o of options) out = out.flatMap((pre) => o.map((v) => `${pre}/${v}`)).slice(0, 64);
  return out.map((p) => p || '/');
}

describe('generated names and gateway rules (property)', () => {
  it('k8s names are DNS-1123 labels; Traefik sends every path to the unit matchRoute picks', () => {
    fc.assert(
      fc.property(blueprint, (text) => {
        const r = parseBlueprint(text, 'p.yaml');
        if (!r.ok) return; // duplicate routes and the like are the loader's to refuse
        for (const f of generate('k8s', r.blueprint, 'split')) {
          if (f.path === 'k8s/kustomization.yaml') continue;
          for (const d of parseAllDocuments(f.content)) {
            const name = (d.toJS() as { metadata?: { name?: string } })?.metadata?.name;
            if (name !== undefined) expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
          }
        }
        const traefik = parse(generate('gateway', r.blueprint, 'split', { kind: 'traefik' })[0]!.content) as { http: { routers: Record<string, Router> } };
        const table = routeTable(r.blueprint, 'split');
        for (const route of table) {
          for (const sample of samples(route.path, table.map((t) => t.path))) {
            const expected = matchRoute(table, route.method, sample)!;
            expect(expected, sample).toBeDefined();
            expect(traefikPick(traefik.http.routers, sample), `${sample} (${route.path})`).toEqual([expected.unit]);
          }
        }
        // A prefix claims itself and what is under it, never a longer sibling ("/orders" must
        // not capture "/orderszz9") unless another prefix of the same rule claims that.
        for (const router of Object.values(traefik.http.routers)) {
          const prefixes = [...router.rule.matchAll(/Path\(`([^`]*)`\)/g)].map((m) => m[1]!);
          for (const p of prefixes) {
            const sibling = `${p}zz9`;
            const claimed = prefixes.some((q) => sibling === q || sibling.startsWith(`${q}/`));
            if (!claimed) expect(matches(router.rule, sibling), `${router.rule} captures ${sibling}`).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
