import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

it('reports/examples/ is what archsim writes now (run `node scripts/update-reports.mjs` after a change)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/update-reports.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
