// What a measurement outside any layout starts for itself (`calibrate --platform`'s benchmark
// children, its scratch PostgreSQL), kept in one place so that a signal can end all of it: the
// children are forked from the CLI and would outlive it, the scratch cluster too.
import type { ChildProcess } from 'node:child_process';

/** The interface a benchmark is handed: register each child, and how to stop anything else it started. */
export interface ScratchTracker {
  child<T extends ChildProcess>(p: T): T;
  /** `stop` runs on a signal; the returned function unregisters it (the benchmark stopped it itself) */
  stopping(stop: () => Promise<unknown>): () => void;
}

export class ScratchProcesses implements ScratchTracker {
  private readonly procs = new Set<ChildProcess>();
  private readonly stoppers = new Set<() => Promise<unknown>>();

  child<T extends ChildProcess>(p: T): T {
    this.procs.add(p);
    p.once('exit', () => this.procs.delete(p));
    return p;
  }

  stopping(stop: () => Promise<unknown>): () => void {
    this.stoppers.add(stop);
    return () => this.stoppers.delete(stop);
  }

  /** Live children: SIGKILL (they are scratch processes with nothing to drain); then every stopper, errors ignored. */
  async stop(): Promise<void> {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await Promise.all([...this.stoppers].map((s) => s().catch(() => undefined)));
  }

  /** Pids still running (for tests and the last-resort message). */
  get running(): number[] {
    return [...this.procs].filter((p) => p.exitCode === null && p.signalCode === null && p.pid !== undefined).map((p) => p.pid!);
  }
}
