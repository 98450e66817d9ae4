// A load profile whose peak passes the saturation rate (a spike from 50/s to 1200/s against a
// saturation rate of 952/s): both methods name the peak in one wording, the analytic adds that it
// solved the mean rate, and the DES marks the run saturated from the line the spike built even
// though that line drained inside the window (no trend over it, which backlogTrend alone reads).
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';
import { backlogPeak, profilePeak, STABLE_LINE_FLOOR } from '../../src/simulate/overload.js';
import { parseScenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';

/** The spike blueprint: web at 1.05 ms of CPU per request of the mix on 2 × 2 servers → 952/s. */
function blueprint(peak: string, warmup = ''): Blueprint {
  return withWorkload(`  profile: { kind: spike, base: 50/s, peak: ${peak}, at: 20s, for: 10s }\n  duration: 60s${warmup ? `\n  warmup: ${warmup}` : ''}`);
}

/** The same system under any workload (its lines, indented under workload:). */
function withWorkload(workload: string): Blueprint {
  const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: profiles }
system:
  domains:
    web:
      tables: [pages]
      operations:
        page: { route: GET /, cpu: 4ms, db: { reads: 1 } }
        post: { route: POST /, cpu: 6ms, db: { writes: 2 } }
layouts:
  one:
    units:
      web: { domains: "*", port: 80, instance: c2, workers: 2, replicas: 2 }
    datastores:
      db: { engine: postgres, instance: c2, tables: "*" }
workload:
${workload}
  mix: { web.page: 9, web.post: 1 }
catalog:
  c2: { vcpu: 2, usdPerMonth: $20 }
`;
  const r = parseBlueprint(text, 'profiles.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

// (1200 − 952.4)/s × 10 s = 2476 requests queued by the end of the spike; the mean rate is
// 50/s + 1150/s × 10 s / 60 s = 241.67/s, shown 242/s (meanRate counts the profile's arrivals exactly).
const PEAK_WARNING =
  "the load profile peaks at 1200/s, above the saturation rate of 952/s for 10 s of the 60 s run: requests queue during the peak (a line of about 2500 requests at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 242/s";
const MEAN_NOTE = "analytic: solved at the load profile's mean rate of 242/s, so these latencies do not show the queue of its peak; --method des runs the profile";

describe('a profile that peaks above the saturation rate', () => {
  const bp = blueprint('1200/s');

  it('analytic: the peak warning and the mean-rate note, and no saturated flag (the mean rate is below saturation)', () => {
    const a = simulate(bp, 'one', { method: 'analytic' });
    expect(a.saturationThroughput).toBe(952.381);
    expect(a.warnings.slice(-2)).toEqual([PEAK_WARNING, MEAN_NOTE]);
    expect(a.saturated).toBeUndefined();
  });

  it('DES: the same peak warning, and saturated by the backlog the spike built and drained', () => {
    const d = simulate(bp, 'one', { seed: 1 });
    // ρ of the peak's offered load, 1200/s × 1.05 ms; the window's measured utilization (25%) averages the spike away
    expect(d.saturated).toEqual({ station: 'web', utilization: 1.26, by: 'backlog' });
    // sampled every 3 s: 2472 in the system at 30 s (the spike's end), 1 at 33 s
    expect(d.warnings).toEqual([
      'unstable: web is saturated (ρ=1.26); latencies are unbounded',
      'the backlog reached 2500 requests in the system at 30 s of the run, against 0 at the median sample, and had drained by 33 s: requests that arrived meanwhile waited behind it, so the latencies above are those of the overload, not of the mean rate',
      PEAK_WARNING,
    ]);
  });
});

describe('the backlog in the DES: where its samples fall, and what alone marks a run saturated', () => {
  it('with a warm-up the samples span the measured window: 2.7 s apart from 6 s, so the line is seen at 30.3 s', () => {
    const d = simulate(blueprint('1200/s', '6s'), 'one', { seed: 1 });
    expect(d.saturated).toEqual({ station: 'web', utilization: 1.26, by: 'backlog' });
    expect(d.warnings[1]).toBe(
      'the backlog reached 2200 requests in the system at 30.3 s of the run, against 0 at the median sample, and had drained by 33 s: requests that arrived meanwhile waited behind it, so the latencies above are those of the overload, not of the mean rate',
    );
  });

  it('a line a fault builds and that drains (no load profile): not saturated (the layout is not), but the line is said', () => {
    const sc = parseScenario(['name: slow-web', 'failures:', '  - { description: web slowed, domain: web, at: 20s, for: 10s, slow: 4 }'].join('\n'), 's.yaml');
    if (!sc.ok) throw new Error(JSON.stringify(sc.errors));
    // 500/s against 238/s while slowed: about 2600 requests queue in those 10 s, seconds of wait
    const f = simulate(withWorkload('  rate: 500/s\n  duration: 60s'), 'one', { seed: 1, scenario: sc.scenario });
    expect(f.faults![0]!.p95['web.page']).toBeGreaterThan(3000);
    expect(f.saturated).toBeUndefined();
    expect(f.warnings).toEqual([
      "under the scenario's failures the backlog reached 2600 requests in the system at 30 s of the run, from 0 before it built, and had drained by 36 s: the layout served less than the offered load while failing, so requests queued and the latencies above include that wait (the fault rows show each failure's own)",
      'scenario: web slowed → unit web (runs web) slow ×4',
    ]);
  });

  it('a failure over most of the window: a line that grows along it is an overload by its trend (saturated by the backlog)', () => {
    const sc = parseScenario(['name: slow-long', 'failures:', '  - { description: web slowed, domain: web, at: 2s, for: 56s, slow: 4 }'].join('\n'), 's.yaml');
    if (!sc.ok) throw new Error(JSON.stringify(sc.errors));
    const f = simulate(withWorkload('  rate: 500/s\n  duration: 60s'), 'one', { seed: 1, scenario: sc.scenario });
    expect(f.saturated?.by).toBe('backlog');
    expect(f.warnings.some((w) => w.startsWith("under the scenario's failures"))).toBe(false);
  });

  it('a failure that leaves the layout with room (a short slowdown at low load): no line, no warning', () => {
    const sc = parseScenario(['name: mild', 'failures:', '  - { description: web slowed, domain: web, at: 20s, for: 10s, slow: 1.5 }'].join('\n'), 's.yaml');
    if (!sc.ok) throw new Error(JSON.stringify(sc.errors));
    const f = simulate(withWorkload('  rate: 100/s\n  duration: 60s'), 'one', { seed: 1, scenario: sc.scenario });
    expect(f.warnings).toEqual(['scenario: web slowed → unit web (runs web) slow ×1.5']);
  });
});

describe('a profile that peaks below the saturation rate', () => {
  const bp = blueprint('900/s');

  it('neither method warns, and the DES is not saturated; 48/s over it the analytic warns', () => {
    // (1000 − 952.4)/s × 10 s = 476 requests; mean 50/s + 950/s × 10 s / 60 s = 208/s
    expect(simulate(blueprint('1000/s'), 'one', { method: 'analytic' }).warnings.filter((w) => w.includes('load profile'))).toEqual([
      "the load profile peaks at 1000/s, above the saturation rate of 952/s for 10 s of the 60 s run: requests queue during the peak (a line of about 480 requests at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 208/s",
      "analytic: solved at the load profile's mean rate of 208/s, so these latencies do not show the queue of its peak; --method des runs the profile",
    ]);
    // the DES names the same peak, but its line (about 480) is under a second of work at the
    // saturation rate (952): not saturated, no backlog warning
    const over = simulate(blueprint('1000/s'), 'one', { seed: 1 });
    expect(over.saturated).toBeUndefined();
    expect(over.warnings.map((w) => w.slice(0, 40))).toEqual(['the load profile peaks at 1000/s, above ']);
    const a = simulate(bp, 'one', { method: 'analytic' });
    const d = simulate(bp, 'one', { seed: 1 });
    expect(a.warnings.filter((w) => w.includes('load profile'))).toEqual([]);
    expect(d.warnings).toEqual([]);
    expect(a.saturated).toBeUndefined();
    expect(d.saturated).toBeUndefined();
  });
});

describe('profilePeak and backlogPeak', () => {
  it('the time above the saturation rate, exact per kind, and the fluid line', () => {
    // ramp 0 → 2000/s over 20 s against 1000/s: above from 10 s, then flat at 2000/s to 60 s
    const ramp = profilePeak({ kind: 'ramp', from: 0, to: 2000, over: 20_000 }, 60_000, 1000, 1833);
    expect(ramp!.peak).toBe(2000);
    expect(ramp!.above).toBe(50_000);
    // ∫ over 10–20 s of the ramp's excess (5000) plus 40 s × 1000/s: 45 000 requests
    expect(Math.abs(ramp!.backlog - 45_000)).toBeLessThan(1);
    // diurnal 0–2000/s, 40 s period: above 1000/s from 10 s to 30 s and 50 s to 60 s
    expect(profilePeak({ kind: 'diurnal', min: 0, max: 2000, period: 40_000 }, 60_000, 1000, 1000)!.above).toBe(30_000);
    // a spike scheduled after the run never happens
    expect(profilePeak({ kind: 'spike', base: 50, peak: 1200, at: 60_000, for: 10_000 }, 60_000, 952, 50)).toBeUndefined();
    expect(profilePeak({ kind: 'spike', base: 50, peak: 952, at: 20_000, for: 10_000 }, 60_000, 952, 241)).toBeUndefined();
  });

  it('a line of a second of work at the saturation rate above the median sample is large; the floor holds for slow systems', () => {
    const line = [0, 1, 2, 1, 0, 0, 1, 208, 972, 1793, 2472, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(backlogPeak(line, 952.381, 304)).toEqual({ peak: 2472, at: 10, median: 0, drained: 11, large: true });
    expect(backlogPeak(line, 2473, 304).large).toBe(false);
    expect(backlogPeak(line, 10, 2473).large).toBe(false);
    expect(backlogPeak(line, 10, 2472).large).toBe(true);
  });

  it("the floor is the shortest line a stable queue at ρ 0.95 passes with probability under 2·10⁻⁷", () => {
    expect(STABLE_LINE_FLOOR).toBe(301);
    expect(0.95 ** STABLE_LINE_FLOOR).toBeLessThan(2e-7);
    expect(0.95 ** (STABLE_LINE_FLOOR - 1)).toBeGreaterThanOrEqual(2e-7);
  });
});
