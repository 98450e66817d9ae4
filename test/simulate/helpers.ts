// Small blueprints for validating the engine against queueing theory.
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

export function bp(text: string): Blueprint {
  const r = parseBlueprint(text, 'test.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.blueprint;
}

/** One unit with c servers, one operation with this CPU distribution (YAML), optionally a DB visit. */
export function station(opts: { c?: number; cpu?: string; discipline?: 'fcfs' | 'ps'; read?: string; dbCores?: number } = {}): Blueprint {
  const c = opts.c ?? 1;
  const db = opts.read ? `, db: { reads: 1, read: ${opts.read} }` : '';
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mm }
system:
  domains:
    a:
      tables: [t]
      operations:
        op: { route: GET /op, cpu: ${opts.cpu ?? '1ms'}${db} }
layouts:
  one:
    units: { u: { domains: "*", port: 8000, instance: box, workers: ${c}, discipline: ${opts.discipline ?? 'fcfs'} } }
    datastores: { db: { engine: postgres, tables: "*", instance: dbox } }
catalog:
  box: { vcpu: ${c}, usdPerMonth: $1 }
  dbox: { vcpu: ${opts.dbCores ?? 1}, usdPerMonth: $1 }
`);
}
