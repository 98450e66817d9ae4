// `nginx -t` on a generated configuration, for the tests that check a gateway's nginx.conf with
// nginx itself (Debian's nginx, installed by .ci/run).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const hasNginx = existsSync(NGINX);

/** `nginx -t` on a configuration: its exit code and what it said. */
export function nginxTest(conf: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-nginx-'));
  try {
    writeFileSync(join(dir, 'nginx.conf'), conf);
    // -p and -e keep nginx off its compiled-in prefix and error log, which need root. Its stdout
    // is a file: the configuration opens /dev/stdout, which a socket (what spawnSync's pipes are)
    // cannot be reopened as.
    const out = openSync(join(dir, 'stdout'), 'w');
    try {
      const r = spawnSync(NGINX, ['-t', '-q', '-p', `${dir}/`, '-e', 'stderr', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8', stdio: ['ignore', out, 'pipe'] });
      return { status: r.status, stderr: r.stderr };
    } finally {
      closeSync(out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
