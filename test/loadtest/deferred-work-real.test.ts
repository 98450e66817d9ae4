// The monolith saturated (16 connections back to back, the system on one core and the driver on
// the other) answers faster than it handles the events its requests publish: they pile up in its
// outbox. The run drains them after its windows, charges each window with its share, and reports
// a throughput the system sustains doing that work too. Real reference services, real
// PostgreSQL, through the CLI.
import { describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';
import { parseResults } from '../../src/loadtest/result.js';
import { SINGLE_USE_OPERATIONS } from '../../src/loadtest/layout-run.js';
import { loadBlueprint } from '../../src/io/load.js';

const bp = loadBlueprint(new URL('../../blueprints/quantchat.yaml', import.meta.url).pathname).blueprint;
const ops = Object.keys(bp.workload!.mix).filter((id) => !SINGLE_USE_OPERATIONS.includes(id));

describe('work left queued by a saturated run', () => {
  it('is drained after the windows, charged to them, and the throughput scaled to what is sustained', { timeout: 300_000 }, () => {
    const r = archsim(['loadtest', 'blueprints/quantchat.yaml', '--layout', 'monolith', '--users', '16', '--duration', '2s', '--warmup', '3s', '--replications', '2', '--operation', ops.join(','), '--port-offset', '23500', '--json'], { timeoutMs: 280_000 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const [res] = parseResults(r.stdout, 'stdout');
    expect(res!.totals.errors.total).toBe(0);
    const note = res!.run.notes.find((n) => n.startsWith('events left queued'));
    expect(note, res!.run.notes.join('\n')).toBeDefined();
    const m = /when the load stopped: (\d+), drained in [\d.]+ s with ([\d.]+) s of CPU above idle \(([\d.]+) ms an event\); each window charged with the events its requests left \(backlog growth ([-\d, ]+)\), and its throughput scaled to what the system sustains doing that work too \((×[\d.]+(?:, ×[\d.]+)*)\)$/.exec(note!);
    expect(m, note).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeGreaterThan(0);
    const factors = m![5]!.split(', ').map((f) => Number(f.slice(1)));
    expect(factors).toHaveLength(2);
    // Each window reports what the system sustains: what it answered per second times its factor.
    res!.windows!.forEach((w, i) => {
      const answered = w.totals.requests / w.duration;
      expect(w.totals.throughput).toBeCloseTo(answered * factors[i]!, 0);
      // the events its requests left grew the backlog, so it sustains less than it answered
      if (Number(m![4]!.split(', ')[i]) > 0) expect(factors[i]!).toBeLessThan(1);
    });
  });
});
