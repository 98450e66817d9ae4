// `archsim report` run in this process from the sources (src/cli/actions/report.ts), its stdout,
// stderr and exit code captured the way the CLI's handle() makes them: the report's CLI checks
// tested without a build (report-cli.test.ts runs the built CLI).
import { Command } from 'commander';
import { reportError } from '../../src/cli/io.js';
import { register } from '../../src/cli/commands/report.js';
import { action, type ReportFlags } from '../../src/cli/actions/report.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Flags as commander parses them from argv (defaults included), without running the action. */
export function parseFlags(args: string[]): { file: string; flags: ReportFlags } {
  const program = new Command().exitOverride();
  let got: { file: string; flags: ReportFlags } | undefined;
  register(program);
  const cmd = program.commands.find((c) => c.name() === 'report')!;
  cmd.action((file: string, flags: ReportFlags) => {
    got = { file, flags };
  });
  program.parse(['node', 'archsim', 'report', ...args]);
  return got!;
}

export async function report(args: string[]): Promise<CliRun> {
  const { file, flags } = parseFlags(args);
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = (await action(file, flags)) ?? 0;
  } catch (e) {
    code = reportError(e);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { code, stdout, stderr };
}
