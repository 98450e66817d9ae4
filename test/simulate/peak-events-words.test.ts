// A load profile's peak past the saturation rate said "requests queue during the peak (a line of
// about 50000 requests …)" when the saturated station was a slow event consumer's database that
// requests barely reach (a tester's fleet: olap at ρ 5.84, the requests' p95 0.71 ms). What
// queues there is the consumer's events: the note now says whose events, at which station, the
// line in events, and which requests (if any) wait behind it. A station requests load keeps the
// old words (profile-peak.test.ts, overload-exact.test.ts).
//
// The blueprint: ingest.post (1 ms) publishes `reading`, whose consumer store.on-reading writes
// once to olap (10 ms, constant); store.report reads olap once (10 ms). olap has one core, so its
// work per request of the mix is 10 ms whatever the mix (each request brings one 10 ms visit):
// saturation at 100/s. The profile: 50/s, 200/s from 20 s for 10 s of a 60 s run: the line at its
// height is (200 − 100)/s × 10 s = 1000 requests' worth, a delivery of store.on-reading for each
// post (the mix's share of posts: 99% with reports, 100% without).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const blueprint = (mix: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: peak-events }
system:
  defaults: { db: { read: { dist: const, mean: 10ms }, write: { dist: const, mean: 10ms } } }
  domains:
    ingest:
      operations:
        post: { route: POST /readings, cpu: 1ms, emits: [reading] }
    store:
      tables: [series]
      operations:
        on-reading: { internal: true, cpu: 0.1ms, db: { writes: 1 } }
        report: { route: GET /report, cpu: 1ms, db: { reads: 1 } }
  events:
    reading: { consumers: [store.on-reading] }
layouts:
  services:
    broker: { kind: kafka, instance: big }
    units:
      ingest: { domains: [ingest], port: 8080, instance: big, workers: 8 }
      store: { domains: [store], port: 8081, instance: big, workers: 8 }
    datastores:
      olap: { engine: postgres, instance: one, tables: [series] }
workload:
  rate: 50/s
  duration: 60s
  warmup: 0s
  profile: { kind: spike, base: 50/s, peak: 200/s, at: 20s, for: 10s }
  mix: { ${mix} }
catalog:
  big: { vcpu: 8, usdPerMonth: $10 }
  one: { vcpu: 1, usdPerMonth: $10 }
`);

const head = 'the load profile peaks at 200/s, above the saturation rate of 100/s for 10 s of the 60 s run: ';
const peakNote = (warnings: string[]) => warnings.find((w) => w.startsWith('the load profile peaks at'));

describe('a profile peak past saturation at a station event work loads: the events queue, not the requests', () => {
  it.each(['analytic', 'des'] as const)('%s: mostly event work, a few requests reach it: the line in events, those requests named', (method) => {
    const r = simulate(blueprint('ingest.post: 99, store.report: 1'), 'services', { method, seed: 1 });
    expect(r.saturationThroughput).toBeCloseTo(100, 9);
    expect(peakNote(r.warnings)).toBe(
      `${head}events of store.on-reading (an asynchronous event consumer) queue at olap during the peak (a line of about 990 events at its height, by the arrival rate less the saturation rate) and wait for it to drain; of the requests only those of store.report (1% of them), which visit olap, wait behind that line; the rest are not held by it`,
    );
  });

  it.each(['analytic', 'des'] as const)('%s: event work alone: no request waits on it', (method) => {
    const r = simulate(blueprint('ingest.post: 1'), 'services', { method, seed: 1 });
    expect(peakNote(r.warnings)).toBe(
      `${head}events of store.on-reading (an asynchronous event consumer) queue at olap during the peak (a line of about 1000 events at its height, by the arrival rate less the saturation rate) and wait for it to drain; no request waits on olap, so request latencies do not grow with it`,
    );
  });

  it('requests do most of the station’s work: still "requests queue"', () => {
    // 60% reports: 40% of olap's work is event work
    const r = simulate(blueprint('ingest.post: 40, store.report: 60'), 'services', { method: 'analytic' });
    expect(peakNote(r.warnings)).toBe(
      `${head}requests queue during the peak (a line of about 1000 requests at its height, by the arrival rate less the saturation rate) and wait for it to drain, far longer than at the profile's mean rate of 75/s`,
    );
  });
});
