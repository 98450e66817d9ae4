#!/usr/bin/env node
// Keeps reports/examples/ current: the report of every bundled blueprint, in markdown and JSON
// (compared byte for byte in CI: `node scripts/update-reports.mjs --check`, run by the tests)
// and HTML (rewritten, not compared: its diagrams come from the installed Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const blueprints = readdirSync(join(root, 'blueprints')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.load.yaml')).sort(); // load profiles sit beside their blueprints
let drift = 0;
for (const f of blueprints) {
  const name = f.replace(/\.yaml$/, '');
  const dest = join(root, 'reports', 'examples', name);
  const out = check ? mkdtempSync(join(tmpdir(), 'archsim-examples-')) : dest;
  const formats = check ? 'md,json' : 'md,json,html';
  const r = spawnSync(process.execPath, [join(root, 'bin/archsim'), 'report', `blueprints/${f}`, '--format', formats, '--out', out, '--force'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) {
    console.error(`archsim report blueprints/${f} failed (${r.status}):\n${r.stderr}`);
    process.exit(2);
  }
  if (check) {
    for (const ext of ['md', 'json']) {
      const want = join(dest, `report.${ext}`);
      const got = readFileSync(join(out, `report.${ext}`), 'utf8');
      if (!existsSync(want) || readFileSync(want, 'utf8') !== got) {
        console.error(`drift: reports/examples/${name}/report.${ext} is not what archsim writes now`);
        drift++;
      }
    }
    rmSync(out, { recursive: true, force: true });
  } else console.error(`wrote reports/examples/${name}/report.{md,json,html}`);
}
if (drift) {
  console.error('run `node scripts/update-reports.mjs` and commit reports/examples/');
  process.exit(1);
}
