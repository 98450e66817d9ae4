// The simulate, compare and sweep commands as a user runs them (the built CLI, a process).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const QC = 'blueprints/quantchat.yaml';
const tmp = mkdtempSync(join(tmpdir(), 'archsim-sim-'));

/** A login whose password hash runs on the unit's thread pool, beside plain requests. */
const POOLED = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: pooled }
system:
  domains:
    a:
      operations:
        login: { route: POST /login, cpu: 0.05ms, pool: { dist: exp, mean: 4ms } }
        plain: { route: GET /plain, cpu: { dist: exp, mean: 2ms } }
workload: { rate: 200/s, mix: { a.login: 1, a.plain: 1 } }
layouts:
  l:
    units:
      u: { domains: "*", port: 8001, threadPool: 4, instance: small }
catalog:
  small: { vcpu: 1, memoryMiB: 512, usdPerMonth: 5 }
`;

describe('archsim simulate', () => {
  it('prints a SimulationResult as JSON, the same for the same seed', () => {
    const a = archsim(['simulate', QC, '--layout', 'microservices', '--rate', '300', '--duration', '20s', '--seed', '5', '--json']);
    expect(a.code).toBe(0);
    const r = JSON.parse(a.stdout);
    expect(r.method).toBe('des');
    expect(r.operations.length).toBeGreaterThan(5);
    expect(r.cost.monthly.usdPerMonth).toBe(172);
    expect(r.littleCheck.relError).toBeLessThan(0.05);
    const b = archsim(['simulate', QC, '--layout', 'microservices', '--rate', '300', '--duration', '20s', '--seed', '5', '--json']);
    expect(b.stdout).toBe(a.stdout);
  });

  it('prints tables: operations, stations, bottleneck, cost; analytic too', () => {
    const r = archsim(['simulate', QC, '-l', 'monolith', '--method', 'analytic', '--target-rate', '1000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/p99/);
    expect(r.stdout).toMatch(/bottleneck: main/);
    expect(r.stdout).toMatch(/\$32\/month/);
    expect(r.stdout).toMatch(/at 1000\/s/);
  });

  it('--arrivals paced: the requests evenly spaced, said in the table and the JSON; queues shorter than Poisson’s at the same rate', () => {
    const args = ['simulate', QC, '-l', 'monolith', '--rate', '600', '--duration', '20s', '--warmup', '2s'];
    const paced = archsim([...args, '--arrivals', 'paced', '--json']);
    const poisson = archsim([...args, '--json']);
    expect(paced.code).toBe(0);
    const a = JSON.parse(paced.stdout);
    const b = JSON.parse(poisson.stdout);
    expect(a.workload.arrivals).toBe('paced');
    expect(b.workload.arrivals).toBeUndefined();
    const mean = (r: { operations: { latency: { mean: number }; throughput: number }[] }) => r.operations.reduce((x, o) => x + o.latency.mean * o.throughput, 0) / r.operations.reduce((x, o) => x + o.throughput, 0);
    expect(mean(a)).toBeLessThan(mean(b));
    const table = archsim([...args, '--arrivals', 'paced']);
    expect(table.stdout.split('\n')[0]).toContain('600/s, paced arrivals (evenly spaced)');
    const analytic = archsim([...args, '--arrivals', 'paced', '--method', 'analytic']);
    expect(analytic.stdout).toContain('paced arrivals (evenly spaced) enter with ca² = 0');
  });

  it('--pool-weight with --host-cores: the thread pools’ share of the host, said in the table and the JSON (default 0.5)', () => {
    // a login whose password hash runs on the unit's thread pool, beside plain requests
    const file = join(tmp, 'pooled.yaml');
    writeFileSync(file, POOLED);
    const args = ['simulate', file, '-l', 'l', '--duration', '60s', '--warmup', '2s', '--host-cores', '1'];
    const dflt = archsim([...args, '--json']);
    expect(dflt.code, dflt.stderr).toBe(0);
    expect(JSON.parse(dflt.stdout).host).toMatchObject({ cores: 1, poolWeight: 0.5 });
    const first = archsim([...args, '--pool-weight', '0', '--json']);
    const even = archsim([...args, '--pool-weight', '1', '--json']);
    const mean = (o: { stdout: string }, id: string) => JSON.parse(o.stdout).operations.find((x: { id: string }) => x.id === id).latency.mean;
    // the hash waits for the plain requests' CPU with weight 0, shares the core evenly with 1
    expect(mean(even, 'a.login')).toBeLessThan(mean(first, 'a.login'));
    expect(mean(even, 'a.plain')).toBeGreaterThan(mean(first, 'a.plain'));
    expect(archsim([...args, '--pool-weight', '0.25']).stdout.split('\n')[0]).toContain('host of 1 core, thread pools at weight 0.25');
  });

  it('--cpu-sharing process: one process’s loop and pool threads split its share (here the only process: an even share, as --pool-weight 1), said in the header; the analytic method says it does not model it', () => {
    const file = join(tmp, 'pooled.yaml');
    writeFileSync(file, POOLED);
    const args = ['simulate', file, '-l', 'l', '--duration', '60s', '--warmup', '2s', '--host-cores', '1'];
    const proc = archsim([...args, '--cpu-sharing', 'process', '--json']);
    expect(proc.code, proc.stderr).toBe(0);
    expect(JSON.parse(proc.stdout).host).toMatchObject({ cores: 1, sharing: 'process' });
    const even = archsim([...args, '--pool-weight', '1', '--json']);
    const mean = (o: { stdout: string }, id: string) => JSON.parse(o.stdout).operations.find((x: { id: string }) => x.id === id).latency.mean;
    // (the load driver's CPU on the host is a process of its own: close to, not exactly, an even share)
    for (const id of ['a.login', 'a.plain']) expect(Math.abs(mean(proc, id) / mean(even, id) - 1)).toBeLessThan(0.03);
    const first = archsim([...args, '--pool-weight', '0', '--json']);
    expect(mean(proc, 'a.plain')).toBeGreaterThan(mean(first, 'a.plain') * 1.1);
    expect(archsim([...args, '--cpu-sharing', 'process']).stdout.split('\n')[0]).toContain('host of 1 core, shared per process');
    const analytic = archsim([...args, '--cpu-sharing', 'process', '--method', 'analytic']);
    expect(analytic.stdout).toContain('note: the analytic method shares the host per thread (the thread pools at their weight); sharing per process is the DES’s (--method des)');
  });

  it('--cpu-slice: per process in time slices (implies --cpu-sharing process), in the JSON and the header, other figures than continuous sharing; the analytic method says it does not model it', () => {
    const file = join(tmp, 'pooled.yaml');
    writeFileSync(file, POOLED);
    const args = ['simulate', file, '-l', 'l', '--duration', '60s', '--warmup', '2s', '--host-cores', '1'];
    const sliced = archsim([...args, '--cpu-slice', '3ms', '--json']);
    expect(sliced.code, sliced.stderr).toBe(0);
    expect(JSON.parse(sliced.stdout).host).toMatchObject({ cores: 1, sharing: 'process', slice: 3 });
    const continuous = archsim([...args, '--cpu-sharing', 'process', '--json']);
    const mean = (o: { stdout: string }, id: string) => JSON.parse(o.stdout).operations.find((x: { id: string }) => x.id === id).latency.mean;
    expect(mean(sliced, 'a.plain')).not.toBe(mean(continuous, 'a.plain'));
    expect(archsim([...args, '--cpu-slice', '3ms']).stdout.split('\n')[0]).toContain('host of 1 core, shared per process in 3 ms slices');
    const analytic = archsim([...args, '--cpu-slice', '3ms', '--method', 'analytic']);
    expect(analytic.stdout).toContain('note: the analytic method shares the host per thread (the thread pools at their weight); sharing per process in time slices is the DES’s (--method des)');
  });

  it('runs a bundled scenario by name and shows the fault-isolation table', () => {
    const r = archsim(['simulate', QC, '-l', 'monolith', '--scenario', 'database-failure']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Fault isolation/);
  });

  it('bad input: one line, exit 2', () => {
    for (const args of [
      ['--layout', 'nope'],
      ['--layout', 'monolith', '--rate', 'fast'],
      ['--layout', 'monolith', '--rate', '10', '--users', '5'],
      ['--layout', 'monolith', '--method', 'magic'],
      ['--layout', 'monolith', '--duration', 'forever'],
      ['--layout', 'monolith', '--arrivals', 'bursty'],
      ['--layout', 'monolith', '--users', '5', '--arrivals', 'paced'],
      ['--layout', 'monolith', '--pool-weight', '0.5'],
      ['--layout', 'monolith', '--host-cores', '1', '--pool-weight', '1.5'],
      ['--layout', 'monolith', '--host-cores', '1', '--pool-weight', 'half'],
      ['--layout', 'monolith', '--cpu-sharing', 'process'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-sharing', 'cores'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-sharing', 'process', '--pool-weight', '1'],
      ['--layout', 'monolith', '--cpu-slice', '3ms'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-slice', 'often'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-slice', '0ms'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-slice', '1ns'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-slice', '99us'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-slice', '3'],
      ['--layout', 'monolith', '--host-cores', '1', '--cpu-sharing', 'thread', '--cpu-slice', '3ms'],
      ['--layout', 'monolith', '--host-cores', '1', '--pool-weight', '0.5', '--cpu-slice', '3ms'],
    ]) {
      const r = archsim(['simulate', QC, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.js:/);
    }
  });

  it('bad scenario files: positioned errors, exit 2', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nfailures:\n  - { domain: media, at: 10s, for: soon }\n');
    const r = archsim(['simulate', QC, '-l', 'monolith', '--scenario', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:`);
    const unknown = join(tmp, 'unknown.yaml');
    writeFileSync(unknown, 'name: u\nfailures:\n  - { domain: mediaa, at: 10s, for: 5s }\n');
    const u = archsim(['simulate', QC, '-l', 'monolith', '--scenario', unknown]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(new RegExp(`${unknown}:3:\\d+: .*did you mean "media"`));
    const mix = join(tmp, 'mix.yaml');
    writeFileSync(mix, 'name: m\nload:\n  - { for: 5s, rate: 10/s, mix: { messages.sendd: 1 } }\n');
    const m = archsim(['simulate', QC, '-l', 'monolith', '--scenario', mix]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/mix.yaml:3:\d+: .*messages\.send/);
  });
});

