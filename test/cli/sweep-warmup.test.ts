// sweep's warm-up per point defaults to 3 s, or to a tenth of a run of 3 s or less: a short sweep
// used to be refused with "the warm-up must be shorter than the duration" for a warm-up the user
// never gave.
import { describe, expect, it } from 'vitest';
import { defaultWarmup } from '../../src/cli/actions/sweep.js';
import { archsim } from '../helpers/cli.js';

describe('sweep: the default warm-up', () => {
  it('3 s for runs longer than 3 s, a tenth of the run up to it', () => {
    expect(defaultWarmup(undefined)).toBe('3s');
    expect(defaultWarmup('30s')).toBe('3s');
    expect(defaultWarmup('3001ms')).toBe('3s');
    expect(defaultWarmup('3s')).toBe('300ms');
    expect(defaultWarmup('500ms')).toBe('50ms');
  });

  it('a 2 s DES sweep runs without a --warmup; one the user gives that is too long is still refused', () => {
    const ok = archsim(['sweep', 'blueprints/quantchat.yaml', '-l', 'monolith', '--rates', '10,20', '--duration', '2s', '--workers', '1', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).points).toHaveLength(2);
    const bad = archsim(['sweep', 'blueprints/quantchat.yaml', '-l', 'monolith', '--rates', '10,20', '--duration', '2s', '--warmup', '2s', '--workers', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the warm-up must be shorter than the duration');
  });
});
