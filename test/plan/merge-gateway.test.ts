// A plan whose new unit takes routes from several units (a target that merges them): the
// gateway's canary step. `generate gateway --plan` used to split every route of the new unit
// against one old unit (the plan's `from`), so the other old unit's routes went, in the old
// share, to a unit that does not serve them (404s for 90% of /alpha at the first step). Each
// unit's routes are now a route group of their own, split against that unit, in Kong, Traefik
// and nginx; the plan's canary weights say the same. The plan file is input: an old side that is
// not a unit of the phase or the one before, on its port, is refused (it reached the config).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutToGenerate } from '../../src/generate/common.js';
import { gatewayRoutes } from '../../src/generate/gateway.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';
import { hasNginx, NGINX, nginxTest } from '../helpers/nginx.js';

const BLUEPRINT = 'test/fixtures/plan/consolidate.yaml';
const tmp = mkdtempSync(join(tmpdir(), 'archsim-merge-gw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Kong = { services: { name: string; host: string; routes: { paths: string[] }[] }[]; upstreams: { name: string; targets: { target: string; weight: number }[] }[] };
type Traefik = { http: { routers: Record<string, { rule: string; service: string }>; services: Record<string, { weighted?: { services: { name: string; weight: number }[] }; loadBalancer?: { servers: { url: string }[] } }> } };

/** Where each gateway sends a path: "host:port weight" per backend, in config order. */
function kongBackends(k: Kong, path: string): string[] {
  const s = k.services.filter((x) => x.routes.some((r) => r.paths.some((p) => path === p || path.startsWith(`${p}/`))));
  expect(s, path).toHaveLength(1);
  return k.upstreams.find((u) => u.name === s[0]!.host)!.targets.map((t) => `${t.target} ${t.weight}`);
}
function traefikBackends(t: Traefik, path: string): string[] {
  const routers = Object.values(t.http.routers).filter((r) => r.rule.includes(`Path(\`${path}\`)`));
  expect(routers, path).toHaveLength(1);
  const svc = t.http.services[routers[0]!.service]!;
  const url = (name: string) => t.http.services[name]!.loadBalancer!.servers[0]!.url.replace('http://', '');
  return svc.weighted ? svc.weighted.services.map((w) => `${url(w.name)} ${w.weight}`) : [`${url(routers[0]!.service)} 100`];
}
function nginxBackends(conf: string, path: string): string[] {
  const loc = new RegExp(`location = ${path} \\{\\n(?:\\s+set \\$(\\w+) ([\\w.-]+:\\d+);\\n)?\\s+proxy_pass http://\\$(\\w+);`).exec(conf);
  expect(loc, path).not.toBeNull();
  if (loc![1]) return [`${loc![2]} 100`];
  const split = new RegExp(`split_clients "\\$\\{request_id\\}" \\$${loc![3]} \\{\\n((?:\\s+\\S+\\s+[\\w.-]+:\\d+;\\n)+)`).exec(conf)!;
  const rows = split[1]!.trim().split('\n').map((l) => l.trim().replace(/;$/, '').split(/\s+/));
  // The last share is "*": the rest of 100.
  const given = rows.slice(0, -1).reduce((a, [w]) => a + Number(w!.replace('%', '')), 0);
  return rows.map(([w, to], i) => `${to} ${i === rows.length - 1 ? 100 - given : Number(w!.replace('%', ''))}`);
}

describe('generate gateway --plan for a unit that merges units', { timeout: 120_000 }, () => {
  const planned = archsim(['plan', BLUEPRINT, '--from', 'micro', '--to', 'merged', '--start', '2026-01-05', '--out', join(tmp, 'plan')]);
  const planFile = join(tmp, 'plan', 'consolidate.plan.json');
  const plan = () => JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
  // The phase where core (alpha and beta) is built: its routes come from alpha-svc and beta-svc.
  const phaseOf = (unit: string) => plan().phases.find((ph) => ph.extractions.some((e) => e.unit === unit))!;
  const gateway = (kind: string, step: number, file = planFile) => {
    const out = join(tmp, `gw-${kind}-${step}-${Math.random().toString(36).slice(2)}`);
    const r = archsim(['generate', 'gateway', BLUEPRINT, '--plan', file, '--phase', String(phaseOf('core').index), '--step', String(step), '--kind', kind, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(join(out, 'gateway', kind === 'nginx' ? 'nginx.conf' : `${kind}.yml`), 'utf8');
  };

  it('the plan lists both old units, and its canary weights pair each with its own routes', () => {
    expect(planned.code, planned.stderr).toBe(0);
    const core = phaseOf('core').extractions.find((e) => e.unit === 'core')!;
    expect(core.sources).toEqual([
      { unit: 'alpha-svc', port: 8001, routes: ['GET /alpha'] },
      { unit: 'beta-svc', port: 8002, routes: ['POST /beta'] },
    ]);
    expect(phaseOf('core').canary!.steps.find((s) => s.percent === 50)!.weights).toEqual([
      { route: 'core from alpha-svc', to: 'core', weight: 50 },
      { route: 'core from alpha-svc', to: 'alpha-svc', weight: 50 },
      { route: 'core from beta-svc', to: 'core', weight: 50 },
      { route: 'core from beta-svc', to: 'beta-svc', weight: 50 },
    ]);
  });

  it.each([25, 0, 100])('step %i: each old unit keeps its own routes’ old share, in Kong, Traefik and nginx', (step) => {
    const split = (old: string) => (step === 0 ? [`${old} 100`] : step === 100 ? ['core:8010 100'] : [`core:8010 ${step}`, `${old} ${100 - step}`]);
    const want = { '/alpha': split('alpha-svc:8001'), '/beta': split('beta-svc:8002'), '/gamma': ['edge:8011 100'], '/delta': ['edge:8011 100'] };
    const kong = parse(gateway('kong', step)) as Kong;
    const traefik = parse(gateway('traefik', step)) as Traefik;
    const nginx = gateway('nginx', step);
    for (const [path, backends] of Object.entries(want)) {
      expect(kongBackends(kong, path), `kong ${path}`).toEqual(backends);
      expect(traefikBackends(traefik, path), `traefik ${path}`).toEqual(backends);
      expect(nginxBackends(nginx, path), `nginx ${path}`).toEqual(backends);
    }
    if (step === 25) {
      expect(kong.services.map((s) => s.name)).toEqual(['core-from-alpha-svc', 'core-from-beta-svc', 'edge']);
      expect(Object.keys(traefik.http.routers)).toEqual(['core-from-alpha-svc', 'core-from-beta-svc', 'edge']);
    }
  });

  it.skipIf(!hasNginx)(`nginx -t accepts the split configuration (skipped without ${NGINX})`, () => {
    expect(nginxTest(gateway('nginx', 25))).toEqual({ status: 0, stderr: '' });
  });

  it('a plan file whose old side is not a unit of the phase on its port is refused: one positioned line, exit 2, the value not echoed', () => {
    const hostile = '\nserver { listen 9; } #';
    const cases: [string, (e: Plan['phases'][number]['extractions'][number]) => void, string][] = [
      ['from.unit', (e) => (e.from!.unit = `alpha-svc${hostile}`), 'from'],
      ['from.port', (e) => (e.from!.port = 99999), 'from'],
      ['sources[1].unit', (e) => (e.sources![1]!.unit = `beta-svc${hostile}`), 'sources[1]'],
      ['sources[0].port', (e) => (e.sources![0]!.port = 8002), 'sources[0]'],
    ];
    for (const [k, [what, edit, where]] of cases.entries()) {
      const p = plan();
      const index = p.phases.findIndex((ph) => ph.extractions.some((e) => e.unit === 'core'));
      const i = p.phases[index]!.extractions.findIndex((e) => e.unit === 'core');
      edit(p.phases[index]!.extractions[i]!);
      const file = join(tmp, `hostile-${k}.json`);
      writeFileSync(file, JSON.stringify(p));
      const out = join(tmp, `hostile-out-${k}`);
      const r = archsim(['generate', 'gateway', BLUEPRINT, '--plan', file, '--phase', String(index), '--step', '25', '--kind', 'nginx', '--out', out]);
      expect(r.code, what).toBe(2);
      expect(r.stderr, what).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:1:\\d+: phases\\[${index}\\]\\.extractions\\[${i}\\]\\.${where.replace(/[[\]]/g, '\\$&')}: not a unit of phase ${index - 1} or ${index} on its port\n$`));
      expect(existsSync(out), what).toBe(false);
      expect(r.stderr).not.toContain('listen 9');
    }
  });
});

describe('route groups: names', () => {
  const yaml = readFileSync(BLUEPRINT, 'utf8');
  const r = parseBlueprint(yaml, 'consolidate.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  const bp = r.blueprint;
  const canary = { unit: 'edge', percent: 30, from: { unit: 'gamma-svc', port: 8003 } };
  const sources = [
    { unit: 'gamma-svc', port: 8003, routes: ['GET /gamma'] },
    { unit: 'delta-svc', port: 8004, routes: ['GET /delta'] },
  ];

  it('a group is named for its unit and the unit its routes come from, never as a unit is', () => {
    const withUnit = parseBlueprint(yaml.replace('      core: {', '      edge-from-gamma-svc: {'), 'c.yaml');
    if (!withUnit.ok) throw new Error(withUnit.errors.map((e) => e.message).join('; '));
    const groups = gatewayRoutes(withUnit.blueprint, layoutToGenerate(withUnit.blueprint, 'merged'), { canaries: [{ ...canary, sources }] });
    expect(groups.map((g) => [g.name, g.unit, g.prefixes, g.backends.map((b) => `${b.unit}:${b.port} ${b.weight}`)])).toEqual([
      ['edge-from-gamma-svc', 'edge-from-gamma-svc', ['/alpha', '/beta'], ['edge-from-gamma-svc:8010 100']],
      ['edge-from-gamma-svc-2', 'edge', ['/gamma'], ['edge:8011 30', 'gamma-svc:8003 70']],
      ['edge-from-delta-svc', 'edge', ['/delta'], ['edge:8011 30', 'delta-svc:8004 70']],
    ]);
  });

  it('one source (or none) keeps the unit one group under its own name, against the canary’s old unit', () => {
    for (const s of [undefined, [], sources.slice(0, 1)]) {
      const groups = gatewayRoutes(bp, layoutToGenerate(bp, 'merged'), { canaries: [{ ...canary, ...(s ? { sources: s } : {}) }] });
      expect(groups.find((g) => g.unit === 'edge'), JSON.stringify(s)).toEqual({ name: 'edge', unit: 'edge', prefixes: ['/delta', '/gamma'], regexes: [], grpc: [], backends: [
        { unit: 'edge', host: 'edge', port: 8011, weight: 30 },
        { unit: 'gamma-svc', host: 'gamma-svc', port: 8003, weight: 70 },
      ] });
    }
  });

  it('a route no source lists stays in the unit’s own group, against the canary’s old unit', () => {
    const groups = gatewayRoutes(bp, layoutToGenerate(bp, 'merged'), { canaries: [{ ...canary, sources: [sources[1]!, { unit: 'x', port: 1, routes: ['GET /nowhere'] }] }] });
    expect(groups.filter((g) => g.unit === 'edge').map((g) => [g.name, g.prefixes, g.backends.map((b) => b.unit)])).toEqual([
      ['edge', ['/gamma'], ['edge', 'gamma-svc']],
      ['edge-from-delta-svc', ['/delta'], ['edge', 'delta-svc']],
    ]);
  });
});
