// A baseline with finite but absurd figures is refused like a negative one: one positioned line,
// exit 2, its value not quoted. A p95 of 1.7e308 ms diffed to "−Infinity ms (−100%)" and one of
// 5e-324 ms (a denormal) to "+Infinity%"; no output format may say Infinity.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { report } from './in-process-cli.js';

const BAKERY = join(import.meta.dirname, 'sweep', 'bakery.yaml');
let base: Report;
const dir = mkdtempSync(join(tmpdir(), 'archsim-baseline-absurd-'));

beforeAll(async () => {
  const r = await report([BAKERY, '--no-faults', '--format', 'json']);
  expect(r.code).toBe(0);
  base = JSON.parse(r.stdout) as Report;
});

const edited = (name: string, edit: (b: Report) => void): string => {
  const b = structuredClone(base);
  edit(b);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(b, null, 2));
  return file;
};

const LATENCY = 'a latency above 1e9 ms (11.6 days) or a positive one below 1e-9; no report holds one (a damaged or edited baseline?)';
const OTHER = 'a figure above 1e12 or a positive one below 1e-9; no report holds one (a damaged or edited baseline?)';

describe('a baseline with absurd figures', () => {
  const cases: [string, (b: Report) => void, string][] = [
    ['a p95 of 1.7e308 ms', (b) => (b.layouts[0]!.operations[0]!.p95Ms = 1.7e308), `layouts[0].operations[0].p95Ms: ${LATENCY}`],
    ['a denormal p95', (b) => (b.layouts[0]!.operations[0]!.p95Ms = 5e-324), `layouts[0].operations[0].p95Ms: ${LATENCY}`],
    ['a mean of 2e9 ms', (b) => (b.layouts[1]!.operations[0]!.meanMs = 2e9), `layouts[1].operations[0].meanMs: ${LATENCY}`],
    ['a bill of $1e300', (b) => (b.layouts[0]!.cost.monthlyUsd = 1e300), `layouts[0].cost.monthlyUsd: ${OTHER}`],
    ['a throughput of 1e13/s', (b) => (b.layouts[1]!.saturation.throughputRps = 1e13), `layouts[1].saturation.throughputRps: ${OTHER}`],
    ['a workload rate of 1e308/s', (b) => (b.workload.rateRps = 1e308), `workload.rateRps: ${OTHER}`],
  ];
  for (const [what, edit, message] of cases) {
    it(`${what}: refused in one positioned line, exit 2`, async () => {
      const file = edited(`${what.replace(/[ /$]/g, '-')}.json`, edit);
      for (const format of ['md', 'json', 'html']) {
        const r = await report([BAKERY, '--no-faults', '--format', format, '--baseline', file]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]!.startsWith(`${file}:`)).toBe(true);
        expect(lines[0]!.replace(/^.*?:\d+:\d+: /, '')).toBe(message);
        expect(lines[0]!.slice(file.length)).not.toMatch(/Infinity|e\+?308|5e-324/);
      }
    });
  }

  it('figures at the edges of the range still read: 1e9 ms, 1e-9 ms, 0', () => {
    const b = structuredClone(base);
    b.layouts[0]!.operations[0]!.p95Ms = 1e9;
    b.layouts[0]!.operations[0]!.p50Ms = 1e-9;
    b.layouts[0]!.operations[0]!.meanMs = 0;
    expect(parseBaseline(JSON.stringify(b), 'b.json', 'bakery').ok).toBe(true);
  });
});
