// Without --start the schedule starts today on the user's calendar. It took the UTC date, a day
// off wherever the local date is not UTC's (east of UTC in the morning, west of it at night).
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { archsim } from '../helpers/cli.js';

/** Today in a zone, YYYY-MM-DD (en-CA writes dates that way). */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

describe('archsim plan: the default start', { timeout: 120_000 }, () => {
  it('is today in the local time zone, on both sides of UTC', () => {
    // UTC+14 and UTC−11: at any hour one of them has a date other than UTC's.
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    expect(zones.some((z) => todayIn(z) !== todayIn('UTC'))).toBe(true);
    for (const tz of zones) {
      const want = todayIn(tz);
      const r = archsim(['plan', 'blueprints/chatpop.yaml', '--from', 'phase1', '--to', 'phase3', '--json'], { env: { TZ: tz } });
      expect(r.code, r.stderr).toBe(0);
      const p = JSON.parse(r.stdout) as Plan;
      expect(p.gantt, tz).toMatch(new RegExp(`:p1t0, ${want}, `));
      expect(todayIn(tz), 'the day changed during the test: run it again').toBe(want);
    }
  });
});
