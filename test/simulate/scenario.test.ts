// Scenarios: the seeds' three failures on both QuantChat layouts, resilience policies,
// autoscaling, and positioned errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { parseScenario, type Scenario } from '../../src/simulate/scenario.js';
import { ScenarioError, simulate } from '../../src/simulate/simulate.js';

const { blueprint: qc } = loadBlueprint('blueprints/quantchat.yaml');
const bundled = (name: string): Scenario => {
  const r = parseScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), name);
  if (!r.ok) throw new Error(r.errors[0]!.message);
  return r.scenario;
};
const yaml = (text: string): Scenario => {
  const r = parseScenario(text, 'inline.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.scenario;
};
const row = (layout: string, s: Scenario, i = 0) => simulate(qc, layout, { scenario: s, seed: 1 }).faults![i]!;

describe("seed 001's failure scenarios", () => {
  it('database failure: the monolith loses (almost) everything, microservices only messages', () => {
    const s = bundled('database-failure');
    const mono = row('monolith', s);
    const micro = row('microservices', s);
    expect(mono.overall).toBeLessThan(0.1);
    expect(mono.success['auth.login']).toBe(0);
    expect(micro.success['messages.send']!).toBeLessThan(0.05);
    for (const id of ['auth.login', 'users.search', 'groups.list', 'media.download']) expect(micro.success[id], id).toBe(1);
    expect(micro.overall).toBeGreaterThan(mono.overall);
  });

  it('media memory leak: the whole monolith goes down; in microservices media and what calls it', () => {
    const s = bundled('media-memory-leak');
    const down = 1; // the second failure: the restart
    expect(row('monolith', s, down).overall).toBe(0);
    const micro = row('microservices', s, down);
    expect(micro.success['media.upload']).toBe(0);
    expect(micro.success['messages.conversation']).toBe(0); // a hard dependency on media.resolve
    expect(micro.success['auth.login']).toBe(1);
    // With media.resolve optional behind a timeout and a breaker, conversations survive.
    const resilient = row('microservices', bundled('media-memory-leak-resilient'), down);
    expect(resilient.success['messages.conversation']!).toBeGreaterThan(0.99);
    expect(resilient.success['media.upload']).toBe(0);
  });

  it('messaging spike: everything slows in the monolith; other services keep their latency', () => {
    const s = bundled('messaging-spike');
    const mono = row('monolith', s);
    const micro = row('microservices', s);
    const calm = simulate(qc, 'microservices', { seed: 1, duration: 60_000 }).operations.find((o) => o.id === 'auth.login')!.latency.p95;
    expect(mono.p95['auth.login']!).toBeGreaterThan(1.5 * micro.p95['auth.login']!);
    expect(micro.p95['auth.login']!).toBeLessThan(1.5 * calm);
  });
});

describe('resilience policies', () => {
  const slowMedia = (calls: string) =>
    yaml(`name: slow-media
workload: { duration: 40s, warmup: 2s }
failures: [{ domain: media, slow: 400, at: 10s, for: 20s }]
${calls}`);

  it('a timeout bounds the caller and fails it; optional turns the failure into success', () => {
    const t = row('microservices', slowMedia('calls: { media.resolve: { timeout: 100ms } }'));
    expect(t.success['messages.conversation']!).toBeLessThan(0.5);
    expect(t.p95['messages.conversation']!).toBeLessThan(150);
    const o = row('microservices', slowMedia('calls: { media.resolve: { timeout: 100ms, optional: true } }'));
    expect(o.success['messages.conversation']!).toBeGreaterThan(0.99);
  });

  it('retries with backoff add their waits; a circuit breaker cuts the wait once open', () => {
    // Every conversation sent during the failure fails (each attempt times out), and the fault
    // row's p95 is of the requests that succeeded: none here. How long the failing ones wait is
    // read from the run's p95, which they make (half of the measured run's conversations).
    const convP95 = (s: Scenario) => {
      const r = simulate(qc, 'microservices', { scenario: s, seed: 1 });
      expect(r.faults![0]!.success['messages.conversation']).toBe(0);
      expect(r.faults![0]!.p95['messages.conversation']).toBeUndefined();
      return r.operations.find((o) => o.id === 'messages.conversation')!.latency.p95;
    };
    // three attempts of 50 ms plus 20 + 40 ms of backoff (210 ms) and the conversation's own few
    // ms: doubling the backoff (270 ms) or one attempt fewer (120 ms) is out of these bounds.
    const r = convP95(slowMedia('calls: { media.resolve: { timeout: 50ms, retries: 2, backoff: 20ms } }'));
    expect(r).toBeGreaterThan(210);
    expect(r).toBeLessThan(225);
    // Without retries: one attempt of 50 ms and the same few ms.
    const once = convP95(slowMedia('calls: { media.resolve: { timeout: 50ms } }'));
    expect(once).toBeGreaterThan(50);
    expect(once).toBeLessThan(65);
    const cb = row('microservices', slowMedia('calls: { media.resolve: { timeout: 50ms, optional: true, circuitBreaker: { failureThreshold: 50%, window: 2s, minCalls: 5, openFor: 30s } } }'));
    expect(cb.p95['messages.conversation']!).toBeLessThan(40);
  });

  it('autoscaling adds replicas after the delay and cold start', () => {
    const r = simulate(qc, 'microservices', { scenario: bundled('messaging-spike-autoscale'), seed: 1 });
    const ms = r.stations.find((s) => s.id === 'message-service')!;
    expect(ms.maxReplicas!).toBeGreaterThan(1);
  });
});

describe('scenario errors', () => {
  it('schema errors are positioned', () => {
    const r = parseScenario('name: x\nfailures:\n  - { domain: media, at: 10s, for: soon }\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]!.file).toBe('bad.yaml');
      expect(r.errors[0]!.line).toBe(3);
    }
  });

  it('unknown targets are reported with suggestions', () => {
    const s = yaml('name: x\nfailures: [{ domain: mediaa, at: 1s, for: 1s }]\n');
    expect(() => simulate(qc, 'monolith', { scenario: s })).toThrow(ScenarioError);
    try {
      simulate(qc, 'monolith', { scenario: s });
    } catch (e) {
      expect((e as ScenarioError).problems[0]!.message).toMatch(/did you mean "media"/);
      expect((e as ScenarioError).problems[0]!.path).toEqual(['failures', 0, 'domain']);
    }
  });
});
