// Work a window's requests caused that the system had not done when the window ended. A
// saturated system can keep answering while the events its requests publish pile up in the
// outbox and the queue (reference-services/runtime/event-backlog.ts): measured on the monolith
// (2026-12-05, 16 connections back to back), the outbox grew by ~170 events/s for as long as
// the load lasted, then took 8 s and 5.6 s of CPU to drain once it stopped; in the same runs the
// notifications' and relay's rows per request were a third lower than at 60/s. So the closed
// (capacity) run's CPU per request read low (PostgreSQL's cache database 0.18 ms a request
// against 0.45–0.50 at any open rate) and its throughput was not one the system can sustain.
// After the windows the backlog is drained and measured (its CPU per event); each window is
// charged with the events its own requests left (the backlog's growth across it), and a closed
// window's throughput is what the system sustains doing that work too. Pure.
import { round } from './proc.js';
import type { LoadTestResult, ProcessUsage } from './result.js';

/** Events waiting at a window's measured start and end. */
export interface WindowBacklog {
  start: number;
  end: number;
}

/** The drain after the load: how many events it handled, in how long, and each process's CPU above its idle. */
export interface Drain {
  events: number;
  seconds: number;
  /** per process (unit and role as in the windows), CPU seconds above the process's idle background */
  processes: Pick<ProcessUsage, 'unit' | 'role' | 'cpuSeconds' | 'databaseCpuSeconds'>[];
  /** false: the backlog was not empty when the drain's time limit came */
  complete: boolean;
}

const r4 = (x: number) => round(x, 4);
const same = (a: { unit: string; role?: string }, b: { unit: string; role?: string }) => a.unit === b.unit && (a.role ?? 'unit') === (b.role ?? 'unit');

/**
 * The factor by which a closed window's throughput falls once the work it deferred is counted:
 * the system spent `cpu` seconds of CPU on the window and would have needed `deferred` more at
 * the same pace, so it sustains cpu / (cpu + deferred) of what it answered. Negative deferred
 * work (the window finished earlier windows' events) raises it.
 */
export function sustainedShare(cpu: number, deferred: number): number {
  if (!(cpu > 0)) return 1;
  const total = Math.max(cpu + deferred, 1e-9);
  return cpu / total;
}

/**
 * Each window with the work its requests left behind charged to it: every process's CPU (and a
 * database server's per-database CPU) raised by the window's backlog growth times the drain's
 * CPU per event; a closed window's throughput (totals and per operation) scaled by
 * sustainedShare. An open window's throughput is its offered rate and stays. Windows whose
 * backlog did not change are returned as they were.
 */
export function chargeDeferredWork(windows: readonly LoadTestResult[], backlog: readonly WindowBacklog[], drain: Drain): LoadTestResult[] {
  if (!(drain.events > 0)) return [...windows];
  return windows.map((w, i) => {
    const b = backlog[i];
    const grew = b ? b.end - b.start : 0;
    if (grew === 0) return w;
    const share = grew / drain.events;
    let before = 0;
    let added = 0;
    const processes = w.processes.map((p) => {
      if (p.role === 'driver') return p;
      before += p.cpuSeconds;
      const d = drain.processes.find((q) => same(q, p));
      if (!d) return p;
      const cpuSeconds = r4(Math.max(0, p.cpuSeconds + share * d.cpuSeconds));
      added += cpuSeconds - p.cpuSeconds;
      const dbs = p.databaseCpuSeconds ? Object.fromEntries(Object.entries(p.databaseCpuSeconds).map(([k, v]) => [k, r4(Math.max(0, v + share * (d.databaseCpuSeconds?.[k] ?? 0)))])) : undefined;
      return { ...p, cpuSeconds, cpuUtilization: r4(cpuSeconds / Math.max(1e-9, w.run.duration)), ...(dbs ? { databaseCpuSeconds: dbs } : {}) };
    });
    if (w.run.model !== 'closed') return { ...w, processes };
    const k = sustainedShare(before, added);
    return {
      ...w,
      processes,
      operations: w.operations.map((o) => (o.throughput === null ? o : { ...o, throughput: r4(o.throughput * k) })),
      totals: { ...w.totals, throughput: r4(w.totals.throughput * k) },
    };
  });
}

/** What a result says about it (one note for the run). */
export function deferredNote(backlog: readonly WindowBacklog[], drain: Drain, closed: boolean, before: readonly LoadTestResult[], after: readonly LoadTestResult[]): string {
  const grew = backlog.map((b) => b.end - b.start);
  const cpu = drain.processes.reduce((a, p) => a + p.cpuSeconds, 0);
  const perEvent = drain.events > 0 ? (cpu * 1000) / drain.events : 0;
  const shares = before.map((w, i) => (w.totals.throughput > 0 ? after[i]!.totals.throughput / w.totals.throughput : 1));
  return (
    `events left queued (outbox and queue) when the load stopped: ${drain.events}, ${drain.complete ? 'drained' : 'not all drained (time limit)'} in ${r4(drain.seconds)} s with ${r4(cpu)} s of CPU above idle (${r4(perEvent)} ms an event); ` +
    `each window charged with the events its requests left (backlog growth ${grew.join(', ')})` +
    (closed ? `, and its throughput scaled to what the system sustains doing that work too (×${shares.map((s) => s.toFixed(3)).join(', ×')})` : '')
  );
}
