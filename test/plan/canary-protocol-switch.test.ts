// A canary across protocols (src/plan/units-check.ts protocolSwitches, generate gateway --plan):
// a unit extracted onto gRPC from an HTTP monolith has gRPC methods for routes where the monolith
// had HTTP paths, so no gateway weight can split them. The generated config of a middle step sent
// 90% of the gRPC calls to the HTTP unit. Now only the end (--step 100) is written; a middle step
// or the rollback is refused in one line that says what to run instead.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plan, protocolSwitches } from '../../src/plan/index.js';
import { bp } from '../simulate/helpers.js';
import { archsim } from '../helpers/cli.js';

const LEDGER = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ledger }
system:
  domains:
    accounts: { tables: [accounts], operations: { get: { route: "GET /v2/accounts/{id}", cpu: 0.3ms, db: { reads: 1 } } } }
    payments: { tables: [payments], operations: { pay: { route: POST /v2/payments, cpu: 1ms, db: { writes: 1 } } } }
    fraud: { tables: [rules], operations: { check: { route: POST /v2/fraud/checks, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  monolith:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  microservices:
    protocol: grpc
    gateway: { kind: nginx, port: 8000 }
    units:
      accounts-svc: { domains: [accounts], port: 9001 }
      payments-svc: { domains: [payments], port: 9002 }
      fraud-svc: { domains: [fraud], port: 9003 }
    datastores:
      accounts-db: { engine: postgres, tables: [accounts] }
      payments-db: { engine: postgres, tables: [payments] }
      fraud-db: { engine: postgres, tables: [rules] }
workload:
  rate: 10/s
  mix: { accounts.get: 1, payments.pay: 1, fraud.check: 1 }
`;

const tmp = mkdtempSync(join(tmpdir(), 'archsim-protocol-switch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a canary across protocols', () => {
  it('protocolSwitches: phase 1 extracts a gRPC unit from the HTTP monolith; the last phase, where the monolith carries on as a gRPC unit too, has none', () => {
    const b = bp(LEDGER);
    const { plan: p } = plan(b, { from: 'monolith', to: 'microservices', start: '2026-01-05' });
    expect(p.phases.length).toBe(3);
    const one = p.phases[1]!.extractions.find((e) => e.from && e.routes.length)!;
    expect(protocolSwitches(b, p, 1)).toEqual([{ unit: one.unit, from: 'app', now: 'grpc', was: 'http' }]);
    expect(protocolSwitches(b, p, 2)).toEqual([]);
  });

  it('generate gateway --plan refuses a middle step and the rollback, and writes the end', () => {
    const file = join(tmp, 'ledger.yaml');
    writeFileSync(file, LEDGER);
    const out = join(tmp, 'plan');
    const made = archsim(['plan', file, '--from', 'monolith', '--to', 'microservices', '--start', '2026-01-05', '--out', out], { cwd: tmp });
    expect(made.code, made.stderr).toBe(0);
    const overlay = join(out, 'ledger.plan.yaml');
    const json = join(out, 'ledger.plan.json');
    for (const step of ['10', '0']) {
      const r = archsim(['generate', 'gateway', overlay, '--plan', json, '--phase', '1', '--step', step, '--out', join(tmp, `g${step}`)], { cwd: tmp });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^archsim: --step ${step}: phase 1's \\S+ serves grpc where app served its routes over http: a gateway cannot split requests between two protocols by weight; while clients still call over http, run the layout before's gateway \\(generate gateway --layout monolith\\), and --step 100 once they call \\S+ over grpc\\n$`),
      );
    }
    const end = archsim(['generate', 'gateway', overlay, '--plan', json, '--phase', '1', '--step', '100', '--out', join(tmp, 'g100')], { cwd: tmp });
    expect(end.code, end.stderr).toBe(0);
    expect(readdirSync(join(tmp, 'g100', 'gateway'))).toEqual(['nginx.conf']);
  });
});