describe('archsim compare (seed 001 acceptance)', () => {
  it('monolith vs microservices: extra hops, saturation, fault isolation, $32 vs $172', () => {
    const r = archsim(['compare', QC, '--layouts', 'monolith,microservices', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    // Low load: microservices slower per request by its hops, a few ms, each explained.
    for (const op of c.operations) {
      expect(op.delta, op.id).toBeGreaterThan(0);
      expect(op.delta, op.id).toBeLessThan(10);
      expect(op.causes.join(' '), op.id).toMatch(/gateway hop/);
    }
    const send = c.operations.find((o: { id: string }) => o.id === 'messages.send');
    expect(send.causes.join(' ')).toMatch(/4 extra network hops/);
    expect(c.notes.join(' ')).toMatch(/the largest difference \(\d+ more one-way hops at 0\.25 ms each/);
    // High load: the monolith saturates first.
    const sat = Object.fromEntries(c.saturation.map((s: { layout: string; mix: number }) => [s.layout, s]));
    expect(sat.microservices.mix).toBeGreaterThan(sat.monolith.mix);
    expect(sat.monolith.byOperation['auth.login']).toBeCloseTo(500, 0);
    // Notes for the busiest operation and the one that saturates first on its own.
    expect(c.keyOperations).toEqual(['messages.send', 'media.upload']);
    expect(c.notes.join(' ')).toMatch(/messages\.send alone: monolith 400\/s, microservices 500\/s/);
    // Fault isolation from the three seed scenarios.
    const rows = c.faultIsolation;
    const db = (l: string) => rows.find((x: { failure: string; layout: string }) => x.failure.startsWith('database-failure') && x.layout === l);
    expect(db('monolith').overall).toBeLessThan(db('microservices').overall);
    expect(rows.filter((x: { failure: string }) => x.failure.startsWith('media-memory-leak')).length).toBe(4);
    expect(rows.some((x: { failure: string }) => x.failure.startsWith('messaging-spike'))).toBe(true);
    // Cost with the seed's itemization.
    const cost = Object.fromEntries(c.cost.map((x: { layout: string; monthly: { usdPerMonth: number } }) => [x.layout, x.monthly]));
    expect(cost.monolith.usdPerMonth).toBe(32);
    expect(cost.microservices.usdPerMonth).toBe(172);
    const items = Object.fromEntries(cost.microservices.items.map((i: { component: string; usdPerMonth: number }) => [i.component, i.usdPerMonth]));
    expect(items).toMatchObject({ 'auth-service': 8, 'message-service': 18, 'websocket-service': 12, gateway: 6, broker: 10, monitoring: 8 });
  });

  it('prints the side-by-side tables', () => {
    const r = archsim(['compare', QC, '--layouts', 'monolith,microservices', '--no-faults']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Max sustainable throughput/);
    expect(r.stdout).toMatch(/total\s+\$32\s+\$172/);
  });

  it('another blueprint: fault isolation from its own automatic scenarios', () => {
    const r = archsim(['compare', 'blueprints/chatpop.yaml', '--layouts', 'phase1,phase3', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    const failures = new Set(c.faultIsolation.map((f: { failure: string }) => f.failure.split(':').slice(0, 2).join(':')));
    for (const n of ['auto:chats-down', 'auto:chats-slow', 'auto:chats-postgres-down', 'auto:websocket-redis-down', 'auto:broker-down', 'auto:spike-chats.send-message']) expect(failures.has(n), n).toBe(true);
    // The split isolates a dead chat service from photo analysis; the monolith loses everything.
    const row = (l: string) => c.faultIsolation.find((f: { failure: string; layout: string }) => f.failure.startsWith('auto:photo-down:') && f.layout === l);
    expect(row('phase1').overall).toBe(0);
    expect(row('phase3').overall).toBeGreaterThan(0.5);
  });

  it('unknown layout: exit 2', () => {
    const r = archsim(['compare', QC, '--layouts', 'monolith,microservice']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean "microservices"/);
  });
});

describe('archsim sweep', () => {
  it('analytic: the curve, knee and saturation', () => {
    const r = archsim(['sweep', QC, '-l', 'monolith', '--rates', '50..600x12', '--method', 'analytic', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.method).toBe('analytic');
    // 600/s is just under saturation; the monolith's backend is visited several times per request
    expect(s.points.at(-1).saturated).toBeUndefined();
    expect(s.points).toHaveLength(12);
    expect(s.saturationThroughput).toBeCloseTo(608, -1);
    expect(s.knee).toBeGreaterThan(50);
  });

  it('des: points run on worker threads, in order', () => {
    // des is the default method
    const r = archsim(['sweep', QC, '-l', 'microservices', '--rates', '100,300,500', '--duration', '5s', '--warmup', '1s', '--workers', '2', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.method).toBe('des');
    expect(s.points.map((p: { rate: number }) => p.rate)).toEqual([100, 300, 500]);
    expect(s.points[2].meanLatency).toBeGreaterThan(s.points[0].meanLatency);
  });

  it('bad range: exit 2', () => {
    const r = archsim(['sweep', QC, '-l', 'monolith', '--rates', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a rate range/);
  });

  it('--pool-weight with --host-cores: every point on that host, said in the header and the JSON', () => {
    const file = join(tmp, 'pooled-sweep.yaml');
    writeFileSync(file, POOLED);
    const args = ['sweep', file, '-l', 'l', '--rates', '50,200', '--method', 'analytic', '--host-cores', '2'];
    const dflt = JSON.parse(archsim([...args, '--json']).stdout);
    expect(dflt.host).toEqual({ cores: 2, poolWeight: 0.5 });
    const w0 = archsim([...args, '--pool-weight', '0', '--json']);
    expect(w0.code, w0.stderr).toBe(0);
    expect(JSON.parse(w0.stdout).host).toEqual({ cores: 2, poolWeight: 0 });
    // the logins' hashes wait behind the plain requests at weight 0, share the cores at 1: the
    // worst p95 (the logins') falls as the weight rises, at each rate
    const w1 = JSON.parse(archsim([...args, '--pool-weight', '1', '--json']).stdout);
    const p95s = (r: { points: { p95: number }[] }) => r.points.map((p) => p.p95);
    for (let i = 0; i < 2; i++) {
      expect(p95s(JSON.parse(w0.stdout))[i]).toBeGreaterThan(p95s(dflt)[i]!);
      expect(p95s(dflt)[i]).toBeGreaterThan(p95s(w1)[i]!);
    }
    expect(archsim([...args, '--pool-weight', '0.25']).stdout.split('\n')[0]).toContain('host of 2 cores, thread pools at weight 0.25');
    // without a host the header names none
    expect(archsim(['sweep', QC, '-l', 'monolith', '--rates', '50,100', '--method', 'analytic']).stdout.split('\n')[0]).not.toContain('host of');
    for (const bad of [['--pool-weight', '0.5'], ['--host-cores', '2', '--pool-weight', '2']]) {
      const r = archsim(['sweep', QC, '-l', 'monolith', '--rates', '50,100', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
