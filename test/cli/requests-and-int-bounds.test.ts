// --requests sets a run's length from its rate, so --duration beside it is refused (the run
// stopped at the requests while the header said "300/s for 5.00 s" and every rate and
// utilization was divided by 5 s); and a whole number over a flag's maximum is refused with the
// range it must lie in, not with "expected a whole number ≥ 0" that it already is.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/model/limits.js';

const { simulateOptions } = await import('../../src/cli/sim-options.js');
const { intFlag, SEED_MAX } = await import('../../src/cli/flags.js');
const { UsageError } = await import('../../src/cli/io.js');

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('--requests and --duration', () => {
  it('both: one line, a usage error (exit 2), whichever else is given', () => {
    const msg = "--requests sets the run's length from the rate; give it or --duration, not both";
    expect(refusal(() => simulateOptions({ requests: '100', duration: '5s' }))).toBe(msg);
    expect(refusal(() => simulateOptions({ rate: '300', requests: '100', duration: '5s' }))).toBe(msg);
  });
  it('either alone is taken as before', () => {
    expect(simulateOptions({ requests: '100' })).toEqual({ requests: 100 });
    expect(simulateOptions({ duration: '5s' })).toEqual({ duration: 5000 });
  });
});

describe('whole numbers over the maximum', () => {
  it('--seed: 0 to 4294967295 (the generator takes 32 bits), said with the maximum', () => {
    expect(SEED_MAX).toBe(4294967295);
    expect(simulateOptions({ seed: '4294967295' }).seed).toBe(4294967295);
    expect(simulateOptions({ seed: '0' }).seed).toBe(0);
    expect(refusal(() => simulateOptions({ seed: '99999999999999999999' }))).toBe('--seed 99999999999999999999: expected a whole number from 0 to 4294967295');
    expect(refusal(() => simulateOptions({ seed: '4294967296' }))).toBe('--seed 4294967296: expected a whole number from 0 to 4294967295');
  });
  it('a whole number written with an exponent over the maximum: the range, not "≥ 0"', () => {
    expect(refusal(() => intFlag('--chatty', '1e9', 0, LIMITS.callSteps))).toBe('--chatty 1e9: expected a whole number from 0 to 10000');
    expect(refusal(() => intFlag('--chatty', '1e999', 0, LIMITS.callSteps))).toBe('--chatty 1e999: expected a whole number from 0 to 10000');
  });
  it('with no maximum of its own, a number past the largest exact one names that maximum', () => {
    expect(refusal(() => intFlag('--seed', '99999999999999999999', 0))).toBe('--seed 99999999999999999999: expected a whole number from 0 to 9007199254740991');
    expect(refusal(() => intFlag('--chatty', '1e20', 0))).toBe('--chatty 1e20: expected a whole number from 0 to 9007199254740991');
  });
  it('a whole number in range written with an exponent: refused as before, saying to write it in digits', () => {
    expect(refusal(() => intFlag('--users', '1e3'))).toBe('--users 1e3: expected a whole number ≥ 1 written in digits (1000)');
    expect(refusal(() => intFlag('--chatty', '1e3', 0, LIMITS.callSteps))).toBe('--chatty 1e3: expected a whole number from 0 to 10000 written in digits (1000)');
  });
  it('what is no whole number, or under the minimum, keeps its message', () => {
    expect(refusal(() => intFlag('--users', '1.5'))).toBe('--users 1.5: expected a whole number ≥ 1');
    expect(refusal(() => intFlag('--users', '0'))).toBe('--users 0: expected a whole number ≥ 1');
    expect(refusal(() => intFlag('--port-offset', '-1', 0, 50_000))).toBe('--port-offset -1: expected a whole number from 0 to 50000');
    expect(refusal(() => intFlag('--users', '-1e3'))).toBe('--users -1e3: expected a whole number ≥ 1');
  });
});

describe('the actions that parse these flags themselves', () => {
  const blueprint = new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname;
  it('lint --chatty 1e9 and compare --seed past 32 bits: refused with the range, before anything runs', async () => {
    const { action: lint } = await import('../../src/cli/actions/lint.js');
    const { action: compare } = await import('../../src/cli/actions/compare.js');
    await expect(lint(blueprint, { failOn: 'error', chatty: '20000' })).rejects.toThrow(`--chatty 20000: expected a whole number from 0 to ${LIMITS.callSteps}`);
    await expect(compare(blueprint, { seed: '4294967296' } as never)).rejects.toThrow('--seed 4294967296: expected a whole number from 0 to 4294967295');
  });
});
