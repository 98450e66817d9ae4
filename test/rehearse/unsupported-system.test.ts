// `archsim rehearse` runs a plan on the bundled reference services only. A user's own system
// (domains they do not implement) is refused before anything starts: one line, exit 2, as
// `loadtest` refuses it. It used to start PostgreSQL and the first unit, which exited on the
// unknown domain, and end as "internal error: … exited before ready", exit 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-rehearse-unsupported-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: tiny-shop }
system:
  domains:
    catalog:
      tables: [products]
      operations: { list: { route: GET /products, cpu: 2ms, db: { reads: 2 } } }
    checkout:
      tables: [orders]
      operations: { place: { route: POST /orders, cpu: 4ms, db: { writes: 2 }, calls: [catalog.list] } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  split:
    units:
      catalog-svc: { domains: [catalog], port: 8081 }
      checkout-svc: { domains: [checkout], port: 8082 }
    datastores:
      catalog-db: { engine: postgres, tables: [products] }
      orders-db: { engine: postgres, tables: [orders] }
workload: { rate: 20/s, mix: { catalog.list: 3, checkout.place: 1 } }
`;

describe('archsim rehearse on a system the reference services do not implement', { timeout: 120_000 }, () => {
  const bp = join(tmp, 'tiny-shop.yaml');
  writeFileSync(bp, YAML);
  const out = join(tmp, 'plan');
  // from the blueprint's folder: the overlay's extends: must be loadable where it is used (a base
  // outside both the overlay's folder and the working directory is refused, as the loader does)
  const made = archsim(['plan', bp, '--from', 'mono', '--to', 'split', '--out', out], { cwd: tmp });
  const planFile = join(out, 'tiny-shop.plan.json');

  it('is refused before anything starts: one line, exit 2', () => {
    expect(made.code, made.stderr).toBe(0);
    const r = archsim(['rehearse', bp, '--plan', planFile, '--step-duration', '1s', '--warmup', '0s']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'archsim: rehearse runs a plan on the bundled reference services, which implement the domains auth, users, messages, groups, media, relay, notifications, realtime; "tiny-shop" also has catalog, checkout, so there is nothing to start (--dry-run prints the plan\'s steps without starting anything)',
    ]);
  });

  it('--dry-run still prints its steps', () => {
    const r = archsim(['rehearse', bp, '--plan', planFile, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^phase 1 \(phase-1\): start checkout-svc \(checkout\), taking 1 route from catalog-svc; DATA MOVE REHEARSED/);
  });
});
