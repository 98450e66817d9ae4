// A success(scenario:op) budget where the DES sent no request of the operation in the failure
// window (a rare operation, a short window). The figure exists (the scenario ran on the layout,
// the operation is the report's); nothing measured it. It read "layout … has no such figure",
// exit 2 (bad input) for a valid budget, or, where another layout happened to draw a request,
// ➖ "this layout has no such figure" in layouts the failure takes the operation down in.
//
// rare-op/shop.yaml: web.page 98% and pay.checkout 2% at 100/s (2 checkouts a second). blip.yaml
// takes the web domain's unit down for 100 ms: seed 1 draws no checkout in it in either layout.
// outage.yaml takes it down for 3 s: checkouts are drawn, mono (one unit) fails them, split does not.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateBudgets, parseBudgets } from '../../src/report/budget.js';
import { unmeasuredSuccessFigures } from '../../src/report/figures.js';
import { layoutFixture } from './fixture.js';
import { report } from './in-process-cli.js';

const D = join(import.meta.dirname, 'fixtures', 'rare-op');
const REASON = 'no request of pay.checkout in the failure window: nothing measured to judge (a longer window or a higher rate would send some)';

describe('a success figure with no request in the failure window', () => {
  it('is not applicable, with the reason, in every layout, named or not: exit 0, not 2', async () => {
    const r = await report([join(D, 'shop.yaml'), '--scenario', join(D, 'blip.yaml'), '--budget', join(D, 'blip-budget.yaml'), '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('no such figure');
    expect(r.stdout).toContain(`➖ 3 not applicable (no request in the failure window).`);
    expect(r.stdout).toContain(
      [
        `| ➖ | \`success(blip:pay.checkout) >= 90%\` | mono | — (${REASON}) |`,
        `| ➖ | \`success(blip:pay.checkout) >= 90%\` | split | — (${REASON}) |`,
        `| ➖ | \`success(blip:pay.checkout) >= 90%\` | split | — (${REASON}) |`,
      ].join('\n'),
    );
  });

  it('in the JSON: pass null, the reason, no value', async () => {
    const r = await report([join(D, 'shop.yaml'), '--scenario', join(D, 'blip.yaml'), '--budget', join(D, 'blip-budget.yaml'), '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { budgets: { passed: boolean; results: unknown[] } };
    expect(json.budgets.passed).toBe(true);
    expect(json.budgets.results[0]).toEqual({ budget: 'success(blip:pay.checkout) >= 90%', layout: 'mono', figure: 'success(blip:pay.checkout)', comparator: '>=', limit: 0.9, value: null, unit: 'ratio', pass: null, notApplicable: REASON, text: `n/a: success(blip:pay.checkout) >= 90% in mono: — (${REASON})` });
  });

  it('where requests were drawn, the layout the failure takes the operation down in breaks it: exit 1', async () => {
    const r = await report([join(D, 'shop.yaml'), '--scenario', join(D, 'outage.yaml'), '--budget', join(D, 'outage-budget.yaml'), '--format', 'md']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(['| ❌ | `success(outage:pay.checkout) >= 90%` | mono | 0% |', '| ✅ | `success(outage:pay.checkout) >= 90%` | split | 100% |'].join('\n'));
    expect(r.stderr).toContain('archsim: budget broken: success(outage:pay.checkout) >= 90% in mono: value 0% (limit >= 90%)\n');
  });
});

describe('unmeasuredSuccessFigures: decided by structure', () => {
  const l = layoutFixture();
  l.faultIsolation = [{ scenario: 'db-down: message-db down', description: 'd', operations: [{ id: 'messages.send', successRate: 0 }] }];

  it('the scenario ran and the operation is the report’s: exists, unmeasured', () => {
    expect([...unmeasuredSuccessFigures(l)]).toEqual(['success(db-down:auth.login)']);
  });

  const evaluate = (text: string) => {
    const parsed = parseBudgets(text, 'b.yaml');
    if (!parsed.ok) throw new Error('did not parse');
    return evaluateBudgets(parsed.value, [l], undefined);
  };

  it('a budget on it does not apply', () => {
    const r = evaluate('budgets:\n  - success(db-down:auth.login) > 0.5\n');
    expect(r.ok && r.results.map((x) => [x.pass, x.notApplicable, x.text])).toEqual([[null, REASON.replace(/pay\.checkout/, 'auth.login'), `n/a: success(db-down:auth.login) > 0.5 in microservices: — (${REASON.replace(/pay\.checkout/, 'auth.login')})`]]);
  });

  it('a scenario that did not run, or an operation the report lacks: no such figure, as before', () => {
    const r = evaluate('budgets:\n  - success(other:auth.login) > 0.5\n  - success(db-down:nope.op) > 0.5\n');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual(['layout "microservices" has no such figure', 'layout "microservices" has no such figure']);
  });
});
