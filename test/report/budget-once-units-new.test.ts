// Budget checks from the report's CLI, in process: a limit in the wrong unit is said once (it was
// said once per layout, in the same words, naming none); a bare latency limit is refused (it was
// read as ms without a word); a change.* budget on a figure new since the baseline does not apply
// and says why (it read "BROKEN … change —").
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { report } from './in-process-cli.js';

const BAKERY = join(import.meta.dirname, 'sweep', 'bakery.yaml');
const dir = mkdtempSync(join(tmpdir(), 'archsim-budget-once-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
/** stderr's lines without their file:line:col */
const messages = (stderr: string) => stderr.trim().split('\n').map((l) => l.replace(/^.*?:(\d+):(\d+): /, '$1:$2 '));

describe('budget problems said once', () => {
  it('a limit in the wrong unit: one line, however many layouts the budget applies to', async () => {
    const r = await report([BAKERY, '--no-faults', '--budget', file('b37.yaml', 'budgets:\n  - hops(orders.place) < 3ms\n')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(messages(r.stderr)).toEqual(['2:5 budgets[0]: hops(orders.place) is measured in hops, not ms']);
  });

  it('several: each once, in file order', async () => {
    const r = await report([BAKERY, '--no-faults', '--budget', file('b35.yaml', 'budgets:\n  - hops(orders.place) < 3ms\n  - cost.monthly < 5000/s\n  - throughput > 5 USD\n')]);
    expect(r.code).toBe(2);
    expect(messages(r.stderr)).toEqual([
      '2:5 budgets[0]: hops(orders.place) is measured in hops, not ms',
      '3:5 budgets[1]: cost.monthly is measured in USD, not /s',
      '4:5 budgets[2]: throughput is measured in /s, not USD',
    ]);
  });
});

describe('a bare latency limit', () => {
  it('is refused at its place, exit 2, asking for a unit', async () => {
    const r = await report([BAKERY, '--no-faults', '--budget', file('b36.yaml', 'budgets:\n  - cost.monthly < 100000 USD\n  - p95(orders.place) < 0.5\n  - change.mean(orders.get) < 3\n')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(messages(r.stderr)).toEqual([
      '3:5 budgets[1]: a latency limit needs its unit: write ms, s or us, e.g. "p95(…) < 150ms" (a bare number is not read as ms)',
      '4:5 budgets[2]: a limit on change.mean needs its unit: ms, s or us for the change in time, e.g. "change.mean(…) < 20ms", or % for the relative change, e.g. "change.mean(…) < 10%"',
    ]);
  });

  it('with its unit it reads as before', async () => {
    const r = await report([BAKERY, '--no-faults', '--format', 'json', '--budget', file('ok.yaml', 'budgets:\n  - p95(orders.place) < 0.5s\n  - p95(orders.place) < 500ms\n')]);
    expect(r.code).toBe(0);
    const b = (JSON.parse(r.stdout) as Report).budgets!;
    // the file's, then the blueprint's own (p95(orders.place) < 500ms)
    expect(b.results.slice(0, 4).map((x) => [x.layout, x.limit, x.unit, x.pass])).toEqual([
      ['monolith', 500, 'ms', true],
      ['micro', 500, 'ms', true],
      ['monolith', 500, 'ms', true],
      ['micro', 500, 'ms', true],
    ]);
  });
});

describe('a change.* budget on a figure new since the baseline', () => {
  let baseline: string;
  beforeAll(async () => {
    const r = await report([BAKERY, '--no-faults', '--format', 'json']);
    expect(r.code).toBe(0);
    const old = JSON.parse(r.stdout) as Report;
    // orders.get is new in monolith since this baseline; micro had it
    old.layouts[0]!.operations = old.layouts[0]!.operations.filter((o) => o.id !== 'orders.get');
    baseline = file('old.json', JSON.stringify(old, null, 2));
  });

  it('does not apply: neither met nor broken, with the reason, in every format; exit 0', async () => {
    const budget = file('change.yaml', 'budgets:\n  - change.p95(orders.get) < 1ms\n');
    const json = await report([BAKERY, '--no-faults', '--format', 'json', '--baseline', baseline, '--budget', budget]);
    expect(json.code).toBe(0);
    expect(json.stderr).not.toContain('budget broken');
    const b = (JSON.parse(json.stdout) as Report).budgets!;
    expect(b.passed).toBe(true);
    // the file's, then the blueprint's own
    expect(b.results.slice(0, 2)).toEqual([
      { budget: 'change.p95(orders.get) < 1ms', layout: 'monolith', figure: 'change.p95(orders.get)', comparator: '<', limit: 1, value: null, unit: 'ms', pass: null, notApplicable: 'new since the baseline: no change to compare', text: 'n/a: change.p95(orders.get) < 1ms in monolith: change — (new since the baseline: no change to compare)' },
      { budget: 'change.p95(orders.get) < 1ms', layout: 'micro', figure: 'change.p95(orders.get)', comparator: '<', limit: 1, value: 0, unit: 'ms', pass: true, text: 'ok: change.p95(orders.get) < 1ms in micro: change ±0 ms' },
    ]);
    const md = await report([BAKERY, '--no-faults', '--format', 'md', '--baseline', baseline, '--budget', budget]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('✅ all 3 budgets met. 1 not applicable (new since the baseline).');
    expect(md.stdout).toContain('| ➖ | `change.p95(orders.get) < 1ms` | monolith | — (new since the baseline: no change to compare) |');
    expect(md.stdout).not.toContain('BROKEN');
  });
});

describe('a budget on every layout whose figure only some layouts have', () => {
  it('success under auto:broker-down: judged in micro (it has a broker), not applicable in the monolith; exit 0', async () => {
    const r = await report([BAKERY, '--format', 'json', '--budget', file('broker.yaml', 'budgets:\n  - success(auto:broker-down:orders.get) >= 0.5\n')]);
    expect(r.code).toBe(0);
    const results = (JSON.parse(r.stdout) as Report).budgets!.results.filter((x) => x.budget.startsWith('success(auto:broker-down'));
    expect(results.map((x) => [x.layout, x.pass, x.notApplicable ?? null])).toEqual([
      ['monolith', null, 'this layout has no such figure: the budget applies to the layouts that have it'],
      ['micro', true, null],
    ]);
  });

  it('a layout named: still an error there (the author asked for it)', async () => {
    const r = await report([BAKERY, '--budget', file('named.yaml', 'budgets:\n  - { check: "success(auto:broker-down:orders.get) >= 0.5", layout: monolith }\n')]);
    expect(r.code).toBe(2);
    expect(messages(r.stderr)[0]).toMatch(/^2:14 budgets\[0\].check: layout "monolith" has no such figure/);
  });
});
