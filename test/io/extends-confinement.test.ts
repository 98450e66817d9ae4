// extends: reaches the extending file's folder tree or the working directory's, nothing else
// (src/io/load.ts baseReader): overlays archsim writes into an output folder load back, while a
// hostile blueprint cannot pull in a file from elsewhere on the machine.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseReader } from '../../src/io/load.js';
import type { ReadResult } from '../../src/io/read-input.js';

/** baseReader's answer for `path` read from `from` (it never answers a bare string or nothing). */
const read = (env: NodeJS.ProcessEnv, cwd: string, path: string, from: string) => baseReader(env, cwd)(path, from) as ReadResult;

describe('extends confinement', () => {
  const root = mkdtempSync(join(tmpdir(), 'archsim-extends-'));
  const project = join(root, 'project');
  mkdirSync(join(project, 'blueprints'), { recursive: true });
  mkdirSync(join(project, 'out'), { recursive: true });
  const base = join(project, 'blueprints', 'system.yaml');
  writeFileSync(base, 'apiVersion: archsim/v1\n');
  const overlay = join(project, 'out', 'system.plan.yaml');
  writeFileSync(overlay, 'extends: ../blueprints/system.yaml\n');
  const outside = join(root, 'elsewhere.yaml');
  writeFileSync(outside, 'secret: x\n');

  it('reads a base in the working directory tree (an overlay written to --out)', () => {
    const r = read({}, project, base, overlay);
    expect(r.ok).toBe(true);
  });

  it('refuses the same base when the working directory is elsewhere', () => {
    const r = read({}, join(project, 'out'), base, overlay);
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.message).toMatch(/outside the folder of .* and the working directory/);
  });

  it('refuses a base outside both, and allows it only when asked', () => {
    expect(read({}, project, outside, overlay).ok).toBe(false);
    expect(read({ ARCHSIM_EXTENDS_ANYWHERE: '1' }, project, outside, overlay).ok).toBe(true);
  });
});
