// One small monolith result for tests that need a calibration to exist.
import { LoadTestResult } from '../../src/loadtest/result.js';

export function oneResult(): LoadTestResult {
  const latency = { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 9 };
  return LoadTestResult.parse({
    schemaVersion: 1,
    run: { blueprint: 'quantchat', layout: 'monolith', target: 'http://127.0.0.1:8000', driver: 'embedded', model: 'open', rate: 100, connections: 64, duration: 10, started: '2026-11-30T00:00:00.000Z', machine: { cores: 2, cpuModel: 'x', node: 'v20' } },
    operations: [{ id: 'messages.send', requests: 1000, throughput: 100, errors: { total: 0, byKind: {} }, latency }],
    totals: { requests: 1000, throughput: 100, errors: { total: 0, byKind: {} }, latency, dropped: 0 },
    processes: [{ unit: 'backend', role: 'unit', pid: 1, cpuSeconds: 2, cpuUtilization: 0.2, rssMaxMiB: 80 }],
    driver: null,
  });
}
