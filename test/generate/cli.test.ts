import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { generate } from '../../src/generate/index.js';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-gen-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BP = 'blueprints/quantchat.yaml';

describe('archsim generate', () => {
  it('writes a target, then refuses to overwrite changed files without --force (exit 2, nothing written)', () => {
    const out = join(tmp, 'a');
    const first = archsim(['generate', 'compose', BP, '--layout', 'microservices', '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created\s+docker-compose\.yml/);
    expect(existsSync(join(out, 'gateway/kong.yml'))).toBe(true);
    // The same again: every file unchanged, exit 0.
    const again = archsim(['generate', 'compose', BP, '--layout', 'microservices', '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 created, 0 overwritten, 3 unchanged/);
    // A user edit is a conflict.
    writeFileSync(join(out, 'docker-compose.yml'), '# mine\n');
    const clash = archsim(['generate', 'compose', BP, '--layout', 'microservices', '--out', out, '--kind', 'nginx']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`${out}/docker-compose.yml exists with other content`);
    expect(clash.stderr).toMatch(/nothing written \(use --force to overwrite\)/);
    expect(existsSync(join(out, 'gateway/nginx.conf'))).toBe(false);
    expect(readFileSync(join(out, 'docker-compose.yml'), 'utf8')).toBe('# mine\n');
    const forced = archsim(['generate', 'compose', BP, '--layout', 'microservices', '--out', out, '--kind', 'nginx', '--force', '--json']);
    expect(forced.code).toBe(0);
    const report = JSON.parse(forced.stdout);
    expect(report.files.find((f: { path: string }) => f.path === 'docker-compose.yml')).toMatchObject({ status: 'overwritten' });
    expect(report.files.find((f: { path: string }) => f.path === 'gateway/nginx.conf')).toMatchObject({ status: 'created' });
    expect(report.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--dry-run --json lists what would be written and writes nothing', () => {
    const out = join(tmp, 'dry');
    const r = archsim(['generate', 'all', BP, '--layout', 'microservices', '--out', out, '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ target: 'all', blueprint: 'quantchat', layout: 'microservices', dryRun: true, ok: true, conflicts: [] });
    expect(report.files.every((f: { status: string }) => f.status === 'would-create')).toBe(true);
    expect(report.files.map((f: { path: string }) => f.path)).toContain('services/auth-service/src/app.ts');
    expect(existsSync(out)).toBe(false);
  });

  it('passes gateway options through: --kind, --canary', () => {
    const out = join(tmp, 'gw');
    const r = archsim(['generate', 'gateway', BP, '--layout', 'strangler-relay', '--kind', 'traefik', '--canary', 'relay-service=10', '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'gateway/traefik.yml'), 'utf8')).toContain('relay-service-canary');
  });

  it.each([
    [['generate', 'nope', BP, '--out', 'x'], /unknown target "nope"/],
    [['generate', 'k8s', BP, '--out', 'x'], /--layout is required; layouts: monolith/],
    [['generate', 'k8s', BP, '--layout', 'microservice', '--out', 'x'], /unknown layout "microservice" \(did you mean "microservices"\?\)/],
    [['generate', 'k8s', BP, '--layout', 'microservices'], /--out <dir> is required/],
    [['generate', 'gateway', BP, '--layout', 'strangler-relay', '--canary', 'relay', '--out', 'x'], /--canary relay: expected unit=percent/],
    [['generate', 'gateway', BP, '--layout', 'strangler-relay', '--canary', 'ghost=10', '--out', 'x'], /unknown unit "ghost"/],
    [['generate', 'gateway', BP, '--layout', 'strangler-relay', '--kind', 'envoy', '--out', 'x'], /--kind envoy: expected one of kong, traefik, nginx/],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const r = archsim(args as string[], { cwd: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });

  // The CLI is a bundle of the library (scripts/bundle-cli.mjs rewrites each module's own
  // import.meta.url): what it writes must be the library's files byte for byte. The bundler once
  // rewrote the gRPC scaffold's template text too, and every Node gRPC unit read its .proto files
  // from archsim's own dist folder.
  it('writes exactly the files the library generates, gRPC scaffolds included', () => {
    const fixture = new URL('../fixtures/generate/rpc.yaml', import.meta.url);
    const parsed = parseBlueprint(readFileSync(fixture, 'utf8'), 'rpc.yaml');
    if (!parsed.ok) throw new Error('rpc fixture does not load');
    const out = join(tmp, 'same-bytes');
    const r = archsim(['generate', 'all', fixture.pathname, '--layout', 'split', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = generate('all', parsed.blueprint, 'split');
    expect(files.some((f) => f.content.includes("new URL('../../proto/', import.meta.url)"))).toBe(true);
    for (const f of files) expect(readFileSync(join(out, f.path), 'utf8'), f.path).toBe(f.content);
  });
});
