// A request that arrives at a unit that is down is refused at once, whatever its operation's
// program starts with. Found by a tester: an operation that starts with an in-process call framed
// by retries (`retries: 8, backoff: 100ms`) kept a crashed monolith at 100% success for its whole
// 15 s outage, each request backing off inside the dead process until it came back (p95 25 s),
// where the same without retries showed 0%: the program starts with the call, so nothing refused
// the request on arrival, and the failed visit inside the call's frame was retried as if the
// caller were alive. Two fixes, tested here: every entry into a unit checks it is up (compile.ts
// Gen.arrive), and a frame whose caller's unit is down retries nothing (des/calls.ts fail).
//
// Arrivals are paced (50/s: one every 20 ms), so the counts are exact: the unit is down over
// [5 s, 10 s) and a window measures the calm after it over [12 s, 17 s) (slow ×1 does nothing).
import { describe, expect, it } from 'vitest';
import { compile, OP_CHECK, W } from '../../src/simulate/compile.js';
import { Scenario } from '../../src/simulate/scenario.js';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const blueprint = (call: string, lookup = '{ internal: true, cpu: { dist: const, mean: 1ms } }') =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: inproc }
system:
  domains:
    front:
      operations:
        get: { route: "GET /things/{id}", cpu: { dist: const, mean: 1ms }, calls: [${call}] }
    back:
      operations:
        lookup: ${lookup}
        slow: { internal: true, wait: { dist: const, mean: 300ms } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080, instance: vm } }
  split:
    network: { cpuPerCall: 0ms, cpuPerKiB: 0ms }
    units:
      web: { domains: [front], port: 8080, instance: vm }
      app: { domains: [back], port: 8081, instance: vm }
workload: { rate: 50/s, mix: { front.get: 1 } }
catalog:
  vm: { vcpu: 1, usdPerMonth: $10 }
`);

const retried = blueprint('{ op: back.lookup, retries: 8, backoff: 100ms }');
const plain = blueprint('back.lookup');

const scenario = (unit: string, extra: object[] = []) =>
  Scenario.parse({
    name: 'down',
    failures: [{ description: 'down', unit, at: '5s', for: '5s' }, { description: 'calm', unit, at: '12s', for: '5s', slow: 1 }, ...extra],
    clientTimeout: '60s',
  });

const run = (b: ReturnType<typeof bp>, layout: string, sc: Scenario) =>
  simulate(b, layout, { scenario: sc, seed: 7, duration: 20_000, warmup: 1_000, arrivals: 'paced' });

describe('a request that enters a unit that is down fails at once', () => {
  it('the only unit down: 0% during the outage with retries as without, 100% after, and the retries wait out nothing', () => {
    for (const b of [retried, plain]) {
      const r = run(b, 'mono', scenario('app'));
      const [down, calm] = r.faults!;
      expect(down!.failure).toBe('down');
      expect(down!.success).toEqual({ 'front.get': 0 });
      expect(down!.overall).toBe(0);
      expect(calm!.success).toEqual({ 'front.get': 1 });
      expect(calm!.overall).toBe(1);
      // a calm request is 2 ms of CPU on an idle core (paced: nothing queues)
      expect(calm!.p95['front.get']).toBeCloseTo(2, 6);
      // 250 requests sent over the outage, every one failed; the rest of the measured 19 s succeeded
      const op = r.operations[0]!;
      expect(op.count).toBe(950);
      expect(Math.round(op.errorRate * op.count)).toBe(250);
    }
  });

  it('a request already inside the in-process call when the unit crashes is not retried through the crash', () => {
    // lookup calls slow (300 ms waiting on something outside, no CPU) then runs 1 ms: a request
    // sent in [4.7 s, 5 s) is in that wait, inside get → lookup's frame, when the unit goes down at
    // 5 s; its next visit to the unit fails, and the frame's caller (get, on the same unit) is gone.
    const b = blueprint('{ op: back.lookup, retries: 8, backoff: 100ms }', '{ internal: true, cpu: { dist: const, mean: 1ms }, calls: [back.slow] }');
    const inFlight = { description: 'in flight', unit: 'app', at: '4720ms', for: '260ms', slow: 1 };
    const r = run(b, 'mono', scenario('app', [inFlight]));
    const row = r.faults!.find((f) => f.failure === 'in flight')!;
    expect(row.success).toEqual({ 'front.get': 0 });
    expect(r.faults!.find((f) => f.failure === 'down')!.success).toEqual({ 'front.get': 0 });
    expect(r.faults!.find((f) => f.failure === 'calm')!.success).toEqual({ 'front.get': 1 });
  });

  it('a remote call to a unit that is down is still retried by its caller, whose unit is up', () => {
    // split: web calls app with retries; app down for 5 s. Backoffs 100, 200, … 12 800 ms add up
    // to 25.5 s, past the outage: every request sent during it waits it out and succeeds.
    const r = run(retried, 'split', scenario('app'));
    expect(r.faults![0]!.success).toEqual({ 'front.get': 1 });
    // without retries they fail; after the outage all succeed
    const p = run(plain, 'split', scenario('app'));
    expect(p.faults![0]!.success).toEqual({ 'front.get': 0 });
    expect(p.faults![1]!.success).toEqual({ 'front.get': 1 });
  });

  it('a request whose operation starts with a remote call is refused by its own unit, down, before calling out', () => {
    // split, web down: get starts with its call to app and (no serialization CPU) asks web for
    // nothing before it. Refused on arrival, it never reaches app: app sees the 700 requests sent
    // outside the outage (950 measured, 250 during it), where it saw all 950 when only web's own
    // CPU, after the call, noticed the crash.
    const r = run(plain, 'split', scenario('web'));
    expect(r.faults![0]!.success).toEqual({ 'front.get': 0 });
    expect(r.faults![1]!.success).toEqual({ 'front.get': 1 });
    const app = r.stations.find((s) => s.id === 'app')!;
    expect(Math.round(app.visitRate * 19)).toBe(700);
  });

  it('the entry check is an instruction only where the program does not start with a visit to the unit', () => {
    const checks = (b: ReturnType<typeof bp>, layout: string) => {
      const c = compile(b, layout);
      const code = c.programs[c.entry.get('front.get')!]!.code;
      const out: string[] = [];
      for (let pc = 0; pc < code.length; pc += W) if (code[pc] === OP_CHECK) out.push(`${pc / W}:${c.stations[code[pc + 1]!]!.id}`);
      return out;
    };
    // starts with its call (a BEGIN frame): checked first, outside the frame
    expect(checks(retried, 'mono')).toEqual(['0:app']);
    // starts with the callee's CPU on the same unit: that visit is the check
    expect(checks(plain, 'mono')).toEqual([]);
    // split, no serialization CPU: the request enters web with a call to app; the call enters app with its CPU
    expect(checks(plain, 'split')).toEqual(['0:web']);
    // a program with nothing down runs as before: the check takes no time and draws nothing
    const noFault = Scenario.parse({ name: 'calm', failures: [{ description: 'calm', unit: 'app', at: '12s', for: '5s', slow: 1 }] });
    expect(run(retried, 'mono', noFault).operations[0]!.errorRate).toBe(0);
  });
});
