// compare's "per million requests at 570/s" divided the bill by the throughput the layout's DES
// measured (571.9/s), not by the 570/s it names, and so disagreed with report's figure for the
// same bill ($0.45 against $0.44 at "160/s"). It divides by the rate it names, as report does. In
// this process from the sources: a BFF fanning out to 4 services at ρ 0.8, whose figures at the
// rate come from a seeded DES (simulate/at-rate.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAction } from '../helpers/in-process.js';
import { perMillion } from '../../src/simulate/cost.js';

const { action: compare } = await import('../../src/cli/actions/compare.js');

const dir = mkdtempSync(join(tmpdir(), 'archsim-cost-per-million-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bpFile = join(dir, 'fan.yaml');
const svc = (i: number) => `    s${i}: { tables: [], operations: { get: { route: GET /s${i}, cpu: 0.5ms } } }`;
writeFileSync(
  bpFile,
  `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: fan }
system:
  defaults: { payload: { request: 0B, response: 0B } }
  domains:
    front: { tables: [], operations: { page: { route: GET /page, cpu: 1ms, calls: [s0.get, s1.get, s2.get, s3.get] } } }
${[0, 1, 2, 3].map(svc).join('\n')}
layouts:
  split:
    network: { latency: 0.5ms, cpuPerCall: 0.1ms, cpuPerKiB: 0ms }
    units:
      bff: { domains: [front], port: 8000, instance: box }
${[0, 1, 2, 3].map((i) => `      svc${i}: { domains: [s${i}], port: ${8001 + i}, instance: box }`).join('\n')}
workload: { rate: 570/s, mix: { front.page: 1 } }
catalog:
  box: { vcpu: 1, usdPerMonth: $2000 }
`,
);

describe('compare: the cost per million requests at the rate it names', () => {
  it('$10000 a month at 570/s is $6.68 per million (the DES measured 571.9/s: $6.65 was printed)', async () => {
    const j = JSON.parse((await runAction(() => compare(bpFile, { faults: false, json: true }))).stdout);
    // the figures at the rate are the DES's, whose throughput is not the rate
    expect(j.atRate[0].method).toBe('des');
    expect(j.atRate[0].operations[0].throughput).not.toBe(570);
    expect(j.cost[0].perMillionRequests).toBe(perMillion(10_000, 570));
    const r = await runAction(() => compare(bpFile, { faults: false }));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('per million requests'))).toEqual(['per million requests at 570/s   $6.68']);
  }, 60_000);
});
