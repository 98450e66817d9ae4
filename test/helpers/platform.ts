// The saved platform measurement (reports/validate-model-platform.json) stamped as this machine's:
// for tests of validate-model's loop that are not about the platform measurement itself. That
// measurement (about 2 minutes of paced calls and a scratch PostgreSQL) has its own test
// (test/loadtest/platform.test.ts); measuring it again in every validate-model test cost CI minutes
// and, on a loaded machine, the wait for the first layout.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thisMachine } from '../../src/cli/platform-file.js';
import { ROOT } from './cli.js';

/** A platform file for this machine in a new temporary folder; its path. */
export function platformFileForThisMachine(): string {
  const p = JSON.parse(readFileSync(`${ROOT}reports/validate-model-platform.json`, 'utf8'));
  p.machine = thisMachine();
  const file = join(mkdtempSync(join(tmpdir(), 'archsim-platform-')), 'platform.json');
  writeFileSync(file, JSON.stringify(p));
  return file;
}
