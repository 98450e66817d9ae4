// Properties of issue 13. The loader, given random bytes or random blueprint-like text, never
// throws and answers a blueprint or one-line positioned errors. Over random valid blueprints:
// the generated nginx config passes `nginx -t`, every Kubernetes object name is a
// DNS-1123 label, and every concrete path a route matches is sent by Traefik (its own priority
// rule: an explicit `priority` if set, else the rule's length; highest wins) to the unit the
// reference services' gateway picks for it (matchRoute: most specific route first), and a
// literal prefix never captures a longer sibling path. Kept small (numRuns) so CI stays fast.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadBlueprintResult } from '../../src/io/load.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint, type LoadResult } from '../../src/model/parse.js';
import { routeTable } from '../../src/model/resolve.js';
import { matchRoute } from '../../src/model/routes.js';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
// Few distinct literals, so that routes of different units often share and overlap segments. A
// parameter is named by its position ({p0}, {p1}, …): a route may not name one twice, and two
// routes of one shape are then one string (the unique paths stay unique shapes).
const seg = fc.oneof(fc.constantFrom('a', 'b', 'x1', 'v1.2', 'a~b'), fc.stringMatching(/^[a-z0-9][a-z0-9._~-]{0,6}$/), fc.constant('{id}'));

const blueprint = fc
  .record({ units: fc.uniqueArray(label, { minLength: 1, maxLength: 4 }), paths: fc.uniqueArray(fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => `/${s.map((x, k) => (x === '{id}' ? `{p${k}}` : x)).join('/')}`), { minLength: 1, maxLength: 8 }) })
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

const tmp = mkdtempSync(join(tmpdir(), 'archsim-prop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A blueprint or errors, each one line "file:line:col: message" inside the text (or 1:1). */
function expectAnswered(r: LoadResult, file: string, text: string): void {
  if (r.ok) {
    expect(r.blueprint.apiVersion).toBe('archsim/v1');
    return;
  }
  expect(r.errors.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const e of r.errors) {
    const line = formatDiagnostic(e);
    expect(line, line).not.toMatch(/[\n\r]/);
    expect(line.startsWith(`${file}:${e.line}:${e.col}: `), line).toBe(true);
    expect(e.line, line).toBeGreaterThanOrEqual(1);
    expect(e.line, line).toBeLessThanOrEqual(lines + 1);
    expect(e.col, line).toBeGreaterThanOrEqual(1);
    expect(line, line).not.toMatch(/\bat .+:\d+:\d+\)|TypeError|RangeError|Maximum call stack/);
  }
}

// Text that looks like a blueprint: its keys, scalars of every unit, YAML syntax (anchors,
// aliases, merge keys, flow collections, tags, documents), indented at random, sometimes nested
// close to and past the 64-level limit, all well under the 16 MiB input cap.
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'system', 'domains', 'operations', 'route', 'cpu', 'calls', 'events', 'layouts', 'units', 'port', 'instance', 'replicas', 'catalog', 'usdPerMonth', 'extends', 'gateway', 'datastores', 'tables', 'db', 'read', 'write', 'rate', '__proto__', 'constructor', '<<', '"quoted key"', '? complex'];
const VALUES = ['archsim/v1', 'Blueprint', '{ name: x }', 'GET /{id}', 'POST /a/b', '2ms', '1e309ms', '.inf', '.nan', '-5ms', '$1', '200/s', '0/s', '1000000000', '70%', '[a, b]', '{a: 1', '&a [1, 2]', '*a', '*missing', '!!binary aGk=', '!custom x', '|', '>-', "'single", '"double\\u0000"', '~', 'null', 'true', '0x1F', '1_000', ''];
const line = fc.tuple(fc.nat({ max: 12 }), fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 10 }))).map(([indent, k, v]) => `${' '.repeat(indent)}${k}: ${v}`);
const nested = fc.tuple(fc.integer({ min: 1, max: 80 }), fc.constantFrom('[', '{a: ', '- ')).map(([n, open]) => (open === '- ' ? Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- `).join('\n') + 'x' : open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n)));
const blueprintText = fc.array(fc.oneof({ weight: 8, arbitrary: line }, { weight: 1, arbitrary: nested }, { weight: 1, arbitrary: fc.constantFrom('---', '...', '%YAML 1.2', '\t- x', '#', '\uFEFF', 'a: &x { b: *x }') }), { maxLength: 40 }).map((ls) => ls.join('\n'));

describe('the loader on hostile input (property)', () => {
  it('random bytes in a file: a blueprint or one-line positioned errors, never a throw', () => {
    let i = 0;
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 200, unit: 'binary' }).map((t) => new Uint8Array(Buffer.from(`\uFEFF${t}`)))), (bytes) => {
        const file = join(tmp, `bytes-${i++}.yaml`);
        writeFileSync(file, bytes);
        expectAnswered(loadBlueprintResult(file), file, Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: 80 },
    );
  });

  it('random blueprint-like text under the limits: a blueprint or one-line positioned errors, never a throw', () => {
    fc.assert(
      fc.property(blueprintText, (text) => {
        expectAnswered(parseBlueprint(text, 'r.yaml'), 'r.yaml', text);
      }),
      { numRuns: 300 },
    );
  });
});

const NGINX = '/usr/sbin/nginx';
describe('generated nginx config (property)', () => {
  it.skipIf(!existsSync(NGINX))('random valid blueprints: the generated nginx config passes `nginx -t` (skipped without /usr/sbin/nginx)', () => {
    let i = 0;
    let checked = 0;
    fc.assert(
      fc.property(blueprint, fc.constantFrom(undefined, 10, 50), (text, percent) => {
        const r = parseBlueprint(text, 'p.yaml');
        if (!r.ok) return;
        const units = Object.keys(r.blueprint.layouts.split!.units);
        // A canary splits a unit with the layout's monolith, so it needs a second unit.
        const canary = percent && units.length > 1 ? { unit: units[units.length - 1]!, percent } : undefined;
        const dir = join(tmp, `nginx-${i++}`);
        mkdirSync(dir);
        let conf: string;
        try {
          conf = generate('gateway', r.blueprint, 'split', { kind: 'nginx', ...(canary ? { canary } : {}) })[0]!.content;
        } catch (e) {
          // A split needs the layout's "*" unit (the monolith that still serves the unit's domains):
          // these layouts list their domains, so the canary is refused (its nginx configs are
          // checked by test/generate's canary tests) and the layout is checked without one.
          expect(String(e)).toMatch(/is the layout's monolith|does not hold its domains/);
          conf = generate('gateway', r.blueprint, 'split', { kind: 'nginx' })[0]!.content;
        }
        writeFileSync(join(dir, 'nginx.conf'), conf);
        // stdout to a file: access_log /dev/stdout cannot be opened on the socketpair node gives a child.
        const fd = openSync(join(dir, 'stdout.log'), 'w');
        const t = spawnSync(NGINX, ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', `${dir}/`], { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
        closeSync(fd);
        expect(t.status, t.stderr).toBe(0);
        checked++;
      }),
      { numRuns: 25 },
    );
    expect(checked).toBeGreaterThan(10);
  });
});
