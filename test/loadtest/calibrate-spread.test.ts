// A database whose CPU per request falls with load (durable commits whose flush overlapping
// commits share): the calibration pools its runs into one figure, so it says so.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadBlueprint } from '../../src/io/load.js';
import { calibrate, perRequestSpread, SPREAD_WARN } from '../../src/loadtest/calibrate.js';
import { LoadTestResult } from '../../src/loadtest/result.js';
import { ROOT } from '../helpers/cli.js';

describe('perRequestSpread', () => {
  it('compares the lightest run with the heaviest by throughput, and warns from 1.5× up', () => {
    expect(SPREAD_WARN).toBe(1.5);
    const runs = [
      { throughput: 270, requests: 2700, cpuSeconds: 2.7 }, // 1 ms
      { throughput: 70, requests: 700, cpuSeconds: 2.1 }, // 3 ms
      { throughput: 140, requests: 1400, cpuSeconds: 2.8 }, // 2 ms: between, not compared
    ];
    expect(perRequestSpread(runs)).toBe(
      'CPU per request 3 ms at 70/s against 1 ms at 270/s (×3): it falls with load (work that overlapping requests share, e.g. a durable commit’s flush shared by the commits that overlap it), and the figures here pool the runs, so a prediction at light load has too little of this CPU and one near capacity too much'.replace('’', "'"),
    );
    // exactly 1.5× warns, just under does not
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.15 }, { throughput: 200, requests: 200, cpuSeconds: 0.2 }])).toMatch(/^CPU per request 1\.5 ms at 100\/s against 1 ms at 200\/s \(×1\.5\)/);
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.1499 }, { throughput: 200, requests: 200, cpuSeconds: 0.2 }])).toBeNull();
    // figures to two decimals
    expect(perRequestSpread([{ throughput: 68.6667, requests: 618, cpuSeconds: 1.3832 }, { throughput: 276.3333, requests: 1658, cpuSeconds: 1.5527 }])).toMatch(/^CPU per request 2\.24 ms at 68\.67\/s against 0\.94 ms at 276\.33\/s \(×2\.39\)/);
    // rising with load (contention) is not this warning's
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.1 }, { throughput: 200, requests: 200, cpuSeconds: 0.6 }])).toBeNull();
  });

  it('needs two runs with requests and a heavy run that used CPU', () => {
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.3 }])).toBeNull();
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.3 }, { throughput: 0, requests: 0, cpuSeconds: 0 }])).toBeNull();
    expect(perRequestSpread([{ throughput: 100, requests: 100, cpuSeconds: 0.3 }, { throughput: 200, requests: 200, cpuSeconds: 0 }])).toBeNull();
    expect(perRequestSpread([])).toBeNull();
  });
});

describe('calibrate on a database whose CPU per request falls with load', () => {
  const bp = loadBlueprint(join(ROOT, 'blueprints/quantchat.yaml')).blueprint;
  const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
  const run = (rate: number, dbMsPerRequest: number) => {
    const duration = 10;
    const n = rate * duration;
    const db = (n * dbMsPerRequest) / 1000;
    return LoadTestResult.parse({
      schemaVersion: 1,
      run: { blueprint: 'quantchat', layout: 'monolith', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate, connections: 16, duration, started: '2026-12-04T19:00:00.000Z', machine: { cores: 2, cpuModel: 'AMD EPYC', node: 'v20.20.2' } },
      operations: [{ id: 'messages.send', requests: n, throughput: rate, errors: { total: 0, byKind: {} }, latency }],
      totals: { requests: n, throughput: rate, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
      processes: [
        { unit: 'backend', role: 'unit', pid: 100, cpuSeconds: n * 0.002, cpuUtilization: (n * 0.002) / duration, rssMaxMiB: 80 },
        { unit: 'main', role: 'datastore', pid: 200, cpuSeconds: db, cpuUtilization: db / duration, rssMaxMiB: 40 },
      ],
      driver: { pid: 300, cpuSeconds: 1, cpuUtilization: 0.1, rssMaxMiB: 60 },
    });
  };

  it('warns with both figures, and not when the figure holds', () => {
    const falling = calibrate(bp, [run(70, 3), run(140, 2.4), run(270, 1)], { residualWaits: false });
    expect(falling.warnings.filter((w) => w.startsWith('main: CPU per request'))).toEqual([expect.stringMatching(/^main: CPU per request 3 ms at 70\/s against 1 ms at 270\/s \(×3\): it falls with load/)]);
    const steady = calibrate(bp, [run(70, 1.2), run(140, 1.1), run(270, 1)], { residualWaits: false });
    expect(steady.warnings.some((w) => w.includes('CPU per request'))).toBe(false);
  });
});
