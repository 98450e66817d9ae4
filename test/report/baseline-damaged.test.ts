// A damaged baseline is refused in one positioned line, exit 2, without its values (sweep item
// 7): a negative p95 gave "+76 ms (+1519.4%)"; a layout listed twice was silently read as its
// first entry and an operation listed twice as its last.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/report/baseline.js';
import type { Report } from '../../src/report/schema.js';
import { report } from './in-process-cli.js';

const BAKERY = join(import.meta.dirname, 'sweep', 'bakery.yaml');
let base: Report;
const dir = mkdtempSync(join(tmpdir(), 'archsim-baseline-damaged-'));

beforeAll(async () => {
  const r = await report([BAKERY, '--no-faults', '--format', 'json']);
  expect(r.code).toBe(0);
  base = JSON.parse(r.stdout) as Report;
});

const damaged = (name: string, edit: (b: Report) => void): string => {
  const b = structuredClone(base);
  edit(b);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(b, null, 2));
  return file;
};

describe('a damaged baseline', () => {
  const cases: [string, (b: Report) => void, string][] = [
    ['a negative p95', (b) => (b.layouts[0]!.operations[0]!.p95Ms = -4.987), 'layouts[0].operations[0].p95Ms: a negative figure; no report holds one (a damaged or edited baseline?)'],
    ['a negative cost', (b) => (b.layouts[1]!.cost.monthlyUsd = -4.987), 'layouts[1].cost.monthlyUsd: a negative figure; no report holds one (a damaged or edited baseline?)'],
    ['a negative workload rate', (b) => (b.workload.rateRps = -4.987), 'workload.rateRps: a negative figure; no report holds one (a damaged or edited baseline?)'],
    ['a layout listed twice', (b) => b.layouts.push(structuredClone(b.layouts[0]!)), 'layouts[2].name: a second entry for the same layout; a report lists each layout once (a damaged or edited baseline?)'],
    ['an operation listed twice', (b) => b.layouts[0]!.operations.push({ ...b.layouts[0]!.operations[0]!, p95Ms: 4.987 }), 'layouts[0].operations[3].id: a second entry for the same operation; a report lists each operation once (a damaged or edited baseline?)'],
    ['a station listed twice', (b) => b.layouts[1]!.stations.push({ ...b.layouts[1]!.stations[0]!, utilization: 0.4987 }), `layouts[1].stations[STATIONS].id: a second entry for the same station; a report lists each station once (a damaged or edited baseline?)`],
    ['a unit listed twice', (b) => b.layouts[1]!.structure.units.push({ ...b.layouts[1]!.structure.units[0]!, replicas: 4987 }), `layouts[1].structure.units[UNITS].name: a second entry for the same unit; a report lists each unit once (a damaged or edited baseline?)`],
  ];
  for (const [what, edit, template] of cases) {
    it(`${what}: refused in one positioned line, exit 2, its value not quoted`, async () => {
      // the pushed entry's place: after the layout's own
      const message = template.replace('STATIONS', String(base.layouts[1]!.stations.length)).replace('UNITS', String(base.layouts[1]!.structure.units.length));
      const file = damaged(`${what.replace(/ /g, '-')}.json`, edit);
      const r = await report([BAKERY, '--no-faults', '--baseline', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
      expect(lines[0]!.replace(/^.*?:\d+:\d+: /, '')).toBe(message);
      expect(r.stderr).not.toContain('4.987');
    });
  }

  it('an undamaged baseline reads, and a report’s own negative changes are not damage', () => {
    const b = structuredClone(base);
    b.baseline = { file: 'old.json', changes: [{ layout: 'micro', figure: 'cost.monthly', before: 20, after: 10, delta: -10, pct: -50, unit: 'USD', text: '', causes: [] }] };
    expect(parseBaseline(JSON.stringify(b), 'b.json', 'bakery').ok).toBe(true);
  });
});
