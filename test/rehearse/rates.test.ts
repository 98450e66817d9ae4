// The rehearsal's rate per phase (pure): each phase at the requested share of its own capacity
// expected on this host, never raised; the live check's evidence (budgets broken before a
// canary step) and its lowering steps.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { ANSWERED_SHARE, BACKLOG_WAIT_MS, behindSchedule, measuredCapacity, LOWER_FACTOR, lowerRate, MAX_LOWERINGS, MIN_RATE, nextRateStep, overBudget, phaseRates, predictedOnHost, rateLine } from '../../src/rehearse/rates.js';
import { MIN_P95_SAMPLES, type Trigger } from '../../src/rehearse/steps.js';

const phases = [
  { phase: 1, layout: 'phase-1', predictedRps: 608 },
  { phase: 2, layout: 'phase-2', predictedRps: 525.2 },
  { phase: 7, layout: 'phase-7', predictedRps: 488 },
  { phase: 9, layout: 'phase-9', predictedRps: null },
];

describe('phaseRates', () => {
  it('a share: that share of each phase’s expected capacity (the lower of its layout and the one before, scaled by measured/predicted), never raised', () => {
    const r = phaseRates({ rate: { fraction: 0.5 }, startRps: 182.4, measuredFromRps: 364.8, predictedFromRps: 608, cores: 2, phases });
    expect(r.map((x) => [x.phase, x.predictedRps, x.expectedRps, x.rateRps])).toEqual([
      [1, 608, 364.8, 182.4],
      [2, 525.2, 315.1, 157.6],
      [7, 488, 292.8, 146.4],
      // no prediction of its own: the previous layout's stands in (it runs from there)
      [9, null, 292.8, 146.4],
    ]);
    expect(r[1]!.why).toBe("50% of 315.1/s, the capacity expected on this host (the model on 2 shared cores: 525.2/s, the lower of this phase's layout and the one before; the model's 608/s for the from layout against 364.8/s measured: ×0.6)");
    expect(r.every((x) => x.warning === undefined && x.lowered === undefined)).toBe(true);
  });

  it('a share whose expected capacity rises keeps the previous rate, and says why', () => {
    const r = phaseRates({ rate: { fraction: 0.5 }, startRps: 100, measuredFromRps: 200, predictedFromRps: 400, cores: 2, phases: [{ phase: 1, layout: 'p1', predictedRps: 300 }, { phase: 2, layout: 'p2', predictedRps: 900 }, { phase: 3, layout: 'p3', predictedRps: 900 }] });
    expect(r.map((x) => x.rateRps)).toEqual([75, 75, 75]);
    // phase 3 runs from 900 to 900: expected 450, half of it 225, above 75
    expect(r[2]!.why).toMatch(/^75\/s as before: 50% of 450\/s, .* would be 225\/s, and a rate is never raised$/);
    // a share that would fall under 1/s stops there
    expect(phaseRates({ rate: { fraction: 0.01 }, startRps: 5, measuredFromRps: 500, predictedFromRps: 500, cores: 2, phases: [{ phase: 1, layout: 'p', predictedRps: 10 }] })[0]!.rateRps).toBe(MIN_RATE);
  });

  it('a share with no prediction keeps the rate and says so', () => {
    const r = phaseRates({ rate: { fraction: 0.5 }, startRps: 40, measuredFromRps: 80, predictedFromRps: null, cores: 2, phases: [{ phase: 1, layout: 'p', predictedRps: null }] });
    expect(r).toEqual([{ phase: 1, layout: 'p', predictedRps: null, expectedRps: null, rateRps: 40, why: "40/s as before: no prediction of this phase's capacity on this host to fit the rate to" }]);
  });

  it('a fixed rate is kept, with a warning for each phase the model puts below it (unscaled), at the boundary none', () => {
    const r = phaseRates({ rate: { rps: 300 }, startRps: 300, predictedFromRps: 608, cores: 2, phases: [{ phase: 1, layout: 'p1', predictedRps: 300 }, { phase: 2, layout: 'p2', predictedRps: 299.9 }, { phase: 3, layout: 'p3', predictedRps: 400 }] });
    expect(r.map((x) => [x.rateRps, x.expectedRps, x.why])).toEqual([
      [300, null, 'the fixed --rate 300/s'],
      [300, null, 'the fixed --rate 300/s'],
      [300, null, 'the fixed --rate 300/s'],
    ]);
    expect(r[0]!.warning).toBeUndefined();
    expect(r[1]!.warning).toBe("phase 2 (p2): the model puts its capacity on this host's 2 cores at 299.9/s, below the fixed 300/s (nothing measured to scale it by: a share such as --rate 50% fits each phase's rate to its capacity); its canary may run over capacity and its p95 budgets go unjudged");
    // phase 3 runs from p2's 299.9 to p3's 400: the lower one
    expect(r[2]!.warning).toMatch(/^phase 3 \(p3\): .* at 299\.9\/s, below the fixed 300\/s/);
  });
});

