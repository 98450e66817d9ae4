// A station only event work visits (a consumer's database) saturates: its events back up without
// bound, but no request waits on it, so request latencies stay bounded. Every command said
// "latencies are unbounded" beside a finite p95 (report: "its latencies are unbounded"). Now the
// warning and the report's line say what grows; a station on a request path keeps the old words.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate/simulate.js';
import { collect } from '../../src/report/collect.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pipeline }
system:
  defaults: { db: { read: 1ms, write: 2ms } }
  domains:
    ingest:
      tables: [raw]
      operations:
        post: { route: POST /readings, cpu: 1ms, db: { writes: 1 }, emits: [reading.received] }
    store:
      tables: [series]
      operations:
        on-reading: { cpu: 0.5ms, db: { writes: 2 } }
  events:
    reading.received: { consumers: [store.on-reading] }
layouts:
  services:
    broker: { kind: kafka, instance: c1 }
    units:
      ingest: { domains: [ingest], port: 8080, instance: c1 }
      store: { domains: [store], port: 8081, instance: c1 }
    datastores:
      raw-db: { engine: postgres, instance: c1, tables: [raw] }
      ts-db: { engine: postgres, instance: c1, tables: [series] }
workload: { rate: 300/s, duration: 20s, mix: { ingest.post: 1 } }
catalog:
  c1: { vcpu: 1, usdPerMonth: $10 }
`;

function blueprint(text = TEXT) {
  const r = parseBlueprint(text, 'pipeline.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
}

describe('saturated by event work alone', () => {
  // ts-db: 300/s × 2 writes × 2 ms = 1.2 cores of 1 (ρ 1.2); raw-db 0.6; the request path bounded.
  it.each(['analytic', 'des'] as const)('%s: flagged, its events said to back up, the request latency finite', (method) => {
    const r = simulate(blueprint(), 'services', { method, ...(method === 'des' ? { requests: 3000, seed: 2 } : {}) });
    expect(r.saturated).toMatchObject({ station: 'ts-db', eventsOnly: true });
    expect(r.saturated!.utilization).toBeCloseTo(1.2, 6);
    expect(r.warnings).toContain('unstable: ts-db is saturated (ρ=1.20) by event work alone: its backlog of events grows without bound (no request waits on it, so request latencies stay bounded)');
    expect(r.warnings.join('\n')).not.toContain('latencies are unbounded');
    expect(Number.isFinite(r.operations[0]!.latency.p95)).toBe(true);
  });

  it('a station on a request path keeps "latencies are unbounded"', () => {
    // 5 ms of work at ingest saturates it at 200/s, before ts-db (250/s): ρ 1.5 at 300/s
    const r = simulate(blueprint(TEXT.replace('cpu: 1ms, db: { writes: 1 }', 'cpu: 5ms, db: { writes: 1 }')), 'services', { method: 'analytic' });
    // (1.53: the hop's own CPU on top of the 5 ms)
    expect(r.saturated).toEqual({ station: 'ingest', utilization: expect.closeTo(1.53, 2), by: 'offered load' });
    expect(r.warnings).toContain('unstable: ingest is saturated (ρ=1.53); latencies are unbounded');
  });

  it('the report says it in its line', () => {
    const md = renderMarkdown(collect(blueprint(), { file: 'pipeline.yaml', generator: 'test', layouts: ['services'], scenarios: [], loadtests: [] }).report);
    expect(md).toContain('**services** is past saturation at 300/s: ts-db at ρ=1.20 (offered load); only event work visits it: its backlog of events grows without bound, request latencies stay bounded.');
  });
});
