// Percentiles where rare long waits carry the variance: one worker serving 0.01 ms requests and,
// one in 10,001, a 5 s one. The one-gamma fit of the short requests' latency (mean 25 ms, most of
// it from the rare waits) has shape far below 1 and put p50 = p99 = max = 0, below their own work
// and below their mean. The two-part fit (no wait, or a wait) keeps them at their work.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { simulate } from '../../src/simulate/simulate.js';

const parsed = parseBlueprint(
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: skewed }
system:
  domains:
    app:
      operations:
        tiny: { route: GET /tiny, cpu: 0.01ms }
        huge: { route: GET /huge, cpu: 5s }
layouts:
  one:
    units:
      app: { domains: "*", port: 80, workers: 1 }
workload: { rate: 10/s, mix: { app.tiny: 10000, app.huge: 1 } }
`,
  'skewed.yaml',
);
if (!parsed.ok) throw new Error('fixture does not load');
const bp = parsed.blueprint;

describe('analytic percentiles when rare long waits carry the variance', () => {
  it('the short requests sit at their own work up to p99, as in the DES, and max is above the mean', () => {
    const a = simulate(bp, 'one', { method: 'analytic' }).operations.find((o) => o.id === 'app.tiny')!.latency;
    // A long DES: a 5 s request comes about every 1,000 s.
    const d = simulate(bp, 'one', { duration: 4_000_000, seed: 3 }).operations.find((o) => o.id === 'app.tiny')!.latency;
    expect(a.mean).toBeGreaterThan(20); // the waits behind the 5 s requests: P(busy) · residual
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      expect(a[p], p).toBeGreaterThanOrEqual(0.005);
      expect(a[p], p).toBeLessThan(0.1);
      expect(Math.abs(a[p] - d[p]), `${p}: analytic ${a[p]}, DES ${d[p]}`).toBeLessThan(0.02);
    }
    expect(a.max).toBeGreaterThan(a.mean);
  }, 120_000);
});
