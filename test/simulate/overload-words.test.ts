// The DES's words for a line a scenario's failure built (failureBacklogWarning) and what a
// command that shows no warnings keeps of overload (overloadNotes), on samples given by hand.
import { describe, expect, it } from 'vitest';
import { failureBacklogWarning, overloadNotes, PROFILE_PEAK_MARK, saturatedWarning } from '../../src/simulate/overload.js';

// sample i at (i + 1) s of the run
const at = (i: number) => (i + 1) * 1000;

describe('failureBacklogWarning', () => {
  it('no samples, or a line under the threshold above its base: nothing to say', () => {
    expect(failureBacklogWarning([], 100, 10, at)).toBeUndefined();
    // threshold: a second at 100/s = 100 requests; 5 → 104 is 99 above
    expect(failureBacklogWarning([5, 104, 5], 100, 10, at)).toBeUndefined();
    // (counts said to two significant figures)
    expect(failureBacklogWarning([5, 105, 5], 100, 10, at)).toMatch(/^under the scenario's failures the backlog reached 110 requests in the system at 2 s of the run, from 5 before it built/);
    // never under the floor: at 1/s the threshold is the floor's 50
    expect(failureBacklogWarning([0, 49, 0], 1, 50, at)).toBeUndefined();
    expect(failureBacklogWarning([0, 50, 0], 1, 50, at)).toBeDefined();
  });

  it('the base is the lowest sample up to the peak, not one after it; drained at the first sample back within half the threshold', () => {
    // peak 300 at sample 2 (3 s); base min(40, 20, 300) = 20, not the 0 after it; 69 is within 50 of 20 at sample 4
    expect(failureBacklogWarning([40, 20, 300, 120, 69, 0], 100, 10, at)).toBe(
      "under the scenario's failures the backlog reached 300 requests in the system at 3 s of the run, from 20 before it built, and had drained by 5 s: the layout served less than the offered load while failing, so requests queued and the latencies above include that wait (the fault rows show each failure's own)",
    );
  });

  it('a line still up at the window’s end says how many were left in it', () => {
    expect(failureBacklogWarning([10, 400, 350, 200], 100, 10, at)).toBe(
      "under the scenario's failures the backlog reached 400 requests in the system at 2 s of the run, from 10 before it built, and 200 requests were still in it at the window's end: the layout served less than the offered load while failing, so requests queued and the latencies above include that wait (the fault rows show each failure's own)",
    );
  });
});

describe('overloadNotes', () => {
  it('the saturation at the rate and the load profile’s peak warning, no other warning', () => {
    const peak = `${PROFILE_PEAK_MARK} at 1200/s, above …`;
    expect(overloadNotes({ saturated: { station: 'web', utilization: 1.26 }, warnings: ['replicas share work by least connections …', peak] })).toEqual([saturatedWarning({ station: 'web', utilization: 1.26 }), peak]);
    expect(overloadNotes({ warnings: ['something else'] })).toEqual([]);
  });
});
