// `archsim loadtest` as a user runs it: the built CLI in its own process.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archsim } from '../helpers/cli.js';
import { LoadTestResult } from '../../src/loadtest/result.js';

describe('archsim loadtest', () => {
  it('has help naming the models and options', () => {
    const r = archsim(['loadtest', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--layout', '--layouts', '--operation', '--rate', '--duration', '--users', '--driver', '--target', '--out', '--json']) expect(r.stdout).toContain(o);
  });

  it('load-tests the trivial endpoint: JSON only on stdout, progress on stderr, result file written once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-lt-'));
    const out = join(dir, 'r.json');
    const r = archsim(['loadtest', '--target', 'trivial', '--rate', '100/s', '--duration', '1.5s', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = LoadTestResult.parse(JSON.parse(r.stdout));
    expect(res.totals.requests).toBe(150);
    expect(res.totals.errors.total).toBe(0);
    expect(res.processes[0]).toMatchObject({ unit: 'trivial', role: 'sut' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(r.stdout));
    // With --json the progress on stderr is JSON lines too, labelled with the system under test;
    // the clock counts the warm-up too.
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; system: string; elapsed: number; total: number; rate: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ event: 'progress', system: 'trivial' });
    expect(progress[0]!.elapsed).toBeGreaterThan(0);
    expect(progress.every((p) => p.event === 'progress' && p.total >= 1.5 && typeof p.rate === 'number')).toBe(true);
    expect(r.stderr).not.toMatch(/trivial: 1\/\d+ s +rate/);
    const again = archsim(['loadtest', '--target', 'trivial', '--rate', '100/s', '--duration', '1s', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);
  });

  it('prints a human summary on stderr and nothing on stdout without --json', () => {
    const r = archsim(['loadtest', '--target', 'trivial', '--users', '2', '--duration', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    // Progress for a person: plain lines, no JSON.
    expect(r.stderr).toMatch(/trivial: 1\/\d+ s +rate \d+\/s/);
    expect(r.stderr).not.toMatch(/^\{/m);
    expect(r.stderr).toMatch(/closed model, 2 connections/);
    expect(r.stderr).toMatch(/trivial\.get\s+\d+/);
  });

  it('refuses targets that are not this machine, and bad input, with one line and exit 2', () => {
    for (const args of [
      ['--target', 'http://example.com:80', '--rate', '10'],
      ['--target', 'http://10.1.2.3:8080', '--rate', '10'],
      ['--target', 'trivial', '--rate', 'fast'],
      ['--target', 'trivial', '--rate', '10', '--users', '2'],
      ['--rate', '10'],
      ['blueprints/quantchat.yaml', '--layout', 'nope', '--rate', '10'],
      ['blueprints/quantchat.yaml', '--target', 'trivial', '--operation', 'auth.verify-token', '--rate', '10'],
    ]) {
      const r = archsim(['loadtest', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(archsim(['loadtest', '--target', 'http://example.com', '--rate', '10']).stderr).toMatch(/only targets 127\.0\.0\.1/);
    // Nine processes, each loading the load tester: more than the default minute on a busy machine.
  }, 180_000);

  it('says plainly, before starting anything, that a blueprint without reference services cannot be started', () => {
    const r = archsim(['loadtest', 'blueprints/chatpop.yaml', '--layout', 'phase1', '--rate', '10/s', '--duration', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('archsim: the bundled reference services implement the domains auth, users, messages, groups, media, relay, notifications, realtime; "chatpop" also has photo, chats, websocket, payments, admin, so there is nothing to start — load-test a running system with --target URL (and a load profile)');
  });

  it('loads a running system with a scenario module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-lts-'));
    const scenario = join(dir, 'scenario.mjs');
    writeFileSync(
      scenario,
      `export function createScenario() {
  return { operations: [
    { id: 'a.get', weight: 3, build: (ctx) => ({ method: 'GET', path: '/a?n=' + ctx.opSeq }) },
    { id: 'b.post', weight: 1, build: () => ({ method: 'POST', path: '/b', headers: { 'content-type': 'application/json' }, body: '{"x":1}' }) },
  ] };
}\n`,
    );
    const r = archsim(['loadtest', '--target', 'trivial', '--scenario', scenario, '--rate', '80', '--duration', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = LoadTestResult.parse(JSON.parse(r.stdout));
    expect(res.operations.map((o) => [o.id, o.requests])).toEqual([
      ['a.get', 60],
      ['b.post', 20],
    ]);
  });
});

describe('side-by-side view of several layouts', () => {
  it('puts each layout next to the others, per operation and in total', async () => {
    const { renderComparison } = await import('../../src/cli/actions/loadtest.js');
    const dir = mkdtempSync(join(tmpdir(), 'archsim-lt2-'));
    const out = join(dir, 'r.json');
    const r = archsim(['loadtest', '--target', 'trivial', '--rate', '50', '--duration', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const base = LoadTestResult.parse(JSON.parse(readFileSync(out, 'utf8')));
    const a = { ...base, run: { ...base.run, layout: 'monolith' } };
    const b = { ...base, run: { ...base.run, layout: 'microservices' } };
    const text = renderComparison([a, b]);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^operation\s+monolith p50\s+monolith p95\s+monolith req\/s\s+monolith errors\s+microservices p50/);
    expect(lines.find((l) => l.startsWith('trivial.get'))).toContain(base.operations[0]!.latency!.p50.toFixed(2));
    expect(lines.at(-1)).toMatch(/^total\s+/);
  });
});
