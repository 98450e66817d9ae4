// `archsim up` runs the bundled reference services. A blueprint of another system (domains they do
// not implement) is refused before anything starts, one line and exit 2, as loadtest and rehearse
// refuse it. It used to start PostgreSQL and the layout's first unit, which exited on the first
// unknown domain: "internal error: http://127.0.0.1:8080 exited before ready".
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-up-unsupported-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: tiny-shop }
system:
  domains:
    catalog: { tables: [products], operations: { list: { route: GET /products, cpu: 2ms, db: { reads: 2 } } } }
    auth: { tables: [users], operations: { login: { route: POST /login, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
`;

describe('archsim up on a system the reference services do not implement', { timeout: 60_000 }, () => {
  const bp = join(tmp, 'tiny-shop.yaml');
  writeFileSync(bp, YAML);

  it.each([['process'], ['compose']])('--runtime %s: refused before anything starts, one line, exit 2', (runtime) => {
    const r = archsim(['up', bp, '--layout', 'mono', '--runtime', runtime], { cwd: tmp });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr.trim().split('\n')).toEqual([
      'archsim: the bundled reference services implement the domains auth, users, messages, groups, media, relay, notifications, realtime; "tiny-shop" also has catalog, so there is nothing to start — generate runnable services for it with `archsim generate scaffold` (or all) and run those',
    ]);
    // No run was recorded, no log folder made.
    expect(existsSync(join(tmp, '.archsim'))).toBe(false);
  });
});

// The reference services' own domain names over other routes: the same refusal, naming what they
// do not serve (they would have started and answered their own routes, not the blueprint's).
const SAME_NAMES = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: half-auth }
system:
  domains:
    auth: { tables: [users], operations: { login: { route: POST /login, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
`;

describe('archsim up on the reference domains with routes they do not serve', { timeout: 60_000 }, () => {
  it('refused before anything starts, one line, exit 2', () => {
    const bp = join(tmp, 'half-auth.yaml');
    writeFileSync(bp, SAME_NAMES);
    const r = archsim(['up', bp, '--layout', 'mono'], { cwd: tmp });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr.trim().split('\n')).toEqual([
      "archsim: the bundled reference services do not serve every operation of \"half-auth\": auth.login (POST /login: no such route in their auth module); they would answer other routes than the blueprint's — generate runnable services for it with `archsim generate scaffold` (or all) and run those",
    ]);
    expect(existsSync(join(tmp, '.archsim'))).toBe(false);
  });
});
