// The canary's old side is the unit as the phase's layout has it. `generate gateway --plan P
// --phase N --step S` writes that layout's gateway, so the old unit must be named and addressed
// as the layout runs it: a unit the phase renames (QuantChat's backend continuing as monolith in
// strangler-relay, `X-old` beside a new X) or moves to another port (the gateway takes its port)
// was named as the layout before had it, and 90% of a 10% step went to a host the phase does not
// have, or to the gateway's own port.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { plan, type Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';
import { chatpop, quantchat } from '../generate/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-plan-side-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function load(yaml: string) {
  const r = parseBlueprint(yaml, join(tmp, 'bp.yaml'));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.blueprint;
}

// The source's only unit listens on 8000, the port the gateway the first phase adds takes.
const PORT_TAKEN = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pingpong }
system:
  domains:
    ledger:
      tables: [entries]
      operations: { post: { route: POST /ledger, cpu: 1ms, db: { writes: 1 } } }
    risk:
      tables: [scores]
      operations: { report: { route: GET /risk, cpu: 1ms, db: { reads: 2 } } }
    audit:
      tables: [trail]
      operations: { read: { route: GET /audit, cpu: 0.5ms, db: { reads: 1 } } }
layouts:
  one:
    units: { app: { domains: "*", port: 8000 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  three:
    units:
      ledger: { domains: [ledger], port: 8001 }
      risk: { domains: [risk], port: 8002 }
      audit: { domains: [audit], port: 8003 }
    datastores:
      ledger-db: { engine: postgres, tables: [entries] }
      risk-db: { engine: postgres, tables: [scores] }
      audit-db: { engine: postgres, tables: [trail] }
workload: { rate: 50/s, mix: { ledger.post: 1, risk.report: 1, audit.read: 1 } }
`);

/** Every canary's old side: in the phase's layout with the port it has there, or said to be gone. */
function checkSides(p: Plan) {
  let checked = 0;
  for (const ph of p.phases) {
    const units = ph.layoutInput.units as Record<string, { port: number }>;
    for (const e of ph.extractions) {
      if (!e.from || !e.routes.length) continue;
      expect(e.from.unit, `${ph.layout}: ${e.unit}`).not.toBe(e.unit);
      if (units[e.from.unit]) expect(e.from.port, `${ph.layout}: ${e.unit} from ${e.from.unit}`).toBe(units[e.from.unit]!.port);
      else expect(ph.notes.join('\n'), `${ph.layout}: ${e.from.unit}`).toContain(`${e.from.unit} (port ${e.from.port}) is not in this phase's layout`);
      checked++;
    }
  }
  return checked;
}

describe('plan: the canary’s old side as the phase’s layout has it', () => {
  it('a unit that gave its port to the gateway is addressed on its new port', () => {
    const { plan: p } = plan(PORT_TAKEN, { from: 'one', to: 'three', start: '2026-01-05' });
    expect(p.phases[1]!.notes).toContain('app moves from port 8000 to 8080 (the gateway listens on 8000)');
    expect(p.phases[1]!.extractions[0]!.from).toEqual({ unit: 'app', port: 8080 });
    // In the declared target app continues as audit: the next canary's old side is audit.
    expect(p.phases[2]!.extractions[0]!.from).toEqual({ unit: 'audit', port: 8003 });
    expect(checkSides(p)).toBe(2);
  });

  it('QuantChat: backend continues as monolith in strangler-relay, the relay canary’s old side', () => {
    const { plan: p } = plan(quantchat, { from: 'monolith', to: 'microservices', start: '2026-01-05' });
    const relay = p.phases.find((ph) => ph.extractions.some((e) => e.unit === 'relay-service'))!;
    expect(relay.extractions[0]!.from).toEqual({ unit: 'monolith', port: 8080 });
    expect(relay.canary!.steps[0]!.weights).toEqual([
      { route: 'relay-service', to: 'relay-service', weight: 10 },
      { route: 'relay-service', to: 'monolith', weight: 90 },
    ]);
    expect(checkSides(p)).toBe(8);
    const chat = plan(chatpop, { from: 'phase1', to: 'phase3', start: '2026-01-05' }).plan;
    expect(checkSides(chat)).toBeGreaterThan(0);
  });

  it('generate gateway --plan routes the old share to the unit the phase runs', () => {
    const dir = join(tmp, 'qc');
    const made = archsim(['plan', 'blueprints/quantchat.yaml', '--from', 'monolith', '--to', 'microservices', '--out', dir]);
    expect(made.code, made.stderr).toBe(0);
    const p = JSON.parse(readFileSync(join(dir, 'quantchat.plan.json'), 'utf8')) as Plan;
    const n = p.phases.findIndex((ph) => ph.extractions.some((e) => e.unit === 'relay-service'));
    const out = join(tmp, 'gw');
    const r = archsim(['generate', 'gateway', 'blueprints/quantchat.yaml', '--plan', join(dir, 'quantchat.plan.json'), '--phase', String(n), '--step', '10', '--kind', 'kong', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const kong = parse(readFileSync(join(out, 'gateway', 'kong.yml'), 'utf8')) as { upstreams: { name: string; targets: unknown[] }[] };
    expect(kong.upstreams.find((u) => u.name === 'relay-service.upstream')!.targets).toEqual([
      { target: 'relay-service:8006', weight: 10 },
      { target: 'monolith:8080', weight: 90 },
    ]);
  });
});
