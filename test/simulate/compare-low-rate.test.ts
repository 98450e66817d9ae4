// compare's "Latency per operation: mean … (no queueing)" column is taken at a rate light for every
// compared layout (compare.ts lowLoadRate: a power of ten at most a millionth of the lowest mix
// saturation rate, at most 1/s), and the header and the JSON say which. At a fixed 1/s a system
// that saturates at 0.909/s had no mean ("-"), and one that saturates at 3.6/s showed the 0.3 ms
// reports.status at 256.1 ms (queued behind 1.1 s reports at ρ≈0.28) beside a 1.78 ms p95.
import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../src/cli/render-sim.js';
import { compare, lowLoadRate } from '../../src/simulate/compare.js';
import { REPORTER, SINGLE_WORKLOAD } from './reporter.js';

const SINGLE = () => REPORTER(SINGLE_WORKLOAD);
const SLOWJOB = () => REPORTER('  rate: 0.1/s\n  duration: 1h\n  mix: { reports.generate: 1 }');

const block = (text: string, head: string) => {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(head));
  return lines.slice(at, lines.indexOf('', at));
};

describe('compare: the no-queueing means at a rate light for the compared layouts', () => {
  it('a layout saturating at 0.909/s: its mean at 0.0000001/s, a finite figure (was "-" at 1/s, past saturation)', () => {
    const c = compare(SLOWJOB(), ['only'], { scenarios: [] });
    expect(c.lowRate).toBe(1e-7);
    expect(c.lowLoad.map((r) => r.workload.rate)).toEqual([1e-7]);
    expect(block(renderComparison(c), 'Latency per operation')).toEqual([
      'Latency per operation: mean with no load (no queueing), p95 at 0.1/s, ms',
      'operation         only mean  only p95  why',
      '----------------  ---------  --------  ---',
      'reports.generate       1123      2365  –',
    ]);
  });

  it('a layout saturating at 3.6/s: reports.status 0.80 ms with no queueing (was 256.1 ms at 1/s), at 0.000001/s', () => {
    const c = compare(SINGLE(), ['only'], { scenarios: [] });
    expect(c.lowRate).toBe(1e-6);
    expect(c.lowLoad[0]!.workload.rate).toBe(1e-6);
    // its mean is its work alone: 0.3 ms of CPU and one read, no wait behind reports.generate
    expect(c.operations.find((o) => o.id === 'reports.status')!.mean.only).toBeCloseTo(0.8, 2);
    expect(block(renderComparison(c), 'Latency per operation')).toEqual([
      'Latency per operation: mean with no load (no queueing), p95 at 0.01/s, ms',
      'operation         only mean  only p95  why',
      '----------------  ---------  --------  ---',
      'reports.generate       1123      2097  –',
      'reports.status         0.80      1.78  –',
    ]);
  });

  it('the rate: a power of ten at most a millionth of the lowest saturation rate, at most 1/s; 1/s where nothing saturates', () => {
    expect(lowLoadRate([3.63])).toBe(1e-6);
    expect(lowLoadRate([0.909])).toBe(1e-7);
    expect(lowLoadRate([608, 1031])).toBe(1e-4);
    expect(lowLoadRate([1031, 608])).toBe(1e-4);
    expect(lowLoadRate([1000])).toBe(0.001);
    expect(lowLoadRate([999_999])).toBe(0.1);
    expect(lowLoadRate([1e6])).toBe(1);
    expect(lowLoadRate([5e7])).toBe(1);
    expect(lowLoadRate([Infinity])).toBe(1);
    expect(lowLoadRate([])).toBe(1);
    expect(lowLoadRate([Infinity, 0.909])).toBe(1e-7);
    // an explicit lowRate is kept
    expect(compare(SINGLE(), ['only'], { scenarios: [], lowRate: 0.5 }).lowRate).toBe(0.5);
  });

  it('compare\'s notes spell the saturation rate as the table does: "3.6/s", not "4/s"', () => {
    const text = renderComparison(compare(SINGLE(), ['only'], { scenarios: [] }));
    expect(block(text, 'Max sustainable throughput')).toEqual([
      'Max sustainable throughput (where the first station reaches ρ=1), req/s',
      'layout  workload mix  reports.status only  reports.generate only  bottleneck',
      '------  ------------  -------------------  ---------------------  ----------',
      'only             3.6                 2000                  0.909  worker',
      '  only: worker (unit, 1 server) does 275.2 ms of work per request of the mix → saturates at 3.6/s',
      '  only: reports.status alone: 2000/s, limited by db (0.50 ms per request on 1 server)',
      '  only: reports.generate alone: 0.909/s, limited by worker (1100.0 ms per request on 1 server)',
    ]);
  });
});
