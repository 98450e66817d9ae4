// The machine-speed probe validate-model takes before each layout (cold-visit-bench.ts speedProbe):
// a real echo server's CPU per call back to back, kept in the saved runs and reported as ratios.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureColdVisits, speedProbe } from '../../src/loadtest/cold-visit-bench.js';
import { ScratchProcesses } from '../../src/loadtest/scratch-processes.js';
import { probeNotes, SavedRuns } from '../../src/loadtest/validate-model.js';

const saved = SavedRuns.parse(JSON.parse(readFileSync('test/fixtures/validate-model-runs-2026-12-01T1510.json', 'utf8')));
const [a, b] = Object.keys(saved.layouts) as [string, string];

describe('machine speed probe', () => {
  it('measures a real echo server’s main-thread CPU per call, back to back', async () => {
    const scratch = new ScratchProcesses();
    try {
      const p = await speedProbe(scratch, 300);
      // schedstat is on every Linux this runs on; a warm echo costs tens of microseconds, not ms
      expect(p).not.toBeNull();
      expect(p!.calls).toBe(300);
      expect(p!.serverMs).toBeGreaterThan(0.005);
      expect(p!.serverMs).toBeLessThan(5);
    } finally {
      await scratch.stop();
    }
  }, 120_000);

  it('the working-set handler (/work) bounds its rows: a hostile n of 10^12 touches at most 10,000, junk touches one', async () => {
    const scratch = new ScratchProcesses();
    try {
      const at = async (n: string) => (await measureColdVisits(scratch, 20, () => 40, [0], `/work?n=${n}`))!.points[0]!.serverMs;
      const huge = await at('1000000000000');
      const cap = await at('10000');
      const junk = await at('abc');
      // 10^12 lookups would take hours: it costs what the cap costs (a few ms here), not more
      expect(huge).toBeLessThan(50);
      expect(huge).toBeLessThan(cap * 3);
      expect(cap).toBeGreaterThan(junk);
      expect(junk).toBeLessThan(5);
    } finally {
      await scratch.stop();
    }
  }, 120_000);

  it('is reported as each layout’s figure and its ratio to the first probed layout, and not at all without probes', () => {
    const m = new Map([
      [a, { ...saved.layouts[a]!, probe: { serverMs: 0.06, calls: 2000, started: '2026-12-01T21:18:00.000Z' } }],
      [b, { ...saved.layouts[b]!, probe: { serverMs: 0.09, calls: 2000, started: '2026-12-01T21:21:00.000Z' } }],
    ]);
    expect(probeNotes(m)).toEqual([`machine speed before each layout (an echo server's CPU per call back to back, the same work each time; ×: against the first): ${a} 0.06 ms (×1.00), ${b} 0.09 ms (×1.50); not applied to the predictions`]);
    expect(probeNotes(new Map([[a, saved.layouts[a]!]]))).toEqual([]);
  });

  it('saved runs keep the probe; a hostile one (negative, not a number, extra keys) is refused', () => {
    const withProbe = { ...saved, layouts: { [a]: { ...saved.layouts[a]!, probe: { serverMs: 0.07, calls: 2000, started: '2026-12-01T21:18:00.000Z' } } } };
    expect(SavedRuns.parse(JSON.parse(JSON.stringify(withProbe))).layouts[a]!.probe!.serverMs).toBe(0.07);
    for (const probe of [{ serverMs: -1, calls: 10, started: 'x' }, { serverMs: '0.1', calls: 10, started: 'x' }, { serverMs: 0.1, calls: 10, started: 'x', evil: 1 }, { serverMs: 0.1, calls: 0.5, started: 'x' }])
      expect(SavedRuns.safeParse({ ...saved, layouts: { [a]: { ...saved.layouts[a]!, probe } } }).success).toBe(false);
  });
});
