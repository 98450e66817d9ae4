// The bundled CLI (dist/cli, scripts/bundle-cli.mjs) must behave as tsc's build does, and
// bin/archsim must never run a bundle older than tsc's output.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

const runWith = (entry: string, args: string[]) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `const { run } = await import(${JSON.stringify(entry)}); await run(process.argv);`, 'archsim', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000,
  });

describe('the bundled CLI', () => {
  it('bin/archsim runs the bundle only when it is at least as new as tsc output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-bundle-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/src/cli'), { recursive: true });
    mkdirSync(join(dir, 'dist/cli'));
    copyFileSync(BIN, join(dir, 'bin/archsim'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'dist/src/cli/main.js'), "export function run() { console.log('tsc'); }");
    writeFileSync(join(dir, 'dist/cli/main.mjs'), "export function run() { console.log('bundle'); }");
    const which = () => spawnSync(process.execPath, [join(dir, 'bin/archsim')], { encoding: 'utf8' }).stdout.trim();
    const at = (file: string, s: number) => utimesSync(join(dir, file), s, s);
    at('dist/src/cli/main.js', 1_000_000);
    at('dist/cli/main.mjs', 2_000_000);
    expect(which()).toBe('bundle');
    at('dist/src/cli/main.js', 3_000_000); // a bare tsc after the bundle
    expect(which()).toBe('tsc');
    at('dist/cli/main.mjs', 3_000_000);
    expect(which()).toBe('bundle');
  });

  it('prints what tsc output prints: help, a valid blueprint, a bad one (exit 2, positioned), the version', () => {
    const bundle = join(ROOT, 'dist/cli/main.mjs');
    expect(existsSync(bundle), 'dist/cli/main.mjs is missing: run npm run build').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'archsim-bundle-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: archsim/v1\nkind: Blueprint\nmetadata: { name: x }\nsystem:\n  domains: { a: { operations: { b: { cpu: fast } } } }\nlayouts: {}\n');
    for (const args of [['--help'], ['simulate', '--help'], ['validate', 'blueprints/quantchat.yaml', '--json'], ['validate', bad], ['--version']]) {
      const a = runWith(bundle, args);
      const b = runWith(join(ROOT, 'dist/src/cli/main.js'), args);
      expect({ code: a.status, stdout: a.stdout, stderr: a.stderr }, args.join(' ')).toEqual({ code: b.status, stdout: b.stdout, stderr: b.stderr });
    }
    const r = runWith(bundle, ['validate', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: /);
  }, 300_000);

  it("finds files by its modules' own paths: the bundled scenarios, from the bundle", () => {
    const r = runWith(join(ROOT, 'dist/cli/main.mjs'), ['simulate', 'blueprints/quantchat.yaml', '--layout', 'monolith', '--method', 'analytic', '--scenario', 'database-failure', '--json']);
    const t = runWith(join(ROOT, 'dist/src/cli/main.js'), ['simulate', 'blueprints/quantchat.yaml', '--layout', 'monolith', '--method', 'analytic', '--scenario', 'database-failure', '--json']);
    expect(t.status, t.stderr).toBe(0);
    expect({ code: r.status, stdout: r.stdout }).toEqual({ code: t.status, stdout: t.stdout });
  }, 300_000);
});
