// `archsim rehearse` as a user runs it, without starting anything: --help, --dry-run (text and
// JSON), and bad input as one line (a plan file's problems as file:line:col), exit 2.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-rehearse-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('archsim rehearse (CLI, no layout started)', { timeout: 120_000 }, () => {
  const dir = join(tmp, 'plan');
  mkdirSync(dir);
  const made = archsim(['plan', 'blueprints/quantchat.yaml', '--from', 'monolith', '--to', 'microservices', '--start', '2026-01-05', '--format', 'json', '--out', dir]);
  const planFile = join(dir, 'quantchat.plan.json');

  it('has --help with its exit codes', () => {
    const r = archsim(['rehearse', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--step-duration/);
    expect(r.stdout).toMatch(/Exit codes: 0 .* 1 a step was rolled back/s);
  });

  it('--dry-run prints the steps, one line each; --json gives them as data', () => {
    expect(made.code, made.stderr).toBe(0);
    const r = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', planFile, '--dry-run', '--step-duration', '5s', '--phases', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'phase 2 (phase-2): start relay-service (relay), taking 3 routes from monolith',
      "phase 2: 10% of relay-service's routes to relay-service, 90% to monolith; watch 5 s: errors on relay-service's routes above 1%",
      "phase 2: 50% of relay-service's routes to relay-service, 50% to monolith; watch 5 s: errors on relay-service's routes above 1%",
      "phase 2: 100% of relay-service's routes to relay-service, 0% to monolith; watch 5 s: errors on relay-service's routes above 1%",
      "phase 2: retire monolith's routes (relay.queue, relay.pending, relay.ack), now relay-service's; drain 2 s",
    ]);
    const j = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', planFile, '--dry-run', '--json']);
    expect(j.code).toBe(0);
    const { actions } = JSON.parse(j.stdout) as { actions: { kind: string }[] };
    expect(actions.filter((a) => a.kind === 'start-unit')).toHaveLength(8);
    // A step whose extraction moves tables says plainly how much of the move the rehearsal does.
    const g = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', planFile, '--dry-run', '--phases', '6']);
    expect(g.stdout.split('\n')[0]).toMatch(/start group-service .*; DATA MOVE REHEARSED: the plan moves groups, group_members, group_messages \(main → group-db\); rehearsed: dual write \(logical replication from the old copy\), backfill .*, verify .*, cut-over .*, drop of the old copy \(after the drain\)$/);
    // Media's files go to object storage: that move is named as not rehearsed at all.
    const media = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', planFile, '--dry-run', '--phases', '4']);
    expect(media.stdout.split('\n')[0]).toMatch(/DATA MOVE PARTLY REHEARSED: .*; rehearsed for media_attachments: dual write .*; no step of media_objects \(uploads is \w+, minio \w+: not databases the rehearsal copies rows between\)$/);
    const moved = (actions as { kind: string; dataMoves?: unknown[] }[]).filter((a) => a.kind === 'start-unit' && a.dataMoves!.length);
    expect(moved.length).toBe(4);
  });

  it('bad input: one clear line per problem, positioned in the plan file, exit 2, no stack trace', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{\n  "kind": "archsim-plan",\n  "version": 2\n}\n');
    const r = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:14: version: expected one of 1, got a number`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const syntax = join(tmp, 'syntax.json');
    writeFileSync(syntax, '{\n  "kind": "archsim-plan",\n  "version": 1,,\n}\n');
    const s = archsim(['rehearse', 'blueprints/quantchat.yaml', '--plan', syntax]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(new RegExp(`^${syntax.replace(/[.]/g, '\\.')}:3:`, 'm'));
    const cases: [string[], RegExp][] = [
      [['--plan', tmp], /is a directory/],
      [['--plan', join(tmp, 'none.json')], /no such file/],
      [['--plan', '/dev/zero'], /a device/],
      [['--plan', planFile, '--rate', 'fast'], /--rate fast: expected/],
      [['--plan', planFile, '--rate', '0%'], /--rate 0%/],
      [['--plan', planFile, '--step-duration', '-3s'], /--step-duration -3s/],
      [['--plan', planFile, '--phases', '99'], /phase 99: the plan has phases/],
    ];
    for (const [args, re] of cases) {
      const x = archsim(['rehearse', 'blueprints/quantchat.yaml', ...args, '--dry-run']);
      expect(x.code, args.join(' ')).toBe(2);
      expect(x.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(x.stderr).toMatch(re);
    }
  });

  it('refuses a plan of another blueprint', () => {
    const r = archsim(['rehearse', 'blueprints/chatpop.yaml', '--plan', planFile, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/quantchat.plan.json:\d+:\d+: blueprint: this is a plan of blueprint "quantchat", not of "chatpop"/);
  });
});
