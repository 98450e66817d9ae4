// The analytic method applies no call timeouts: where a call's path, as solved, runs past its
// timeout, the result says so in a named approximation note (analytic.ts timeoutNotes), which
// compare, sweep and report repeat. The case of /work/unseen7/ridehail.yaml: three calls a
// request, each with a 5 s timeout, to an operation that waits 4 s (exponential) on something
// outside: the analytic mean was 12 s and its p99 33.6 s with no error, unsaid.
import { describe, expect, it } from 'vitest';
import { analyze, namedApproximations } from '../../src/simulate/analytic.js';
import { compare } from '../../src/simulate/compare.js';
import { sweepAnalytic } from '../../src/simulate/sweep.js';
import { bp } from './helpers.js';

const blueprint = (call: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: to }
system:
  domains:
    a:
      operations:
        ride: { route: POST /rides, cpu: { dist: const, mean: 1ms }, calls: [${call}] }
        other: { route: GET /other, cpu: { dist: const, mean: 1ms } }
    b:
      operations:
        offer: { internal: true, cpu: { dist: const, mean: 0.3ms }, wait: 4s }
workload: { rate: 1/s, mix: { a.ride: 1, a.other: 1 } }
layouts:
  one:
    units: { u: { domains: "*", port: 8000, instance: box, workers: 4 } }
  two:
    units:
      ua: { domains: [a], port: 8001, instance: box, workers: 4 }
      ub: { domains: [b], port: 8002, instance: box, workers: 4 }
catalog:
  box: { vcpu: 4, usdPerMonth: $1 }
`);

const NOTE =
  "analytic: a.ride: its 3 calls to b.offer each have a 5s timeout (no retries: 1 attempt) that the analytic method does not apply: the callee path's p99 as solved (a gamma fit of its mean and variance) is 18.4s (mean 4s; that fit puts 28.7% of these calls past 5s), so a.ride's latencies here are the no-timeout figures and no request counts as timed out or failed; --method des applies timeouts and retries";

const timeoutNotes = (ws: string[]) => ws.filter((w) => w.includes('that the analytic method does not apply'));

describe('a call timeout the analytic method does not apply', () => {
  it('is named where the callee path runs past it: one note per operation and call, with the figures it rests on', () => {
    const r = analyze(blueprint('{ op: b.offer, count: 3, timeout: 5s }'), 'one');
    expect(timeoutNotes(r.warnings)).toEqual([NOTE]);
    // a named approximation: what compare, sweep and report repeat
    expect(timeoutNotes(namedApproximations(r))).toEqual([NOTE]);
    // the figures are still the no-timeout ones (three 4 s waits: a 12 s mean), no error
    const ride = r.operations.find((o) => o.id === 'a.ride')!;
    expect(ride.latency.mean).toBeGreaterThan(12_000);
    expect(ride.errors).toBe(0);
  });

  it('between units the hops and serialization are part of the path; retries and a single call are said as such', () => {
    const r = analyze(blueprint('{ op: b.offer, timeout: 5s, retries: 2, backoff: 10ms }'), 'two');
    expect(timeoutNotes(r.warnings)).toEqual([
      "analytic: a.ride: its call to b.offer has a 5s timeout (2 retries, backoff 10ms doubling: 3 attempts) that the analytic method does not apply: the callee path's p99 as solved (a gamma fit of its mean and variance) is 18.4s (mean 4s; that fit puts 28.7% of these calls past 5s), so a.ride's latencies here are the no-timeout figures and no request counts as timed out or failed; --method des applies timeouts and retries",
    ]);
  });

  it('is not said where the path stays within the timeout, nor where no call has one', () => {
    // p99 18.4 s against 20 s: within it
    expect(timeoutNotes(analyze(blueprint('{ op: b.offer, count: 3, timeout: 20s }'), 'one').warnings)).toEqual([]);
    expect(timeoutNotes(analyze(blueprint('{ op: b.offer, count: 3 }'), 'one').warnings)).toEqual([]);
    // a policy without a timeout frames the call too, and says nothing
    expect(timeoutNotes(analyze(blueprint('{ op: b.offer, retries: 2 }'), 'one').warnings)).toEqual([]);
  });

  it('reaches compare (once per layout and call, the no-load means included) and sweep', () => {
    const b = blueprint('{ op: b.offer, count: 3, timeout: 5s }');
    const c = compare(b, ['one', 'two'], { scenarios: [] });
    const notes = timeoutNotes(c.notes);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toBe(`one at 1/s: ${NOTE}`);
    expect(notes[1]!.startsWith("two at 1/s: analytic: a.ride: its 3 calls to b.offer each have a 5s timeout (no retries: 1 attempt) that the analytic method does not apply: the callee path's p99 as solved")).toBe(true);
    expect(timeoutNotes(sweepAnalytic(b, 'one', [1, 2]).notes ?? [])).toEqual([NOTE]);
  });

  it('is said of compare’s no-load means where its figures at the rate come from the DES', () => {
    // on a shared host compare takes the figures at the rate from the DES (at-rate.ts), which
    // applies the timeouts; the means with no load are still analytic
    const c = compare(blueprint('{ op: b.offer, count: 3, timeout: 5s }'), ['one'], { scenarios: [], host: { cores: 4 }, rate: 20 });
    expect(c.atRate[0]!.method).toBe('des');
    expect(c.lowRate).toBe(0.001);
    const notes = timeoutNotes(c.notes);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.startsWith(`one with no load (0.001/s): analytic: a.ride: its 3 calls to b.offer each have a 5s timeout (no retries: 1 attempt) that the analytic method does not apply`)).toBe(true);
  });
});
