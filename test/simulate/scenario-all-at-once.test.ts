// A scenario file's mistakes in one run, each once (tester's bad/scen.yaml took three runs): an
// entry refused by the schema still has what it names checked; simulate and compare, which stop
// at the compile options' problems (an autoscale or call key naming nothing), get the targets'
// problems with them. And values that ran as nonsense, refused at their place: a client or call
// timeout of 0 (every request "none succeeded"), a warm-up as long as the run.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { parseScenario, scenarioCompileOptions, scenarioMisfit } from '../../src/simulate/scenario.js';

const r = parseBlueprint(
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: t }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        place: { route: POST /orders, cpu: 1ms, calls: [payments.charge], db: { writes: 1 } }
    payments:
      operations:
        charge: { internal: true, cpu: 1ms }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  split:
    units:
      order-svc: { domains: [orders], port: 8080 }
      pay-svc: { domains: [payments], port: 8081 }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, mix: { orders.place: 1 } }
`,
  'b.yaml',
);
if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
const bp = r.blueprint;

const errors = (text: string) => {
  const s = parseScenario(text, 's.yaml', bp);
  return s.ok ? [] : s.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`);
};

describe('a scenario that breaks its schema: every mistake in one run, each once', () => {
  it('entries with a refused value keep their targets, operations and keys checked', () => {
    const text = `name: bad
failures:
  - { domain: paymentz, at: 10s, for: 5s, slow: 0 }
  - { unit: ap, at: soon, for: 5s }
  - { storeOf: orders, at: 5s, for: 5s, colour: red }
  - { at: 5s, for: 5s }
load:
  - { for: 5s, rate: fast, mix: { orders.plac: 1, orders.place: -1 } }
calls:
  "orders.place → payments.charg": { timeout: 0ms }
autoscale:
  notify: { min: 1 }
`;
    expect(errors(text)).toEqual([
      's.yaml:3:15: no domain "paymentz" (did you mean "payments"?)',
      's.yaml:3:49: Too small: expected number to be >=1',
      's.yaml:4:13: no unit "ap" in mono (did you mean "app"?)',
      's.yaml:4:21: "soon" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      's.yaml:5:41: unknown key (this mapping takes "description", "unit", "datastore", "domain", "storeOf", "table", "gateway", "broker", "at", "for", "down", "slow")',
      's.yaml:6:5: name exactly one of unit, datastore, domain, storeOf, table, gateway, broker',
      's.yaml:8:22: "fast" is not a rate (e.g. 200/s, 12k/min, 1M/d)',
      's.yaml:8:48: "orders.plac" is not an operation (did you mean "orders.place"?)',
      's.yaml:8:65: Too small: expected number to be >0',
      's.yaml:10:3: no operation "payments.charg" (did you mean "payments.charge"?)',
      's.yaml:10:47: a call timeout must be above 0ms (leave timeout out to keep the blueprint’s)',
      's.yaml:12:11: "notify" is neither a unit of mono nor a domain',
      's.yaml:12:11: required: expected number',
    ]);
  });

  it('given the layout it will run on (simulate --layout), the targets are checked in that layout', () => {
    const text = 'name: x\nfailures: [{ unit: app, at: 1s, for: 1s, slow: 0 }]\n';
    expect(errors(text)).toEqual(['s.yaml:2:48: Too small: expected number to be >=1']);
    const s = parseScenario(text, 's.yaml', bp, ['split']);
    expect(s.ok ? [] : s.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual(['2:20: no unit "app" in split', '2:48: Too small: expected number to be >=1']);
  });

  it('a client timeout of 0s, and a warm-up as long as the scenario’s duration', () => {
    expect(errors('name: x\nclientTimeout: 0s\n')).toEqual(['s.yaml:2:16: a client timeout must be above 0ms (leave clientTimeout out for none)']);
    expect(errors('name: x\nworkload: { duration: 20s, warmup: 20s }\n')).toEqual(['s.yaml:2:36: the warm-up (20s) must be shorter than the duration (20s): no request would be measured']);
    expect(errors('name: x\nworkload: { duration: 20s, warmup: 19s }\nclientTimeout: 1ms\ncalls: { payments.charge: { timeout: 1ms } }\n')).toEqual([]);
  });
});

describe('a scenario that parses: the compile options’ problems and the targets’ together', () => {
  const parsed = (text: string) => {
    const s = parseScenario(text, 's.yaml', bp);
    if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('; '));
    return s.scenario;
  };
  const text = 'name: x\nfailures: [{ domain: paymentz, at: 1s, for: 1s }, { unit: order-svc, at: 1s, for: 1s }]\nautoscale: { notify: { min: 1, max: 3 } }\n';

  it('scenarioCompileOptions (where simulate and compare stop) has both, each once', () => {
    expect(scenarioCompileOptions(bp, 'mono', parsed(text)).problems).toEqual([
      { path: ['autoscale', 'notify'], message: '"notify" is neither a unit of mono nor a domain' },
      { path: ['failures', 0, 'domain'], message: 'no domain "paymentz" (did you mean "payments"?)' },
      { path: ['failures', 1, 'unit'], message: 'no unit "order-svc" in mono' },
    ]);
    expect(scenarioMisfit(bp, parsed(text))).toEqual(scenarioCompileOptions(bp, 'mono', parsed(text)).problems);
  });

  it('without an options problem, the targets are left to resolveScenario (no extra compile)', () => {
    expect(scenarioCompileOptions(bp, 'split', parsed('name: x\nfailures: [{ domain: paymentz, at: 1s, for: 1s }]\n')).problems).toEqual([]);
  });
});
