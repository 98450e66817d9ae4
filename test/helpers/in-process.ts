// A CLI action run in this process from the sources, its stdout, stderr and exit code captured
// as the CLI's handler makes them (an error becomes reportError's line and code): the actions'
// checks tested without a build.
import { reportError } from '../../src/cli/io.js';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAction(f: () => Promise<number | void>): Promise<ActionRun> {
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = (await f()) ?? 0;
  } catch (e) {
    code = reportError(e);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { code, stdout, stderr };
}
