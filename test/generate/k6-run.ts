// Runs a generated k6 script with the real k6 binary: the script written to `dir`/load-test.js,
// each env entry passed with -e. Resolves with k6's exit code and everything it printed.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function runK6Script(k6: string, dir: string, script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  writeFileSync(join(dir, 'load-test.js'), script);
  const args = ['run', '--no-color', '--quiet', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), 'load-test.js'];
  const run = spawn(k6, args, { cwd: dir, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  run.stdout.on('data', (b) => (out += b));
  run.stderr.on('data', (b) => (out += b));
  const code = await new Promise<number | null>((res) => run.once('exit', res));
  return { code, out };
}
