// The reference services' internal handlers are type-checked against their client interfaces:
// domain-clients.ts holds the drifts that must not compile (each under @ts-expect-error) beside
// the bundled modules that must. tsc fails on a drift that compiles (an unused directive) and on
// a bundled module that no longer fits its client.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('internal handlers against client interfaces', () => {
  it('refuses every drift in test/types/domain-clients.ts and accepts the bundled modules', () => {
    const r = spawnSync(process.execPath, [tsc, '-p', 'test/types/tsconfig.json', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);
});