describe('overBudget', () => {
  const t = (op: string, aboveMs: number): Trigger => ({ kind: 'p95', op, aboveMs, description: `p95 of ${op}` });
  const triggers: Trigger[] = [t('a.b', 150), t('a.b', 100), t('c.d', 50), t('g.h', 30), { kind: 'error-rate', unit: 'u', above: 0.01, description: 'errors' }];
  it('names each operation over its tightest budget from 20 latencies on, sorted; at the budget or with 19 latencies, none', () => {
    const w = { ops: { 'c.d': { requests: 40, errors: 0, p95: 60, samples: 19 }, 'a.b': { requests: 30, errors: 0, p95: 120, samples: 20 }, 'g.h': { requests: 30, errors: 0, p95: 30, samples: 30 }, 'e.f': { requests: 99, errors: 0, p95: 9999, samples: 99 } } };
    expect(overBudget(triggers, w)).toEqual([{ op: 'a.b', p95: 120, budget: 100, samples: 20 }]);
    expect(overBudget(triggers, { ops: { ...w.ops, 'c.d': { requests: 40, errors: 0, p95: 50.01, samples: 20 } } }).map((x) => x.op)).toEqual(['a.b', 'c.d']);
    expect(overBudget(triggers, { ops: { 'a.b': { requests: 30, errors: 0, p95: null, samples: 0 } } })).toEqual([]);
  });
});

describe('lowerRate', () => {
  it('takes 70% to a tenth, never below 1/s, and null once it cannot go lower', () => {
    expect(LOWER_FACTOR).toBe(0.7);
    expect(MAX_LOWERINGS).toBe(3);
    expect(lowerRate(100)).toBe(70);
    expect(lowerRate(10.1)).toBe(7.1);
    expect(lowerRate(1.4)).toBe(1);
    expect(lowerRate(1)).toBeNull();
  });
});

describe('rateLine', () => {
  it('says the rate a phase ran at, why, each lowering and a warning', () => {
    expect(rateLine({ phase: 7, layout: 'phase-7', predictedRps: 488, expectedRps: 292.8, rateRps: 146.4, why: 'w', lowered: [{ fromRps: 146.4, toRps: 102.5, why: 'x over' }], ranAtRps: 102.5 })).toBe('phase 7 (phase-7): 102.5/s: w; lowered before its first canary step: 146.4 → 102.5/s (x over)');
    expect(rateLine({ phase: 2, layout: 'p', predictedRps: null, expectedRps: null, rateRps: 40, why: 'the fixed --rate 40/s', warning: 'W', ranAtRps: 40 })).toBe('phase 2 (p): 40/s: the fixed --rate 40/s; WARNING: W');
    // never reached: only its planned rate
    expect(rateLine({ phase: 8, layout: 'phase-8', predictedRps: 485.8, expectedRps: 94.8, rateRps: 47.4, why: 'w' })).toBe('phase 8 (phase-8): planned 47.4/s, not reached: w');
    // a rate as the user gave it (--rate 1k/min) reads to one decimal, as every rate of the line
    expect(rateLine({ phase: 2, layout: 'p', predictedRps: null, expectedRps: null, rateRps: 1000 / 60, why: 'w', ranAtRps: 1000 / 60 })).toBe('phase 2 (p): 16.7/s: w');
    expect(rateLine({ phase: 3, layout: 'q', predictedRps: null, expectedRps: null, rateRps: 1000 / 60, why: 'w' })).toBe('phase 3 (q): planned 16.7/s, not reached: w');
  });
});

