// An internal port taken between its draw and the unit's listen (a busy machine's outgoing
// connections, a parallel run): the launcher draws another and starts the layout anyway. The
// taking is real (a listening socket on the port); only which number is drawn first is forced.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningLayout } from '../../reference-services/launcher/layout.js';
import { BLUEPRINT, scratchCluster } from './helpers.js';

const forced = vi.hoisted(() => ({ next: [] as number[] }));
vi.mock('../../reference-services/runtime/free-port.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../reference-services/runtime/free-port.js')>();
  return { ...real, freePort: async () => forced.next.shift() ?? real.freePort() };
});

const cluster = scratchCluster('port-race');
let holder: Server;
let held = 0;
let L: RunningLayout | undefined;

beforeAll(async () => {
  const { freePort } = await import('../../reference-services/runtime/free-port.js');
  const pg = await cluster.start(await freePort());
  holder = createServer();
  await new Promise<void>((res) => holder.listen(0, '127.0.0.1', res));
  held = (holder.address() as { port: number }).port;
  const { startLayout } = await import('../../reference-services/launcher/layout.js');
  forced.next = [held];
  L = await startLayout(BLUEPRINT, 'monolith', { db: 'url', databaseUrl: pg.url('postgres'), portOffset: 17800, logLevel: 'warn', durable: false, supervise: false, logDir: `${process.env.TMPDIR ?? '/tmp'}/archsim-port-race-${process.pid}` });
}, 120_000);
afterAll(async () => {
  await L?.stop();
  holder?.close();
  await cluster.cleanup();
});

describe('a unit whose internal port was taken before it listened', () => {
  it('is started again on a port drawn anew, and the layout serves', async () => {
    const unit = L!.units[0]!;
    expect(Number(new URL(unit.internalUrl).port)).not.toBe(held);
    // The first start really failed on the held port: its log says so.
    expect(readFileSync(unit.log, 'utf8')).toMatch(new RegExp(`EADDRINUSE[^\\n]*:${held}`));
    const r = await fetch(`${unit.url}/ready`);
    expect(r.status).toBe(200);
    expect(unit.state).toBe('up');
  });
});
