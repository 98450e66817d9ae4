// Whatever the suite runs, the machine's init keeps the cores it had: a test that pinned pid 1
// (through a system under test whose tree was every process) left every later process, the rest
// of the suite and CI's next steps among them, on one core. Checked once, after all the tests.
import { readFileSync } from 'node:fs';

const initCores = () => {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/1/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null; // no /proc: nothing pins here either
  }
};

export default function setup() {
  const before = initCores();
  return () => {
    const after = initCores();
    if (after === before) return;
    // vitest prints a teardown's error but still exits 0: the exit code is set here.
    process.exitCode = 1;
    throw new Error(`the tests moved init (pid 1) from cores ${before} to ${after}: something pinned a process it does not own`);
  };
}
