// The machine-speed probe validate-model takes before each layout (cold-visit-bench.ts speedProbe):
// a real echo server's CPU per call back to back, kept in the saved runs and reported as ratios.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureColdVisits, speedProbe } from '../../src/loadtest/cold-visit-bench.js';
import { ScratchProcesses } from '../../src/loadtest/scratch-processes.js';
import { atSpeed, probeNotes, SavedRuns, speedRatio } from '../../src/loadtest/validate-model.js';
import { simulate } from '../../src/simulate/simulate.js';
import { archsim } from '../helpers/cli.js';
import { queue } from '../simulate/builder.js';

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
    expect(probeNotes(m)).toEqual([`machine speed before each layout (an echo server's CPU per call back to back, the same work each time; ×: against the first): ${a} 0.06 ms (×1.00), ${b} 0.09 ms (×1.50); not applied to the predictions (--speed-correction probe applies them)`]);
    expect(probeNotes(new Map([[a, saved.layouts[a]!]]))).toEqual([]);
  });

  it('the speed ratio: a layout’s probe over the calibration layout’s, the geometric mean of before and after where both were taken, null without', () => {
    const p = (serverMs: number, afterMs?: number) => ({ serverMs, calls: 2000, started: 'x', ...(afterMs ? { afterMs } : {}) });
    const m = new Map([
      [a, { ...saved.layouts[a]!, probe: p(0.05) }],
      [b, { ...saved.layouts[b]!, probe: p(0.08, 0.125) }],
    ]);
    expect(speedRatio(m, b, a)).toBeCloseTo(Math.sqrt(0.08 * 0.125) / 0.05, 12);
    expect(speedRatio(m, a, b)).toBeCloseTo(0.05 / 0.1, 12);
    expect(speedRatio(m, a, a)).toBe(1);
    expect(speedRatio(new Map([[a, saved.layouts[a]!], [b, m.get(b)!]]), b, a)).toBeNull();
    expect(probeNotes(m, true)[0]).toContain(`${b} 0.08 before, 0.125 after ms (×2.00); applied`);
  });

  it('a machine k times slower is the same system at k times the rate with every time ×k (exact for an M/M/1: 1 ms at 400/s ×1.5 = 1.5 ms at 266.7/s)', () => {
    const slow = simulate(queue({ mean: 1.5 }), 'one', { method: 'analytic', rate: 400 / 1.5 });
    const scaled = atSpeed(simulate(queue({ mean: 1 }), 'one', { method: 'analytic', rate: 400 }), 1.5);
    // (the figures are rounded to 6 significant digits)
    expect(scaled.operations[0]!.latency.p50 / slow.operations[0]!.latency.p50).toBeCloseTo(1, 5);
    expect(scaled.operations[0]!.latency.p95 / slow.operations[0]!.latency.p95).toBeCloseTo(1, 5);
    expect(atSpeed(slow, 1)).toBe(slow);
  });

  it('validate-model --speed-correction probe predicts each layout for its own probe’s machine; none (the default) does not; anything else one line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-speed-'));
    const runs = JSON.parse(readFileSync('test/fixtures/validate-model-runs-2026-12-01T1510.json', 'utf8'));
    runs.layouts.monolith.probe = { serverMs: 0.06, calls: 2000, started: '2026-12-01T15:10:00.000Z' };
    runs.layouts['modular-monolith'].probe = { serverMs: 0.08, calls: 2000, started: '2026-12-01T15:13:00.000Z', afterMs: 0.125 };
    const file = join(dir, 'runs.json');
    writeFileSync(file, JSON.stringify(runs));
    const args = ['validate-model', 'blueprints/quantchat.yaml', '--predict', 'modular-monolith', '--from-runs', file, '--json'];
    const none = archsim(args);
    const probe = archsim([...args, '--speed-correction', 'probe']);
    expect(none.code).toBe(0);
    expect(probe.code).toBe(0);
    const n = JSON.parse(none.stdout).directions[0];
    const q = JSON.parse(probe.stdout).directions[0];
    const k = Math.sqrt(0.08 * 0.125) / 0.06; // 1.667: the machine slower while modular-monolith ran
    const mod = (d: { layouts: { layout: string; speed: number | null; maxThroughput: { predicted: number } }[] }) => d.layouts.find((l) => l.layout === 'modular-monolith')!;
    expect(mod(n).speed).toBeNull();
    expect(mod(q).speed).toBe(Math.round(k * 1000) / 1000);
    expect(mod(q).maxThroughput.predicted).toBeCloseTo(mod(n).maxThroughput.predicted / k, 6);
    // the calibration layout is reproduced as its own runs found the machine
    expect(q.layouts[0].speed).toBeNull();
    expect(q.layouts[0].maxThroughput.predicted).toBe(n.layouts[0].maxThroughput.predicted);
    expect(n.uncorrected).toBeNull();
    expect(q.uncorrected).toEqual(n.summary);
    const bad = archsim([...args, '--speed-correction', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['archsim: --speed-correction: "fast" is not probe or none']);
  }, 120_000);

  it('saved runs keep the probe; a hostile one (negative, not a number, extra keys) is refused', () => {
    const withProbe = { ...saved, layouts: { [a]: { ...saved.layouts[a]!, probe: { serverMs: 0.07, calls: 2000, started: '2026-12-01T21:18:00.000Z' } } } };
    expect(SavedRuns.parse(JSON.parse(JSON.stringify(withProbe))).layouts[a]!.probe!.serverMs).toBe(0.07);
    for (const probe of [{ serverMs: 0.1, calls: 10, started: 'x', afterMs: -0.1 }, { serverMs: 0.1, calls: 10, started: 'x', afterMs: 0 }, { serverMs: -1, calls: 10, started: 'x' }, { serverMs: '0.1', calls: 10, started: 'x' }, { serverMs: 0.1, calls: 10, started: 'x', evil: 1 }, { serverMs: 0.1, calls: 0.5, started: 'x' }])
      expect(SavedRuns.safeParse({ ...saved, layouts: { [a]: { ...saved.layouts[a]!, probe } } }).success).toBe(false);
  });
});
