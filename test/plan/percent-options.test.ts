// `--growth` and `--max-error-rate` read a bare number as a percentage, as every percentage flag
// does (`--rate 50` is 50%). They read it as a fraction up to 1 and a percentage above it:
// `--growth 1` was 100% a month and `--growth 2` 2%; `--max-error-rate 1` was 100%, a canary
// that never rolls back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-pct-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: two }
system:
  domains:
    a: { tables: [ta], operations: { get: { route: GET /a, cpu: 1ms, db: { reads: 1 } } } }
    b: { tables: [tb], operations: { put: { route: POST /b, cpu: 1ms, db: { writes: 1 } } } }
layouts:
  one:
    units: { app: { domains: "*", port: 8080, instance: vm } }
    datastores: { db: { engine: postgres, tables: "*" } }
  two:
    units:
      a-svc: { domains: [a], port: 8081, instance: small }
      b-svc: { domains: [b], port: 8082, instance: small }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 20/s, mix: { a.get: 1, b.put: 1 } }
catalog:
  vm: { vcpu: 2, usdPerMonth: $20 }
  small: { vcpu: 1, usdPerMonth: $8 }
`;

describe('archsim plan: percentages', { timeout: 120_000 }, () => {
  const bp = join(tmp, 'two.yaml');
  writeFileSync(bp, YAML);
  const run = (...flags: string[]) => {
    const r = archsim(['plan', bp, '--from', 'one', '--to', 'two', '--json', ...flags]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Plan;
  };

  it('a bare number is a percentage, whatever its size', () => {
    const cases: [string, string, number][] = [
      ['--growth', '1', 0.01],
      ['--growth', '2', 0.02],
      ['--growth', '0.5', 0.005],
      ['--growth', '15%/month', 0.15],
      ['--max-error-rate', '1', 0.01],
      ['--max-error-rate', '0.5%', 0.005],
    ];
    for (const [flag, v, want] of cases) {
      const p = run(flag, v);
      expect(flag === '--growth' ? p.growthPerMonth : p.maxErrorRate, `${flag} ${v}`).toBeCloseTo(want, 12);
    }
    // The rollback line says the same figure.
    const p = run('--max-error-rate', '1');
    expect(p.phases[1]!.canary!.rollback.at(-1)!.description).toMatch(/ above 1%$/);
  });
});
