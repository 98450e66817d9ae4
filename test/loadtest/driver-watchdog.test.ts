// The watchdog's limits on the driver's child process (driver/watchdog.ts), to the millisecond:
// reaching one for real takes minutes (the setup alone is allowed three). Pure, milliseconds.
import { describe, expect, it } from 'vitest';
import { watchdogLimits, watchdogMessage } from '../../src/loadtest/driver/watchdog.js';

describe('the child watchdog\'s limits', () => {
  it('load: warm-up and duration, the request timeout and 30 s of slack; setup and load: 180 s more', () => {
    // (2 + 10) s + 1 s timeout + 30 s.
    expect(watchdogLimits({ warmup: 2, duration: 10, timeoutMs: 1000 })).toEqual({
      setup: { what: 'its setup and load', ms: 223_000 },
      load: { what: 'its load', ms: 43_000 },
    });
    // A numeric start time is no wait.
    expect(watchdogLimits({ warmup: 2, duration: 10, timeoutMs: 1000, measureAt: Date.now() + 60_000 })).toEqual({
      setup: { what: 'its setup and load', ms: 223_000 },
      load: { what: 'its load', ms: 43_000 },
    });
  });

  it('no warm-up counts as none, no timeout as the driver\'s 5 s', () => {
    // 0.25 s + 5 s + 30 s.
    expect(watchdogLimits({ duration: 0.25 })).toEqual({
      setup: { what: 'its setup and load', ms: 215_250 },
      load: { what: 'its load', ms: 35_250 },
    });
    // A warm-up of 0 and a given timeout of 0 are kept as given.
    expect(watchdogLimits({ warmup: 0, duration: 3, timeoutMs: 0 }).load.ms).toBe(33_000);
  });

  it('a promised start time adds 15 minutes of waiting to the setup limit only', () => {
    const never = new Promise<number>(() => undefined);
    expect(watchdogLimits({ warmup: 10, duration: 1, measureAt: never })).toEqual({
      setup: { what: 'its setup and load', ms: 180_000 + 46_000 + 900_000 },
      load: { what: 'its load', ms: 46_000 },
    });
  });

  it('says which limit was reached, in whole seconds rounded to the nearest', () => {
    expect(watchdogMessage({ what: 'its load', ms: 35_250 })).toBe('the driver did not finish its load within 35 s');
    expect(watchdogMessage({ what: 'its setup and load', ms: 215_500 })).toBe('the driver did not finish its setup and load within 216 s');
    expect(watchdogMessage({ what: 'its load', ms: 499 })).toBe('the driver did not finish its load within 0 s');
  });
});
