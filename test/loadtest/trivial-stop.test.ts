// The trivial server's stop() ends it even mid-request: a request of --trivial-cpu 1h spins
// synchronously, so SIGTERM's handler never ran and stop() (and `loadtest --target trivial`)
// waited for the hour. Now SIGKILL follows after STOP_GRACE_MS.
import { expect, it } from 'vitest';
import { startTrivialServer, STOP_GRACE_MS } from '../../src/loadtest/trivial-server.js';

it('stop() ends a server busy in a long request within its grace period', async () => {
  const s = await startTrivialServer({ cpuMs: 3_600_000 });
  // one request: the server spins on it (never answered)
  void fetch(s.url, { signal: AbortSignal.timeout(STOP_GRACE_MS + 5000) }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  await s.stop();
  const ms = performance.now() - t0;
  expect(s.child.signalCode).toBe('SIGKILL');
  expect(ms).toBeGreaterThanOrEqual(STOP_GRACE_MS - 50);
  expect(ms).toBeLessThan(STOP_GRACE_MS + 3000);
}, 20_000);

it('an idle server still ends on SIGTERM, at once', async () => {
  const s = await startTrivialServer();
  const t0 = performance.now();
  await s.stop();
  expect(s.child.exitCode).toBe(0);
  expect(performance.now() - t0).toBeLessThan(STOP_GRACE_MS);
});