describe('predictedOnHost', () => {
  it('is the shared-host model’s saturation rate: lower on 1 core than on 2, and null for a layout it cannot solve', () => {
    const { blueprint } = loadBlueprint('blueprints/quantchat.yaml');
    const two = predictedOnHost(blueprint, 'microservices', 2)!;
    const one = predictedOnHost(blueprint, 'microservices', 1)!;
    expect(two).toBeGreaterThan(0);
    expect(one).toBeLessThan(two);
    expect(predictedOnHost(blueprint, 'no-such-layout', 2)).toBeNull();
  });
});

describe('nextRateStep', () => {
  const base = { share: true, rateRps: 100, evidenceRps: 100, overBudget: 1, lowered: 0 };
  it('holds when nothing is over budget, whatever the evidence’s rate', () => {
    expect(nextRateStep({ ...base, overBudget: 0 })).toEqual({ kind: 'hold' });
    expect(nextRateStep({ ...base, overBudget: 0, evidenceRps: 150 })).toEqual({ kind: 'hold' });
  });
  it('measures this rate when the evidence was over budget at a higher one (at an equal one it lowers)', () => {
    expect(nextRateStep({ ...base, evidenceRps: 100.1 })).toEqual({ kind: 'measure' });
    expect(nextRateStep({ ...base, evidenceRps: 100, share: false })).toEqual({ kind: 'warn' });
  });
  it('lowers a share up to MAX_LOWERINGS times, then gives up; gives up at the lowest rate', () => {
    expect(nextRateStep({ ...base, lowered: 2 })).toEqual({ kind: 'lower', toRps: 70 });
    expect(nextRateStep({ ...base, lowered: 3 })).toEqual({ kind: 'give-up' });
    expect(nextRateStep({ ...base, rateRps: 1, evidenceRps: 1 })).toEqual({ kind: 'give-up' });
  });
});

describe('measuredCapacity (a phase’s capacity from the CPU the layout in place took)', () => {
  it('is the cores over the CPU a request, times the model’s ratio of the two layouts, at most 1', () => {
    // 8 ms a request on 2 cores: 250/s; the next layout 488.1 against 512.2 predicted.
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.008, cores: 2, predictedRps: 488.1, predictedPrevRps: 512.2 })).toBeCloseTo((250 * 488.1) / 512.2, 9);
    // A layout the model puts above the one in place is not raised above what was measured.
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.008, cores: 2, predictedRps: 600, predictedPrevRps: 500 })).toBe(250);
    // No prediction for either: the measured figure alone.
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.004, cores: 4, predictedRps: null, predictedPrevRps: 500 })).toBe(1000);
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.004, cores: 4, predictedRps: 300, predictedPrevRps: null })).toBe(1000);
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.004, cores: 4, predictedRps: 300, predictedPrevRps: 0 })).toBe(1000);
    // Nothing measured: null.
    expect(measuredCapacity({ cpuSecondsPerRequest: 0, cores: 2, predictedRps: 1, predictedPrevRps: 1 })).toBeNull();
    expect(measuredCapacity({ cpuSecondsPerRequest: Number.NaN, cores: 2, predictedRps: 1, predictedPrevRps: 1 })).toBeNull();
    expect(measuredCapacity({ cpuSecondsPerRequest: 0.01, cores: 0, predictedRps: 1, predictedPrevRps: 1 })).toBeNull();
  });
});

describe('behindSchedule (a rate check’s window with its answers still owed)', () => {
  it('is behind below 95% of the due requests answered, from 20 due on', () => {
    expect([BACKLOG_WAIT_MS, ANSWERED_SHARE]).toEqual([6000, 0.95]);
    // 166/s over 2.5 s: 415 due, 95% of it 394.25: 395 answered is on schedule, 394 behind.
    expect(behindSchedule(395, 415)).toBe(false);
    expect(behindSchedule(394, 415)).toBe(true);
    // The 2026-12-01 23:53 window: a backlog of seconds, a handful answered.
    expect(behindSchedule(3, 415)).toBe(true);
    expect(behindSchedule(415, 415)).toBe(false);
    // Too few due to say anything (a low rate): never behind.
    expect(behindSchedule(0, MIN_P95_SAMPLES - 0.5)).toBe(false);
    expect(behindSchedule(0, MIN_P95_SAMPLES)).toBe(true);
    expect(behindSchedule(19, 20)).toBe(false);
  });
});
