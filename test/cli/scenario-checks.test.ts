// A scenario is checked against the blueprint it runs on, before anything runs, and every
// mistake in it is reported in one run:
// - `validate` resolves each scenario a blueprint lists as `compare` and `report` will (one that
//   can run on none of the layouts is an error at its `scenarios:` entry, the scenario's own
//   problem in the message), instead of passing a blueprint those commands then refuse;
// - a `calls:` key must name a call the blueprint makes ("caller → callee") or an operation that
//   is called: a mistyped edge set no policy, in silence (exit 0);
// - a scenario file that breaks the schema has the cross-references of its valid entries checked
//   in the same run (they came only after the schema errors were fixed).
// In this process from the sources (the built CLI's tests are elsewhere).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/in-process.js';

const { action: validate } = await import('../../src/cli/actions/validate.js');
const { action: compare } = await import('../../src/cli/actions/compare.js');
const { parseBlueprint } = await import('../../src/model/parse.js');
const { parseScenario, scenarioCompileOptions } = await import('../../src/simulate/scenario.js');

const dir = mkdtempSync(join(tmpdir(), 'archsim-scenario-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

// Two layouts: `one` runs everything in app; `two` splits pay from shop.
const blueprint = (scenarios: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    shop:
      tables: [orders]
      operations:
        checkout: { route: POST /checkout, cpu: 1ms, db: { writes: 1 }, calls: [pay.charge] }
        browse: { route: GET /browse, cpu: 1ms }
    pay:
      tables: [payments]
      operations:
        charge: { cpu: 1ms, db: { writes: 1 } }
layouts:
  one:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
  two:
    units: { app: { domains: [shop], port: 8080 }, payer: { domains: [pay], port: 8081 } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, duration: 2s, warmup: 0s, mix: { shop.checkout: 1, shop.browse: 1 } }
scenarios: ${scenarios}
`;
const parsed = parseBlueprint(blueprint('[]'), 'shop.yaml');
if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
const bp = parsed.blueprint;

const run = runAction;
const lines = (s: string) => s.trim().split('\n');

describe('validate: a listed scenario that cannot run on the blueprint', () => {
  it('bundled scenarios naming a domain it lacks: an error at each entry, with the scenario’s problem, exit 2', async () => {
    const f = write('bundled.yaml', blueprint('[database-failure, messaging-spike-autoscale]'));
    const r = await run(() => validate([f], {}));
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `${f}:23:13: scenarios[0]: bundled scenario "database-failure" cannot run on this blueprint: failures[0].storeOf: no domain "messages"`,
      `${f}:23:31: scenarios[1]: bundled scenario "messaging-spike-autoscale" cannot run on this blueprint: autoscale.messages: "messages" is neither a unit of one nor a domain`,
      `${f}:23:31: scenarios[1]: bundled scenario "messaging-spike-autoscale" cannot run on this blueprint: load[0].mix["messages.conversation"]: "messages.conversation" is not an operation`,
    ]);
    expect(r.stdout).toBe(`✗ ${f}: 3 errors\n`);
    // compare stops on the same scenario (in its own file): validate no longer passes it
    const c = await run(() => compare(f, {}));
    expect(c.code).toBe(2);
    expect(lines(c.stderr)).toEqual([`${resolve('scenarios/database-failure.yaml')}:9:53: failures[0].storeOf: no domain "messages"`]);
  });

  it('a scenario file of the user’s: at the entry, with where in that file', async () => {
    const s = write('typo.yaml', 'name: typo\nfailures:\n  - { unit: ap, at: 1s, for: 1s }\n');
    const f = write('uses-typo.yaml', blueprint('[./typo.yaml]'));
    const r = await run(() => validate([f], {}));
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`${f}:23:13: scenarios[0]: scenario file "./typo.yaml" cannot run on this blueprint: ${s}:3:13: failures[0].unit: no unit "ap" in one (did you mean "app"?)`]);
  });

  it('one that runs on some layouts (a unit only one has) is a comparison, not an error; one that runs everywhere too', async () => {
    write('payer-down.yaml', 'name: payer-down\nfailures:\n  - { unit: payer, at: 1s, for: 1s }\n');
    write('pay-down.yaml', 'name: pay-down\nfailures:\n  - { domain: pay, at: 1s, for: 1s }\n');
    const f = write('fits.yaml', blueprint('[./payer-down.yaml, ./pay-down.yaml]'));
    const r = await run(() => validate([f], {}));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('scenario calls: keys name a call the blueprint makes', () => {
  const problems = (calls: string) => {
    const s = parseScenario(`name: x\ncalls:\n${calls}`, 'x.yaml');
    if (!s.ok) throw new Error(s.errors.map((e) => e.message).join('; '));
    return scenarioCompileOptions(bp, 'one', s.scenario);
  };

  it('accepts a declared edge (either arrow) and an operation that is called; sets their policies', () => {
    const r = problems('  "shop.checkout → pay.charge": { timeout: 1s }\n  "shop.checkout->pay.charge": { retries: 1 }\n  pay.charge: { optional: true }\n');
    expect(r.problems).toEqual([]);
    expect(r.options.edgePolicies).toEqual({ 'shop.checkout → pay.charge': { retries: 1 }, 'pay.charge': { optional: true } });
  });

  it('refuses an unknown operation on either side, an edge not declared, an operation nobody calls and a malformed key', () => {
    const r = problems(
      [
        '  "shop.checkout → nope.x": { timeout: 1ms }',
        '  "shop.chekout → pay.charge": { timeout: 1ms }',
        '  "shop.browse → pay.charge": { timeout: 1ms }',
        '  "pay.charge → shop.browse": { timeout: 1ms }',
        '  "shop.checkout → pay.chrge": { timeout: 1ms }',
        '  shop.browse: { timeout: 1ms }',
        '  "a → b → c": { timeout: 1ms }',
        '  " pay.charge": { timeout: 1ms }',
        '',
      ].join('\n'),
    );
    expect(r.problems).toEqual([
      { path: ['calls', 'shop.checkout → nope.x'], message: 'no operation "nope.x"' },
      { path: ['calls', 'shop.chekout → pay.charge'], message: 'no operation "shop.chekout" (did you mean "shop.checkout"?)' },
      { path: ['calls', 'shop.browse → pay.charge'], message: 'shop.browse does not call pay.charge; it makes no calls' },
      { path: ['calls', 'pay.charge → shop.browse'], message: 'pay.charge does not call shop.browse; it makes no calls' },
      { path: ['calls', 'shop.checkout → pay.chrge'], message: 'no operation "pay.chrge" (did you mean "pay.charge"?)' },
      { path: ['calls', 'shop.browse'], message: 'no operation calls shop.browse' },
      { path: ['calls', 'a → b → c'], message: 'expected "caller → callee" or the operation called (domain.operation)' },
      { path: ['calls', ' pay.charge'], message: 'no operation " pay.charge" (did you mean "pay.charge"?)' },
    ]);
    expect(r.options.edgePolicies).toEqual({});
  });

  it('an edge to an operation the caller does not call, named among the ones it does', () => {
    const two = parseBlueprint(blueprint('[]').replace('calls: [pay.charge]', 'calls: [pay.charge, pay.refund]').replace('charge: { cpu: 1ms, db: { writes: 1 } }', 'charge: { cpu: 1ms }\n        refund: { cpu: 1ms }\n        void: { cpu: 1ms }'), 'shop.yaml');
    if (!two.ok) throw new Error(two.errors.map((e) => e.message).join('; '));
    const s = parseScenario('name: x\ncalls: { "shop.checkout → pay.void": { timeout: 1ms }, "shop.checkout → pay.refnd": { timeout: 1ms } }\n', 'x.yaml');
    if (!s.ok) throw new Error('parse');
    expect(scenarioCompileOptions(two.blueprint, 'one', s.scenario).problems.map((p) => p.message)).toEqual(['shop.checkout does not call pay.void; it calls pay.charge, pay.refund', 'no operation "pay.refnd" (did you mean "pay.refund"?)']);
  });

  it('compare: one positioned line at the key in the scenario file, exit 2 (it ran, exit 0, setting nothing)', async () => {
    const f = write('calls-bp.yaml', blueprint('[./bad-edge.yaml]'));
    const s = write('bad-edge.yaml', 'name: bad-edge\nfailures:\n  - { unit: app, at: 1s, for: 1s }\ncalls:\n  "shop.checkout → nope.x": { timeout: 1ms }\n');
    const c = await run(() => compare(f, {}));
    expect(c.code).toBe(2);
    expect(lines(c.stderr)).toEqual([`${s}:5:3: calls["shop.checkout → nope.x"]: no operation "nope.x"`]);
    const v = await run(() => validate([f], {}));
    expect(v.code).toBe(2);
    expect(lines(v.stderr)).toEqual([`${f}:23:13: scenarios[0]: scenario file "./bad-edge.yaml" cannot run on this blueprint: ${s}:5:3: calls["shop.checkout → nope.x"]: no operation "nope.x"`]);
  });
});

describe('a scenario file with schema errors: its cross-references in the same run', () => {
  const text = [
    'name: both',
    'failures:',
    '  - { unit: ap, at: 1s, for: 1s }',
    '  - { domain: shop, att: 1s, for: 1s }',
    '  - { storeOf: paymnt, at: 1s, for: 1s }',
    'load:',
    '  - { at: 1s, for: 1s, rate: fast, mix: { shop.browse: 1 } }',
    '  - { at: 1s, for: 1s, rate: 5/s, mix: { shop.brows: 1 } }',
    'calls:',
    '  "shop.checkout → nope.x": { timeout: 1ms }',
    '  pay.charge: { timout: 1ms }',
    'autoscale: { nobody: { min: 1, max: 2, targetUtilization: 50% } }',
    '',
  ].join('\n');

  it('with the blueprint: the schema errors and the valid entries’ cross-references, in file order, at their own indices', () => {
    const r = parseScenario(text, 'both.yaml', bp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col}: ${e.path.join('.')}: ${e.message}`)).toEqual([
      '3:13: failures.0.unit: no unit "ap" in one (did you mean "app"?)',
      '4:5: failures.1.at: required: a duration, e.g. 9ms',
      '4:21: failures.1: unknown key (did you mean "at"?)',
      '5:16: failures.2.storeOf: no domain "paymnt"',
      '7:30: load.0.rate: "fast" is not a rate (e.g. 200/s, 12k/min, 1M/d)',
      '8:54: load.1.mix.shop.brows: "shop.brows" is not an operation (did you mean "shop.browse"?)',
      '10:3: calls.shop.checkout → nope.x: no operation "nope.x"',
      '11:17: calls.pay.charge: unknown key (did you mean "timeout"?)',
      '12:22: autoscale.nobody: "nobody" is neither a unit of one nor a domain',
    ]);
  });

  it('without it (no blueprint to check against): the schema errors alone, as before', () => {
    const r = parseScenario(text, 'both.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col}`)).toEqual(['4:5', '4:21', '7:30', '11:17']);
  });

  it('validate reports both kinds in the scenario file in one run', async () => {
    const s = write('both.yaml', text);
    const f = write('uses-both.yaml', blueprint('[./both.yaml]'));
    const r = await run(() => validate([f], {}));
    expect(r.code).toBe(2);
    expect(lines(r.stderr).map((l) => l.slice(0, l.indexOf(': ', s.length + 1)))).toEqual(
      ['3:13', '4:5', '4:21', '5:16', '7:30', '8:54', '10:3', '11:17', '12:22'].map((p) => `${s}:${p}`),
    );
    expect(r.stdout).toBe(`✗ ${f}: 9 errors\n`);
  });
});
