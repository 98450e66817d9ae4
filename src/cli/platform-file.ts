// Reading a platform measurement (`archsim calibrate --platform -o FILE`) named on the command line:
// bounded read, JSON, then the PlatformCosts schema; every failure one line naming the file.
import { readInput } from '../io/read-input.js';
import { PlatformCosts } from '../loadtest/platform.js';
import { machine } from '../loadtest/assemble.js';
import { UsageError } from './io.js';

export function readPlatformFile(file: string, flag: string): PlatformCosts {
  const t = readInput(file);
  if (!t.ok) throw new UsageError(`${flag}: ${file}: ${t.message}`);
  let raw: unknown;
  try {
    raw = JSON.parse(t.text);
  } catch (e) {
    throw new UsageError(`${flag}: ${file}: cannot read it as JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const r = PlatformCosts.safeParse(raw);
  if (!r.success) throw new UsageError(`${flag}: ${file}: ${r.error.issues[0]!.path.join('.') || '(root)'}: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** This machine as a platform file records its own (a result file's machine without its OS). */
export function thisMachine(): PlatformCosts['machine'] {
  const { cores, cpuModel, node } = machine();
  return { cores, cpuModel, node };
}

/**
 * Why a platform measurement does not describe `here` (null when it does): another core count or
 * CPU model costs an HTTP call differently. The Node version is left to the caller to mention. Pure.
 */
export function otherMachine(p: PlatformCosts, here: PlatformCosts['machine']): string | null {
  const diff = [p.machine.cores !== here.cores ? `${p.machine.cores} cores, this machine ${here.cores}` : '', p.machine.cpuModel !== here.cpuModel ? `CPU "${p.machine.cpuModel}", this machine "${here.cpuModel}"` : ''].filter(Boolean);
  return diff.length ? `measured on another machine (${diff.join('; ')})` : null;
}
