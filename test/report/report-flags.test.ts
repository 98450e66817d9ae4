// `archsim report` flags that mean nothing together are refused in one line, exit 2, before
// anything is read (README, Commands); and the help lists every budget figure (sweep items 5, 6, 8).
import { Command } from 'commander';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/report.js';
import { report } from './in-process-cli.js';

const BAKERY = join(import.meta.dirname, 'sweep', 'bakery.yaml');

describe('report: flags that mean nothing together', () => {
  it('--scenario with --no-faults is refused, even for a file that does not exist (item 5)', async () => {
    const r = await report([BAKERY, '--no-faults', '--scenario', join(import.meta.dirname, 'no-such-scenario.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('archsim: --scenario and --no-faults mean nothing together: --scenario chooses the failure scenarios of the fault-isolation runs, which --no-faults skips\n');
  });

  it('--json without --out is refused: the summary would take the report’s place on stdout (item 6)', async () => {
    for (const args of [['--json'], ['--json', '--format', 'json']]) {
      const r = await report([BAKERY, '--no-faults', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('archsim: --json prints a summary of the files --out writes; without --out, --format json prints the report itself as JSON\n');
    }
  });

  it('--format json without --out prints the report itself as JSON', async () => {
    const r = await report([BAKERY, '--no-faults', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { schemaVersion: number; layouts: { name: string }[] };
    expect(json.schemaVersion).toBe(1);
    expect(json.layouts.map((l) => l.name)).toEqual(['monolith', 'micro']);
  });
});

describe('report --help', () => {
  it('lists success(scenario:op) among the budget figures (item 8)', () => {
    const program = new Command();
    register(program);
    let text = '';
    const cmd = program.commands.find((c) => c.name() === 'report')!;
    cmd.configureOutput({ writeOut: (s) => (text += s) });
    cmd.outputHelp();
    const figures = /Figures: ([^]*?)\n\n/.exec(text)![1]!.replace(/\s+/g, ' ');
    expect(figures).toBe('cost.monthly, cost.perMillion, throughput[(op)], mean|p50|p95|p99(op), hops(op), utilization(station), replicas(unit), success(scenario:op), lint.errors, lint.warnings.');
  });
});
