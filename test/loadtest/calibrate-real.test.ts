// Calibration from real measurements: the trivial server spinning a known 2 ms of CPU per
// request, measured at two rates through /proc; calibrate must find about that demand and the
// overlay must load.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startTrivialServer, type TrivialServer } from '../../src/loadtest/trivial-server.js';
import { loadTestTarget } from '../../src/loadtest/target.js';
import { trivialScenario } from '../../src/loadtest/scenario.js';
import { calibrate, overlayYaml } from '../../src/loadtest/calibrate.js';
import { loadBlueprint } from '../../src/io/load.js';
import { operationIndex } from '../../src/model/resolve.js';
import { ROOT } from '../helpers/cli.js';

const BP = join(ROOT, 'test/fixtures/loadtest/trivial.yaml');
let server: TrivialServer | undefined;
afterAll(async () => server?.stop());

describe('calibrate on a real measurement', () => {
  it('finds the CPU the endpoint spends per request', async () => {
    server = await startTrivialServer({ cpuMs: 2 });
    const results = [];
    for (const rate of [60, 150]) {
      results.push(
        await loadTestTarget({
          target: server.url,
          scenario: trivialScenario({ id: 'trivial.get' }),
          model: 'open',
          rate,
          duration: 1.5,
          warmup: 0.3,
          processes: [{ unit: 'app', role: 'unit', pid: server.pid }],
          blueprint: 'trivial',
          layout: 'single',
        }),
      );
    }
    const bp = loadBlueprint(BP).blueprint;
    const cal = calibrate(bp, results);
    const op = cal.operations.find((o) => o.id === 'trivial.get')!;
    // 2 ms of spinning plus Node's HTTP handling; /proc counts in 10 ms ticks, hence the band.
    expect(op.cpuMs).toBeGreaterThan(1.8);
    expect(op.cpuMs).toBeLessThan(3.5);
    const dir = mkdtempSync(join(tmpdir(), 'archsim-calreal-'));
    const out = join(dir, 'calibrated.yaml');
    writeFileSync(out, overlayYaml(bp, cal, { extendsPath: relative(dir, BP), sources: ['r60.json', 'r150.json'] }));
    const calibrated = loadBlueprint(out).blueprint;
    expect(operationIndex(calibrated).get('trivial.get')!.op.cpu.mean).toBe(op.cpuMs);
  });
});
