// A plan whose intermediate phase extracts a unit that serves gRPC. A rehearsal runs the reference
// services, which serve HTTP only, under HTTP load: it started relay-service as an HTTP unit and
// split its routes 10/50/100 by weight between it and the HTTP monolith, a canary no gateway can
// run (a gRPC method and an HTTP path are not one route; generate gateway --plan refuses its
// middle steps), and reported the steps held. Now the phase is refused in one line that names it
// and the unit, with the phases that can be rehearsed; leaving it out with --phases still works.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { action } from '../../src/cli/actions/rehearse.js';
import { EXIT_CODES, UsageError } from '../../src/errors.js';
import { loadBlueprint } from '../../src/io/load.js';
import { plan } from '../../src/plan/index.js';
import { grpcExtractions, rehearsalSteps, StepsError } from '../../src/rehearse/steps.js';

const tmp = mkdtempSync(join(tmpdir(), 'archsim-rehearse-grpc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// quantchat, its relay-service serving gRPC in the layout that extracts it (strangler-relay, the
// plan's phase 2) and in the target.
const text = readFileSync('blueprints/quantchat.yaml', 'utf8')
  .replace('relay-service: { domains: [relay], port: 8006, replicas: 2, instance: svc-512mb, runtime: python/fastapi }', 'relay-service: { domains: [relay], port: 8006, replicas: 2, instance: svc-512mb, runtime: python/fastapi, protocol: grpc }')
  .replace('relay-service: { domains: [relay], port: 8006, replicas: 2, instance: svc-512mb }', 'relay-service: { domains: [relay], port: 8006, replicas: 2, instance: svc-512mb, protocol: grpc }');
const file = join(tmp, 'quantchat.yaml');
writeFileSync(file, text);
const bp = loadBlueprint(file).blueprint;
const { plan: p } = plan(bp, { from: 'monolith', to: 'microservices', start: '2026-01-05' });
const planFile = join(tmp, 'quantchat.plan.json');
writeFileSync(planFile, JSON.stringify(p, null, 2) + '\n');

const REFUSAL =
  'phase 2: relay-service serves gRPC where monolith served its routes over HTTP; a rehearsal runs the reference services, which serve HTTP only, under HTTP load, and would split those routes by weight between the two protocols, which no gateway can; leave the phase out (--phases 3,4,5,6,7,8,9)';

describe('rehearse: a phase that extracts a unit serving gRPC', () => {
  it('the fixture: relay-service serves gRPC from phase 2 on, extracted there from the HTTP monolith, in a plan of 9 phases', () => {
    expect(text.match(/protocol: grpc/g)).toHaveLength(2);
    expect(p.phases.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.phases.map((x) => grpcExtractions(p, bp, x.index))).toEqual([[], [], [{ phase: 2, unit: 'relay-service', from: 'monolith', now: 'grpc', was: 'http' }], [], [], [], [], [], [], []]);
  });

  it('the step planner refuses the phase, naming it and the unit, and the phases that can be rehearsed', () => {
    expect(() => rehearsalSteps(p, bp, { stepMs: 1000 })).toThrow(new StepsError(REFUSAL));
    expect(() => rehearsalSteps(p, bp, { stepMs: 1000, phases: [2, 3] })).toThrow(new StepsError(REFUSAL));
  });

  it('without the phase (--phases), the other phases are rehearsed as before', () => {
    const steps = rehearsalSteps(p, bp, { stepMs: 1000, phases: [3] });
    expect(steps.map((a) => (a.kind === 'weights' ? `${a.unit}@${a.percent}` : `${a.kind}:${'unit' in a ? a.unit : a.phase}`))).toEqual([
      'start-unit:notification-service',
      'notification-service@10',
      'notification-service@50',
      'notification-service@100',
      'retire:monolith',
    ]);
  });

  it('both gRPC: an extraction from a unit that serves gRPC onto another is refused too', () => {
    const both = structuredClone(p);
    // relay-service's routes as if taken from a gRPC monolith: the old side as phase 2 has it.
    const two = both.phases[2]!;
    (two.layoutInput as { units: Record<string, { protocol?: string }> }).units['monolith']!.protocol = 'grpc';
    expect(grpcExtractions(both, bp, 2)).toEqual([{ phase: 2, unit: 'relay-service', from: 'monolith', now: 'grpc', was: 'grpc' }]);
    expect(() => rehearsalSteps(both, bp, { stepMs: 1000, phases: [2] })).toThrow(
      new StepsError('phase 2: relay-service takes its routes from monolith and both serve gRPC; a rehearsal runs the reference services, which serve HTTP only, under HTTP load, and would rehearse both as HTTP units; leave the phase out (--phases 3,4,5,6,7,8,9)'),
    );
  });

  it('a from layout with a unit serving gRPC: nothing can be rehearsed (every rehearsal starts it)', () => {
    const grpcFrom = structuredClone(bp);
    grpcFrom.layouts['monolith']!.units['backend']!.protocol = 'grpc';
    const q = plan(grpcFrom, { from: 'monolith', to: 'microservices', start: '2026-01-05' }).plan;
    expect(() => rehearsalSteps(q, grpcFrom, { stepMs: 1000, phases: [3] })).toThrow(
      new StepsError('phase 0 (monolith): backend serves gRPC; a rehearsal runs the reference services, which serve HTTP only, under HTTP load, and every rehearsal starts monolith: no phase of this plan can be rehearsed'),
    );
  });

  it('archsim rehearse (and --dry-run) refuses it in one usage line (exit 2), before anything starts', async () => {
    for (const dryRun of [true, false]) {
      const e = await action(file, { plan: planFile, dryRun }).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).message).toBe(`--plan ${planFile}: ${REFUSAL}`);
      // a usage error exits 2 (cli/io.ts handle, EXIT_CODES)
      expect(EXIT_CODES[(e as UsageError).kind]).toBe(2);
    }
  });
});
