// analytic.ts, for the survivors of its first mutation run (lines 1–150, reports/BENCHMARKS.md,
// issue 20): one replica under round-robin keeps its arrivals' variability (it is the pooled
// queue, not an Erlang-R stream), and the autoscaling warning's target in words for each metric.
// Milliseconds: no simulation.
import { describe, expect, it } from 'vitest';
import { analyze, AUTOSCALE_MARK, queueOf } from '../../src/simulate/analytic.js';
import { queue } from './builder.js';

describe('queueOf: one replica under round-robin', () => {
  it('is the M/M/c queue scaled by (ca² + cs²)/2 with its own ca², not an Erlang-R stream (ca² 1/R = 1)', () => {
    // 1 server, 0.05 visits/ms of 10 ms: a = 0.5, P(wait) 0.5, θ 0.05; ca² 0.5, cs² 1: k = 0.75
    const q = queueOf(1, 1, 0.05, 10, 1, 'round-robin', 0.5);
    expect(q.pWait).toBeCloseTo(0.5, 12);
    expect(q.theta).toBeCloseTo(0.05, 12);
    expect(q.k).toBeCloseTo(0.75, 12);
    // two servers: Erlang C(2, 1) = 1/3, θ 2/10 − 0.1, the same k
    const two = queueOf(1, 2, 0.1, 10, 1, 'round-robin', 0.5);
    expect(two.pWait).toBeCloseTo(1 / 3, 12);
    expect(two.theta).toBeCloseTo(0.1, 12);
    expect(two.k).toBeCloseTo(0.75, 12);
  });
});

describe('the autoscaling warning names each unit’s target', () => {
  const scaled = (autoscale: Record<string, unknown>) => {
    const r = analyze(queue({ mean: 10, replicas: 2 }), 'one', {
      rate: 50,
      mix: { 'a.op': 1 },
      compileOptions: { autoscale: { ua: { min: 1, max: 4, targetUtilization: 0.6, scaleUpDelay: 30_000, coldStart: 10_000, ...autoscale } as never } },
    });
    return r.warnings.find((w) => w.includes(AUTOSCALE_MARK))!;
  };

  it('CPU at its utilization target, even with a target number; another metric with its target; another metric without one falls back to CPU', () => {
    expect(scaled({ metric: 'cpu', target: 100 })).toContain('(ua: 2 of 1–4 on 60% CPU)');
    expect(scaled({ metric: 'requests', target: 50 })).toContain('(ua: 2 of 1–4 on 50 requests a replica)');
    expect(scaled({ metric: 'connections' })).toContain('(ua: 2 of 1–4 on 60% CPU)');
  });
});
