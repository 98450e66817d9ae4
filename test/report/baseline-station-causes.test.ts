// A baseline diff names the station whose change explains a figure. It named the utilization of
// the units an operation runs on: raising the database's read time 0.6 → 0.9 ms gave
// "throughput(documents.open) −33.3% | utilization of app 11% → 11.1%", the database (+3.9 pp, the
// bottleneck) never named; a smaller event payload gave a 0.5-point utilization; and a domain new
// in the blueprint "moved into app". Now: the bottleneck and its work per request for a
// throughput, the largest change of time along the operation's path for a latency, a payload
// size that changed, and "new domain" for a domain the baseline did not have. Each report keeps
// what that takes (operations' pathMs, delayMs, workMs, bottleneck, payloads).
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/report/baseline.js';
import { runReport } from '../../src/report/run.js';
import type { Report } from '../../src/report/schema.js';
import { bp } from '../simulate/helpers.js';

const text = (o: { read?: string; payload?: string; comments?: boolean } = {}) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: docs }
system:
  defaults:
    db: { read: ${o.read ?? '0.6ms'}, write: 1ms }
  domains:
    docs:
      tables: [docs]
      operations:
        open: { route: GET /docs, cpu: 0.2ms, db: { reads: 3 } }
        save: { route: POST /docs, cpu: 0.5ms, db: { writes: 1 }, emits: [saved] }
    index:
      tables: [idx]
      operations:
        update: { internal: true, cpu: 0.3ms }
${o.comments ? '    comments:\n      tables: [notes]\n      operations:\n        add: { route: POST /notes, cpu: 0.2ms }\n' : ''}  events:
    saved: { consumers: [index.update], payload: ${o.payload ?? '64KiB'} }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: box, workers: 2 } }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
  split:
    broker: { kind: rabbitmq, instance: box }
    units:
      docs-svc: { domains: [docs${o.comments ? ', comments' : ''}], port: 8081, instance: box, workers: 2 }
      index-svc: { domains: [index], port: 8082, instance: box, workers: 2 }
    datastores: { pg: { engine: postgres, tables: "*", instance: box } }
workload: { rate: 100/s, mix: { docs.open: 1, docs.save: 1${o.comments ? ', comments.add: 1' : ''} } }
catalog:
  box: { vcpu: 2, usdPerMonth: $10 }
`;

const report = (o: Parameters<typeof text>[0] = {}): Report => runReport(bp(text(o)), { file: 'docs.yaml', generator: 'archsim test', layouts: ['mono', 'split'], scenarios: [], loadtests: [], points: 2 }).report;
const causes = (before: Report, after: Report) => Object.fromEntries(diffReports(before, after).map((c) => [`${c.layout} ${c.text}`, c.causes]));

const pick = (c: Record<string, string[]>, rows: string[]) => Object.fromEntries(rows.map((r) => [r, c[r]]));

describe('baseline causes name the station that explains the figure', () => {
  it('a slower read: the database, its time on the path and its work as the bottleneck', () => {
    const c = causes(report(), report({ read: '0.9ms' }));
    expect(pick(c, ['mono throughput −347/s (−24.3%)', 'mono throughput(docs.open) −370/s (−33.3%)', 'mono p95(docs.open) +1.89 ms (+47.1%)', 'mono p95(docs.save) +0.009 ms (+0.2%)', 'split p95(docs.open) +1.89 ms (+47.1%)'])).toEqual({
      'mono throughput −347/s (−24.3%)': ['bottleneck pg, 1.4 ms → 1.85 ms of work per request of the mix'],
      'mono throughput(docs.open) −370/s (−33.3%)': ['pg, its bottleneck, 1.8 ms → 2.7 ms of work per request'],
      'mono p95(docs.open) +1.89 ms (+47.1%)': ['pg 1.8 ms → 2.7 ms per request on its path, utilization 7% → 9.3%'],
      // docs.save reads nothing: no time on its path changed; pg's load did (docs.open's reads)
      'mono p95(docs.save) +0.009 ms (+0.2%)': ['utilization of pg 7% → 9.3%'],
      'split p95(docs.open) +1.89 ms (+47.1%)': ['pg 1.8 ms → 2.7 ms per request on its path, utilization 7% → 9.3%'],
    });
    // never the unit a request starts on, whose utilization did not explain it
    expect(Object.values(c).flat().filter((x) => /\bapp\b|docs-svc/.test(x))).toEqual([]);
  });

  it('against a baseline written before reports kept the breakdown: the station on the path whose load changed most', () => {
    const old = report();
    for (const l of old.layouts) l.operations = l.operations.map(({ pathMs: _p, delayMs: _d, workMs: _w, bottleneck: _b, payloads: _s, ...o }) => o);
    const c = causes(old, report({ read: '0.9ms' }));
    expect(pick(c, ['mono throughput −347/s (−24.3%)', 'mono throughput(docs.open) −370/s (−33.3%)', 'mono p95(docs.open) +1.89 ms (+47.1%)'])).toEqual({
      'mono throughput −347/s (−24.3%)': ['bottleneck pg, utilization 7% → 9.3%'],
      'mono throughput(docs.open) −370/s (−33.3%)': ['pg, its bottleneck, utilization 7% → 9.3%'],
      'mono p95(docs.open) +1.89 ms (+47.1%)': ['utilization of pg 7% → 9.3%'],
    });
  });

  it('a payload size: named where the sizes changed, beside the station it moved', () => {
    const c = causes(report(), report({ payload: '8KiB' }));
    expect(c).toEqual({
      'split mean(docs.save) −0.28 ms (−14.6%)': ['saved payload 64 KiB → 8 KiB', 'docs-svc 0.92 ms → 0.64 ms per request on its path, utilization 2.8% → 2.1%'],
      'split p50(docs.save) −0.31 ms (−18.3%)': ['saved payload 64 KiB → 8 KiB', 'docs-svc 0.92 ms → 0.64 ms per request on its path, utilization 2.8% → 2.1%'],
      'split p95(docs.save) −0.25 ms (−6.1%)': ['saved payload 64 KiB → 8 KiB', 'docs-svc 0.92 ms → 0.64 ms per request on its path, utilization 2.8% → 2.1%'],
      'split p99(docs.save) −0.14 ms (−2.7%)': ['saved payload 64 KiB → 8 KiB', 'docs-svc 0.92 ms → 0.64 ms per request on its path, utilization 2.8% → 2.1%'],
      // the consumer's unit too, off the request's path: the event's message is smaller
      'split utilization(docs-svc) −0.7 pp (−25%)': ['saved payload 64 KiB → 8 KiB'],
      'split utilization(index-svc) −0.7 pp (−38.9%)': ['saved payload 64 KiB → 8 KiB'],
    });
  });

  it('a domain new in the blueprint is new, not moved', () => {
    const c = causes(report(), report({ comments: true }));
    expect(c['mono p95(docs.open) −0.01 ms (−0.3%)']).toEqual(['workload mix: docs.open 50% → 33.3%, docs.save 50% → 33.3%, comments.add 0% → 33.3%', 'new domain comments in app', 'utilization of pg 7% → 4.7%']);
    expect(Object.values(c).flat().filter((x) => x.includes('moved'))).toEqual([]);
  });
});
