// `nginx -t` on a generated configuration, for the tests that check a gateway's nginx.conf with
// nginx itself (Debian's nginx, installed by .ci/run).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/**
 * A real nginx serving `location ~* "^<path>" { return 200 "<unit>"; }` per location, as
 * ingress-nginx writes a use-regex Ingress's paths (template.go: backslashes and quotes escaped),
 * and `location / { return 404 "none"; }`: `ask(path)` gives the unit nginx routed it to.
 */
export async function withIngressNginx(locations: readonly { path: string; unit: string }[], run: (ask: (path: string) => Promise<string>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-ingress-'));
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const conf = [
    `pid ${dir}/nginx.pid;`,
    'error_log stderr warn;',
    'events { worker_connections 64; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${dir}/c; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    ...locations.map((l) => `    location ~* "^${l.path.replace(/[\\"]/g, '\\$&')}" { return 200 "${l.unit}"; }`),
    '    location / { return 404 "none"; }',
    '  }',
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const nginx = spawn(NGINX, ['-p', `${dir}/`, '-e', 'stderr', '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  nginx.stderr.on('data', (b) => (err += b));
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`http://127.0.0.1:${port}/zz/zz/zz`).then(() => true, () => false);
      if (!up) await new Promise((x) => setTimeout(x, 50));
    }
    if (!up) throw new Error(`nginx did not start: ${err}`);
    await run((path) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text()));
  } finally {
    nginx.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
