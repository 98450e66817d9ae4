// `archsim plan` as a user runs it: the overlay it writes works with simulate, compare and
// generate; gateway configs per canary step; bad input is one line and exit 2.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NGINX = '/usr/sbin/nginx';

// Each case runs several whole archsim processes; on a loaded two-core machine one can take 10 s.
describe('archsim plan (CLI)', { timeout: 300_000 }, () => {
  const dir = join(tmp, 'qc');
  const first = archsim(['plan', 'blueprints/quantchat.yaml', '--from', 'monolith', '--to', 'microservices', '--growth', '15%/month', '--start', '2026-01-05', '--out', dir]);
  const overlay = join(dir, 'quantchat.plan.yaml');
  const planFile = join(dir, 'quantchat.plan.json');
  const plan = () => JSON.parse(readFileSync(planFile, 'utf8')) as Plan;

  it('writes the overlay, the plan and the report', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const f of ['quantchat.plan.yaml', 'quantchat.plan.json', 'quantchat.plan.md']) expect(existsSync(join(dir, f))).toBe(true);
    expect(readFileSync(join(dir, 'quantchat.plan.md'), 'utf8')).toContain('| 1 | relay-service |');
    expect(parse(readFileSync(overlay, 'utf8')).extends).toMatch(/blueprints\/quantchat\.yaml$/);
  });

  it('simulate on the overlay gives the plan’s figures, phase by phase', () => {
    const p = plan();
    for (const ph of [p.phases[1]!, p.phases[3]!, p.phases.at(-1)!]) {
      const r = archsim(['simulate', overlay, '--layout', ph.layout, '--method', 'analytic', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const sim = JSON.parse(r.stdout) as { cost: { monthly: { usdPerMonth: number } }; saturationThroughput: number; operations: { id: string; latency: { p95: number } }[] };
      expect(sim.cost.monthly.usdPerMonth).toBe(ph.figures!.monthlyUsd);
      expect(sim.saturationThroughput).toBeCloseTo(ph.figures!.saturationRps, 2);
      for (const o of sim.operations) expect(o.latency.p95).toBeCloseTo(ph.figures!.p95Ms[o.id]!, 3);
    }
  });

  it('compare and generate read the phases like any layout', () => {
    const c = archsim(['compare', overlay, '--layouts', 'phase-2,phase-3', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const g = archsim(['generate', 'compose', overlay, '--layout', 'phase-2', '--out', join(tmp, 'compose')]);
    expect(g.code, g.stderr).toBe(0);
    const compose = readFileSync(join(tmp, 'compose', 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('relay-service');
  });

  it('gateway configs per canary step for Kong, Traefik and nginx', () => {
    const p = plan();
    const n = p.phases.findIndex((ph) => ph.extractions.some((e) => e.unit === 'message-service'));
    for (const kind of ['kong', 'traefik', 'nginx']) {
      const out = join(tmp, `gw-${kind}`);
      const r = archsim(['generate', 'gateway', overlay, '--plan', planFile, '--phase', String(n), '--step', '10', '--kind', kind, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    const kong = parse(readFileSync(join(tmp, 'gw-kong', 'gateway', 'kong.yml'), 'utf8')) as { upstreams: { name: string; targets: unknown[] }[] };
    expect(kong.upstreams.find((u) => u.name === 'message-service.upstream')!.targets).toEqual([
      { target: 'message-service:8003', weight: 10 },
      { target: 'monolith:8080', weight: 90 },
    ]);
    const traefik = parse(readFileSync(join(tmp, 'gw-traefik', 'gateway', 'traefik.yml'), 'utf8')) as { http: { services: Record<string, { weighted?: { services: unknown[] } }> } };
    expect(traefik.http.services['message-service-canary']!.weighted!.services).toEqual([
      { name: 'message-service', weight: 10 },
      { name: 'monolith', weight: 90 },
    ]);
    expect(readFileSync(join(tmp, 'gw-nginx', 'gateway', 'nginx.conf'), 'utf8')).toMatch(/10%\s+message-service:8003;\n\s+\*\s+monolith:8080;/);
    // The original blueprint works too: the phase layout comes from the plan file.
    const fromBase = archsim(['generate', 'gateway', 'blueprints/quantchat.yaml', '--plan', planFile, '--phase', String(n), '--step', '0', '--kind', 'kong', '--out', join(tmp, 'gw-rollback')]);
    expect(fromBase.code, fromBase.stderr).toBe(0);
    const rb = parse(readFileSync(join(tmp, 'gw-rollback', 'gateway', 'kong.yml'), 'utf8')) as { upstreams: { name: string; targets: unknown[] }[] };
    expect(rb.upstreams.find((u) => u.name === 'message-service.upstream')!.targets).toEqual([{ target: 'monolith:8080', weight: 100 }]);
  });

  it.skipIf(!existsSync(NGINX))('the nginx config of a canary step passes `nginx -t` (skipped without /usr/sbin/nginx)', () => {
    const d = join(tmp, 'gw-nginx', 'gateway');
    const fd = openSync(join(d, 'stdout.log'), 'w');
    const r = spawnSync(NGINX, ['-t', '-q', '-c', join(d, 'nginx.conf'), '-p', `${d}/`], { encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(r.status, r.stderr).toBe(0);
  });

  it('report --plan includes the plan in markdown and JSON (the HTML body is tested in plan.test.ts)', () => {
    const out = join(tmp, 'report');
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--no-faults', '--plan', planFile, '--format', 'md,json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Migration plan: quantchat, monolith → microservices');
    expect(md).toContain('### Extraction order');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).plan.order[0].unit).toBe('relay-service');
    const wrong = archsim(['report', 'blueprints/chatpop.yaml', '--no-faults', '--plan', planFile]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/quantchat\.plan\.json:\d+:\d+: blueprint: this is a plan of blueprint "quantchat", not of "chatpop"/);
  });

  it('never overwrites without --force', () => {
    const before = readFileSync(planFile, 'utf8');
    const r = archsim(['plan', 'blueprints/quantchat.yaml', '--from', 'monolith', '--to', 'microservices', '--team', '7', '--start', '2026-01-05', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing written \(use --force to overwrite\)/);
    expect(readFileSync(planFile, 'utf8')).toBe(before);
  });

  it('ChatPop: three phases and their triggers, as JSON on stdout', () => {
    const r = archsim(['plan', 'blueprints/chatpop.yaml', '--from', 'phase1', '--to', 'phase3', '--growth', '10%', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as Plan;
    expect(p.phases.map((ph) => ph.declared)).toEqual(['phase1', 'phase2', 'phase3']);
    expect(p.phases[0]!.triggers.map((t) => t.metric)).toEqual(['connections', 'latency.p95(websocket.connect)', 'utilization(app)', 'queue(app)']);
    expect(p.phases[0]!.triggers.every((t) => typeof t.month === 'number')).toBe(true);
  });

  it('HTML output is one self-contained page', () => {
    const r = archsim(['plan', 'blueprints/chatpop.yaml', '--from', 'phase1', '--to', 'phase3', '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).not.toMatch(/<script|<link /i);
  });

  it('bad input: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--from', 'monolith', '--to', 'nope'], /unknown layout "nope"/],
      [['--from', 'monolith', '--to', 'microservices', '--order', 'relay-service,ghost'], /"ghost" is not a unit this migration builds/],
      [['--from', 'monolith', '--to', 'microservices', '--canary', '50,10'], /steps must rise and end at 100/],
      [['--from', 'monolith', '--to', 'microservices', '--growth', 'fast'], /--growth fast/],
      [['--from', 'monolith', '--to', 'microservices', '--effort', 'perUnit=x'], /--effort perUnit=x/],
      [['--from', 'monolith', '--to', 'microservices', '--phases', 'some'], /--phases some/],
    ];
    for (const [args, re] of cases) {
      const r = archsim(['plan', 'blueprints/quantchat.yaml', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });

  it('a hostile plan file is refused with one line, exit 2', () => {
    const bad = join(tmp, 'bad.plan.json');
    const p = plan();
    const n = p.phases.findIndex((ph) => ph.extractions.length > 0);
    const hostile = structuredClone(p);
    (hostile.phases[n]!.layoutInput as { units: Record<string, unknown> }).units = { '../../etc': { domains: '*', port: 1, instance: 'x' } };
    hostile.phases[n]!.layout = 'evil-layout';
    writeFileSync(bad, JSON.stringify(hostile));
    const cases: [string[], RegExp][] = [
      [['--plan', bad, '--phase', String(n), '--step', '10'], /phase \d+'s layout is not valid/],
      [['--plan', planFile, '--phase', '99', '--step', '10'], /--phase 99: expected 1/],
      [['--plan', planFile, '--phase', String(n), '--step', '150'], /--step 150/],
      // decimal only: Number() read these as 16, 10 and 16
      [['--plan', planFile, '--phase', String(n), '--step', '0x10'], /--step 0x10: expected a percentage/],
      [['--plan', planFile, '--phase', String(n), '--step', '1e1'], /--step 1e1: expected a percentage/],
      [['--plan', planFile, '--phase', '0x1', '--step', '10'], /--phase 0x1: expected 1/],
      [['--plan', join(tmp, 'missing.json'), '--phase', '1', '--step', '10'], /--plan \S+missing\.json: no such file/],
    ];
    for (const [args, re] of cases) {
      const r = archsim(['generate', 'gateway', 'blueprints/quantchat.yaml', ...args, '--out', join(tmp, 'never')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });
});
