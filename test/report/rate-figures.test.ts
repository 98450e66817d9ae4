// Rates in the Markdown/HTML report by the one rule the simulate and compare tables use
// (words.ts rateRound: whole from 100/s, one decimal from 1/s, three significant digits below).
// The report rounded every rate to a whole number: "Workload: 0/s" at 0.01/s, "saturates at 4/s"
// at 3.63/s and "1/s" for 0.909/s; and "Workload: 1/s" at --rate 0.5.
import { describe, expect, it } from 'vitest';
import { formatDelta, formatFigure } from '../../src/report/figures.js';
import { renderReport, runReport } from '../../src/report/run.js';
import type { Blueprint } from '../../src/model/schema.js';
import { REPORTER, SINGLE_WORKLOAD } from '../simulate/reporter.js';

const run = (b: Blueprint, rate?: number) => runReport(b, { file: 'single.yaml', generator: 'archsim test', layouts: ['only'], scenarios: [], loadtests: [], points: 4, ...(rate !== undefined ? { rate } : {}) });
const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l));

describe('report rates', () => {
  it('a small system (/tmp/unseen4/single.yaml at 0.01/s): its rates as the tables show them', () => {
    const r = run(REPORTER(SINGLE_WORKLOAD));
    const md = renderReport('md', r);
    expect(lines(md, /^Workload: /).map((l) => l.slice(0, 46))).toEqual(["Workload: 0.01/s of the blueprint's mix. Laten"]);
    expect(lines(md, /^\*\*only\*\*: saturates/)).toEqual(['**only**: saturates at 3.6/s (bottleneck worker), $15.50 per month. ✅ all 1 budgets met.']);
    expect(lines(md, /^\| max throughput/)).toEqual(['| max throughput (workload mix) | 3.6/s (worker) |', '| max throughput, reports.status alone | 2000/s |', '| max throughput, reports.generate alone | 0.909/s |']);
    expect(lines(md, /^\| reports\.(generate|status) \|/).map((l) => l.split(' | ').at(-1))).toEqual(['0.909/s |', '2000/s |']);
    expect(r.report.summary).toBe('only: saturates at 3.6/s (bottleneck worker), $15.50 per month. ✅ all 1 budgets met.');
    // The JSON keeps three significant digits below 1/s (it kept 0.91), to the cent above.
    expect(r.report.layouts[0]!.operations.map((o) => o.maxThroughputRps)).toEqual([0.909, 2000]);
    expect(r.report.layouts[0]!.saturation.throughputRps).toBe(3.63);
    expect(r.report.workload.rateRps).toBe(0.01);
    // The HTML page says the same.
    const html = renderReport('html', r);
    expect(html).toContain('Workload: 0.01/s of the blueprint');
    expect(html).toContain('saturates at 3.6/s');
    expect(html).not.toMatch(/saturates at 4\/s|Workload: 0\/s/);
  });

  it('--rate 0.5 on a closed workload (/tmp/unseen4/closed.yaml): "Workload: 0.5/s", not "1/s"', () => {
    const r = run(REPORTER('  users: 5\n  thinkTime: 2s\n  duration: 1h\n  mix: { reports.generate: 1, reports.status: 3 }'), 0.5);
    expect(lines(renderReport('md', r), /^Workload: /).map((l) => l.slice(0, 34))).toEqual(["Workload: 0.5/s of the blueprint's"]);
  });

  it('formatFigure and formatDelta: one rule, with a budget\'s decimals on top', () => {
    expect([0.01, 0.5, 0.909, 0.0667, 3.63, 12.5, 80, 1230.769, 0].map((v) => formatFigure(v, '/s'))).toEqual(['0.01/s', '0.5/s', '0.909/s', '0.0667/s', '3.6/s', '12.5/s', '80/s', '1231/s', '0/s']);
    expect(formatFigure(1230.769, '/s', 2)).toBe('1230.77/s');
    expect(formatFigure(3.634, '/s', 2)).toBe('3.63/s');
    expect(formatFigure(Infinity, '/s')).toBe('unlimited');
    expect([0.909, -3.63, 250.4].map((v) => formatDelta(v, '/s'))).toEqual(['+0.909/s', '−3.6/s', '+250/s']);
  });
});
