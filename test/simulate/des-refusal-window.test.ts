// A request refused at the door (the system full) is sent and failed in the failure window it
// arrives in, as one that fails inside the system is. The model is des-refusal.test.ts's, worked
// by hand there: one server, a constant 103 ms of work, room for 5 (DesOptions.maxInSystem), 40
// requests a second evenly spaced from a phase φ under 25 ms, so arrival k comes at φ + 25k and,
// after arrivals 0–4, only arrival ⌈4.12 j⌉ (taken when departure j at φ + 103j frees a place)
// runs; every other one is refused. All that run are answered (in the drain after 2 s), none fails.
//   window [0, 100):    arrivals 0–3 (arrival 4 comes at φ + 100): 4 sent, all run and succeed.
//   window [1000, 1500): arrivals 40–59 (φ + 1000 … φ + 1475): 20 sent; of them 42, 46, 50, 54, 58
//                        run (j = 10…14) and succeed, the other 15 are refused.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/simulate/compile.js';
import { runDes } from '../../src/simulate/des/engine.js';
import { percentile } from '../../src/simulate/des/histogram.js';
import type { DesScenario } from '../../src/simulate/des/types.js';
import { workloadFor } from '../../src/simulate/workload.js';
import { faultRows } from '../../src/simulate/simulate.js';
import { network } from './builder.js';

const bp = network([{ servers: 1, dist: 'const', mean: 103 }]);
const c = compile(bp, 'one');
const scenario: DesScenario = {
  faults: [],
  loads: [],
  windows: [
    { label: 'calm', from: 0, to: 100 },
    { label: 'full', from: 1000, to: 1500 },
  ],
};

describe('a refusal at the door counts in its failure window', () => {
  it('a window that sees refusals: 20 sent, 20 answered, 5 ok; a window without: 4, 4, 4', () => {
    const w = workloadFor(bp, { duration: 2000, warmup: 0, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
    for (const seed of [1, 2, 3]) {
      const raw = runDes(c, w, { seed, maxInSystem: 5, scenario });
      // the whole run as des-refusal.test.ts has it: the window counters change nothing there
      expect(raw.rejected, `seed ${seed}`).toBe(56);
      expect(raw.count[0], `seed ${seed}`).toBe(80);
      expect(raw.errors[0], `seed ${seed}`).toBe(56);
      const [calm, full] = raw.windows;
      expect(calm!.label).toBe('calm');
      expect([calm!.sent[0], calm!.total[0], calm!.ok[0]], `seed ${seed}`).toEqual([4, 4, 4]);
      expect(full!.label).toBe('full');
      // without the refusals: 5 sent, 5 answered, 5 ok — a 100% success while 3 in 4 were turned away
      expect([full!.sent[0], full!.total[0], full!.ok[0]], `seed ${seed}`).toEqual([20, 20, 5]);
      // The histogram holds only the 5 that ran (a refusal has no latency). The one let in by
      // departure j waits for the 4 ahead of it and leaves at departure j + 5: 103 (j + 5) − 25 ⌈4.12 j⌉
      // = 495, 498, 501, 504, 507 ms for j = 10…14. Ranked over the 20 sent, the p95 (rank 19) lies
      // past the 5 latencies: it reads the window's max.
      const inHist = Array.from(full!.hist).reduce((s, n) => s + n, 0);
      expect(inHist, `seed ${seed}`).toBe(5);
      expect(full!.max[0], `seed ${seed}`).toBeCloseTo(507, 6);
      expect(percentile(full!.hist, 0, full!.total[0]!, 0.95, full!.max[0]!), `seed ${seed}`).toBeCloseTo(507, 6);
    }
  });

  it('a window that sees only refusals: 0% success and no p95 (it read 0 ms, as if fast)', () => {
    // [1100, 1125) holds one arrival, k = 44 (φ + 1100), refused: 42 and 46 are the ones let in.
    const only: DesScenario = { faults: [], loads: [], windows: [{ label: 'refused', from: 1100, to: 1125 }] };
    const w = workloadFor(bp, { duration: 2000, warmup: 0, rate: 40, arrivals: 'paced', mix: { 'a.op': 1 } });
    for (const seed of [1, 2, 3]) {
      const raw = runDes(c, w, { seed, maxInSystem: 5, scenario: only });
      const [refused] = faultRows(raw, 'one');
      expect(refused, `seed ${seed}`).toEqual({ failure: 'refused', layout: 'one', success: { 'a.op': 0 }, p95: {}, overall: 0 });
    }
  });
});
