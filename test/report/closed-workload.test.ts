// A closed workload (users who think between requests, no rate) has no rate to report at: the
// report showed an invented 100/s ("micro vs monolith at 100/s", rateRps 100) where `simulate`
// gives about 3 req/s (sweep item 3). It is refused with one line, exit 2, that gives each
// layout's throughput and asks for --rate; with --rate the report is at that rate.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { runReport } from '../../src/report/run.js';
import { report } from './in-process-cli.js';

const CLOSED = join(import.meta.dirname, 'sweep', 'closed3.yaml');

describe('report of a blueprint with a closed workload', () => {
  it('is refused in one line asking for --rate, with each layout’s throughput (exit 2)', async () => {
    const r = await report([CLOSED, '--no-faults']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^archsim: the blueprint's workload is closed \(3 users, each thinking 1000 ms between requests\): a report compares layouts at one open rate, which a closed workload does not have \(it serves (2\.9\d|3)\/s in monolith, (2\.9\d|3)\/s in micro\); pass --rate$/,
    );
    expect(r.stderr).not.toContain('100/s');
  });

  it('the library call refuses it too (no 100/s made up)', () => {
    const { blueprint } = loadBlueprint(CLOSED);
    expect(() => runReport(blueprint, { file: CLOSED, generator: 't', layouts: ['monolith', 'micro'], scenarios: [], loadtests: [] })).toThrow(/closed .*pass --rate/);
  });

  it('with --rate the report is at that rate', async () => {
    const r = await report([CLOSED, '--no-faults', '--rate', '3/s', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { workload: { rateRps: number } }).workload.rateRps).toBe(3);
  });
});
