// An object store (s3, minio) that is a domain's primary store scales out: with no `cores:` it is
// bounded only by the units' connections to it (pool × processes), not simulated as a one-core
// database server that became the bottleneck ("query.search alone: 1250/s, limited by models (0.80
// ms per request on 1 server)"); with `cores:` it queues on those cores, in both methods.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { erlangC } from '../../src/simulate/queueing.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';
import { renderSimulation } from '../../src/cli/render-sim.js';

/**
 * The search shape: `rank` runs on api (2 replicas × 2 workers on 2 vCPU: 4 servers, 0.5 ms of
 * CPU) and reads its domain's only store, `models` (engine `engine`), `reads` times `read` each.
 */
function search(engine: string, opts: { cores?: number; instance?: boolean; reads?: number; read?: string; cpu?: string } = {}) {
  const store = [`engine: ${engine}`, 'tables: [model_files]', ...(opts.cores !== undefined ? [`cores: ${opts.cores}`] : []), ...(opts.instance ? ['instance: store-1x'] : [])].join(', ');
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: objects }
system:
  domains:
    ranking:
      tables: [model_files]
      operations:
        rank: { route: GET /rank, cpu: ${opts.cpu ?? '{ dist: const, mean: 0.5ms }'}, db: { reads: ${opts.reads ?? 2}, read: ${opts.read ?? '{ dist: const, mean: 0.8ms }'} } }
layouts:
  l:
    units: { api: { domains: "*", port: 8000, replicas: 2, workers: 2, instance: m-2x } }
    datastores: { models: { ${store} } }
    network: { latency: 0ms, cpuPerCall: 0ms, cpuPerKiB: 0ms }
catalog:
  m-2x: { vcpu: 2, usdPerMonth: $35 }
  store-1x: { kind: storage, vcpu: 1, usdPerMonth: $10 }
`);
}

const mix = { 'ranking.rank': 1 };
const models = (r: ReturnType<typeof simulate>) => r.stations.find((s) => s.id === 'models')!;

describe('an object store as a domain’s primary store', () => {
  it('with no cores: a server per connection the units may hold (pool 20 × 4 processes), where postgres gets its one core', () => {
    expect(compile(search('s3'), 'l').stations.find((s) => s.id === 'models')).toMatchObject({ kind: 'datastore', replicas: 1, servers: 80 });
    // minio on a 1-vCPU instance scales out the same; `cores:` and other engines keep their cores
    expect(compile(search('minio', { instance: true }), 'l').stations.find((s) => s.id === 'models')!.servers).toBe(80);
    expect(compile(search('s3', { cores: 2 }), 'l').stations.find((s) => s.id === 'models')!.servers).toBe(2);
    expect(compile(search('postgres'), 'l').stations.find((s) => s.id === 'models')!.servers).toBe(1);
    expect(compile(search('filesystem'), 'l').stations.find((s) => s.id === 'models')!.servers).toBe(1);
    // no "whole cores" warning for the store (80 servers on a 1-vCPU instance is not a fraction)
    expect(compile(search('minio', { instance: true }), 'l').warnings).toEqual([]);
  });

  it('the stations table heads the column "servers", not "cores": the store shows its 80 connections', () => {
    const text = renderSimulation(simulate(search('s3'), 'l', { method: 'analytic', rate: 1000, mix }));
    const lines = text.split('\n');
    const head = lines.find((l) => l.startsWith('station '))!;
    expect(head.split(/\s{2,}/)).toEqual(['station', 'kind', 'replicas', 'servers', 'utilization', 'mean queue', 'ms/request', 'visits/s']);
    expect(lines.find((l) => l.startsWith('models '))!.split(/\s+/).slice(0, 4)).toEqual(['models', 'datastore', '1', '80']);
  });

  it('no longer limits the operation: saturation is the unit’s 4 servers / 0.5 ms = 8000/s (was the store’s 1 / 1.6 ms = 625/s)', () => {
    const r = simulate(search('s3'), 'l', { method: 'analytic', rate: 1000, mix });
    expect(r.saturationThroughput).toBeCloseTo(8000, 6);
    expect(r.bottleneck).toEqual({ station: 'api', utilization: 0.125 });
    expect(r.saturated).toBeUndefined();
    // 1000/s × 1.6 ms on 80 servers: 2%, no wait at all to the solver's precision
    expect(models(r).utilization).toBeCloseTo(0.02, 12);
    expect(models(r).waitProbability!).toBeLessThan(1e-30);
    // the reads' time is on the path: 0.5 ms of CPU (a 4-server M/D/c at ρ 0.125 waits ~1 µs) + 2 × 0.8 ms
    const mean = r.operations[0]!.latency.mean;
    expect(mean).toBeGreaterThanOrEqual(2.1);
    expect(mean).toBeLessThan(2.1 + 0.005);
  });

  it('the DES agrees at 1000/s, past the old one-core limit of 625/s: the reads wait for nothing', () => {
    const d = simulate(search('s3'), 'l', { method: 'des', rate: 1000, mix, duration: 60_000, warmup: 5_000, seed: 7 });
    expect(d.saturated).toBeUndefined();
    expect(models(d).waitProbability).toBe(0);
    expect(models(d).utilization).toBeGreaterThan(0.02 * 0.97);
    expect(models(d).utilization).toBeLessThan(0.02 * 1.03);
    const mean = d.operations[0]!.latency.mean;
    expect(mean).toBeGreaterThanOrEqual(2.1);
    expect(mean).toBeLessThan(2.1 + 0.005);
  });

  it('with cores: 2 it queues on them: Erlang C in the analytic method, the same in the DES, saturation 2 / 0.8 ms', () => {
    // one exponential 0.8 ms read per request at 1000/s: 0.8 erlangs on 2 servers (ρ 0.4); the
    // unit's CPU exponential too, so the reads arrive as Poisson (a Jackson network: M/M/2 exactly)
    const b = search('s3', { cores: 2, reads: 1, read: '{ dist: exp, mean: 0.8ms }', cpu: '{ dist: exp, mean: 0.5ms }' });
    const a = simulate(b, 'l', { method: 'analytic', rate: 1000, mix });
    expect(a.saturationThroughput).toBeCloseTo(2500, 6);
    expect(a.bottleneck.station).toBe('models');
    const c = erlangC(2, 0.8);
    expect(c).toBeCloseTo(0.228571, 6);
    expect(models(a).utilization).toBeCloseTo(0.4, 12);
    // (simulate() rounds its figures to 6 significant digits)
    expect(models(a).waitProbability).toBeCloseTo(c, 6);
    // Little: mean number waiting = λ·Wq = 1/ms × C·S/(c − a)
    expect(models(a).meanQueue).toBeCloseTo((c * 0.8) / (2 - 0.8), 5);
    const d = simulate(b, 'l', { method: 'des', rate: 1000, mix, duration: 200_000, warmup: 5_000, seed: 7 });
    expect(models(d).utilization).toBeGreaterThan(0.4 * 0.97);
    expect(models(d).utilization).toBeLessThan(0.4 * 1.03);
    expect(models(d).waitProbability!).toBeGreaterThan(c * 0.93);
    expect(models(d).waitProbability!).toBeLessThan(c * 1.07);
    // past 2500/s it is saturated, named as the station
    expect(simulate(b, 'l', { method: 'analytic', rate: 2600, mix }).saturated?.station).toBe('models');
  });
});
