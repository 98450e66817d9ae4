// What a load test runs: the blueprint's workload, overridden by the command line.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBlueprint } from '../../src/io/load.js';
import { DEFAULT_WARMUP_SECONDS, planLoad } from '../../src/loadtest/plan.js';
import { ROOT } from '../helpers/cli.js';

const bp = loadBlueprint(join(ROOT, 'blueprints/quantchat.yaml')).blueprint;

describe('planLoad', () => {
  it('takes the blueprint workload by default', () => {
    const p = planLoad(bp, {});
    expect(p.model).toBe('open');
    expect(p.rate).toBe(bp.workload!.rate);
    expect(p.duration).toBe(bp.workload!.duration / 1000);
    expect(p.mix).toEqual(bp.workload!.mix);
  });

  it('narrows to the operations asked for, keeping their weights', () => {
    const p = planLoad(bp, { operations: ['messages.send', 'auth.login'], rate: 50, duration: 5 });
    expect(p).toMatchObject({ model: 'open', rate: 50, duration: 5, mix: { 'messages.send': bp.workload!.mix['messages.send'], 'auth.login': bp.workload!.mix['auth.login'] } });
  });

  it('runs closed users without think time for --users', () => {
    expect(planLoad(bp, { users: 8 })).toMatchObject({ model: 'closed', users: 8, rate: null });
  });

  it('refuses unknown and internal operations, and no load at all', () => {
    expect(() => planLoad(bp, { operations: ['messages.sned'] })).toThrow(/unknown operation "messages.sned".*messages.send/);
    expect(() => planLoad(bp, { operations: ['auth.verify-token'] })).toThrow(/internal/);
    expect(() => planLoad(null, {})).toThrow(/no load given/);
    expect(planLoad(null, { rate: 10 })).toMatchObject({ model: 'open', rate: 10, duration: 30, mix: {} });
  });

  it('warms up by default (driven, not measured) unless told otherwise', () => {
    expect(bp.workload!.warmup).toBe(0);
    expect(DEFAULT_WARMUP_SECONDS).toBeGreaterThanOrEqual(10);
    expect(planLoad(bp, {}).warmup).toBe(DEFAULT_WARMUP_SECONDS);
    expect(planLoad(bp, { warmup: 3 }).warmup).toBe(3);
    expect(planLoad({ ...bp, workload: { ...bp.workload!, warmup: 20_000 } }, {}).warmup).toBe(20);
  });
});
