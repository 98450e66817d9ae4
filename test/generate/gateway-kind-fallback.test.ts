// A layout's gateway of kind alb or envoy has no generator of its own: the gateway written is
// nginx's, and `generate` says so once (not silently), unless --kind chose one.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { action } from '../../src/cli/actions/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-gwkind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'bp.yaml');
writeFileSync(
  file,
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: edge }
system:
  domains:
    web: { operations: { home: { route: GET /home, cpu: 1ms } } }
layouts:
  aws:
    gateway: { kind: alb, port: 8000 }
    units: { web: { domains: [web], port: 8001 } }
  mesh:
    gateway: { kind: envoy, port: 8000 }
    units: { web: { domains: [web], port: 8001 } }
  plain:
    gateway: { kind: nginx, port: 8000 }
    units: { web: { domains: [web], port: 8001 } }
`,
);

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

let n = 0;
const run = (target: string, layout: string, extra: Record<string, string> = {}) => action(target, file, { layout, out: join(dir, `out${n++}`), ...extra });

describe('generate with an alb or envoy gateway', () => {
  it('says the gateway written is nginx’s', async () => {
    expect(await run('gateway', 'aws')).toBe(0);
    expect(stderr).toEqual(["archsim: note: layout aws's gateway is alb, which archsim does not write: the gateway config is nginx's (the same routes); --kind kong or traefik writes another\n"]);
    expect(existsSync(join(dir, `out${n - 1}`, 'gateway', 'nginx.conf'))).toBe(true);
    expect(await run('compose', 'mesh')).toBe(0);
    expect(stderr[1]).toBe("archsim: note: layout mesh's gateway is envoy, which archsim does not write: the gateway config is nginx's (the same routes); --kind kong or traefik writes another\n");
  });
  it('says nothing when --kind chose, for a kind archsim writes, or for a target with no gateway', async () => {
    expect(await run('gateway', 'aws', { kind: 'traefik' })).toBe(0);
    expect(await run('gateway', 'plain')).toBe(0);
    expect(await run('k8s', 'aws')).toBe(0);
    expect(stderr).toEqual([]);
  });
});
