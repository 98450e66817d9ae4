// The rehearsal's summary says which canary steps went unjudged because the host, not the
// extraction, could not carry the rate (the old route over budget in the same seconds) (pure).
import { describe, expect, it } from 'vitest';
import { unjudgedLine } from '../../src/rehearse/runner.js';

const over = (d: string) => ({ description: d, why: 'both over', cause: 'old-route-over' as const });
const few = (d: string) => ({ description: d, why: '7 latencies', cause: 'too-few' as const });

describe('unjudgedLine', () => {
  it('is null when every step was judged, or only had too few latencies', () => {
    expect(unjudgedLine([{ phase: 1 }, { phase: 2, notJudged: [] }, { phase: 3, notJudged: [few('p95 of a.b')] }])).toBeNull();
  });

  it('counts the steps and names their phases once each, in order', () => {
    const steps = [{ phase: 9, notJudged: [over('p95 of auth.login')] }, { phase: 7, notJudged: [over('p95 of messages.send'), few('p95 of x')] }, { phase: 7, notJudged: [over('p95 of messages.send')] }, { phase: 8 }];
    expect(unjudgedLine(steps)).toBe(
      'p95 budgets not judged in 3 canary steps (phases 7, 9): the old route was over budget in the same seconds, so the host could not carry this rate; at a lower --rate those steps are judged',
    );
    // A step watched again at a lower rate is not counted: its re-watch (the next step) is.
    expect(unjudgedLine([{ phase: 7, notJudged: [over('p95 of a.b')], rewatchedAtRps: 70 }, { phase: 7 }])).toBeNull();
    expect(unjudgedLine([{ phase: 4, notJudged: [over('p95 of a.b')] }])).toBe(
      'p95 budgets not judged in 1 canary step (phase 4): the old route was over budget in the same seconds, so the host could not carry this rate; at a lower --rate those steps are judged',
    );
  });
});
