import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressInUse, ephemeralRange, freePort, portBand, portFree } from '../../reference-services/runtime/free-port.js';

describe('free ports for processes that listen a moment later', () => {
  it('reads the kernel range, and refuses a garbled or missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-range-'));
    writeFileSync(join(dir, 'ok'), '32768\t60999\n');
    writeFileSync(join(dir, 'bad'), 'sixty thousand\n');
    writeFileSync(join(dir, 'reversed'), '60999 32768\n');
    expect(ephemeralRange(join(dir, 'ok'))).toEqual([32768, 60999]);
    expect(ephemeralRange(join(dir, 'bad'))).toBeUndefined();
    expect(ephemeralRange(join(dir, 'reversed'))).toBeUndefined();
    expect(ephemeralRange(join(dir, 'absent'))).toBeUndefined();
  });

  it('draws above the ephemeral range, or leaves the choice to the kernel when too little is left there', () => {
    expect(portBand([32768, 60999])).toEqual([61000, 65535]);
    expect(portBand([1024, 65535])).toBeUndefined();
    expect(portBand([32768, 65100])).toBeUndefined();
  });

  it('gives a port in the band that nothing holds, and skips one that is held', async () => {
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    const held = (s.address() as { port: number }).port;
    try {
      expect(await portFree(held)).toBe(false);
      // A band of one held port: no draw can succeed, so the kernel chooses.
      const p = await freePort([held, held]);
      expect(p).not.toBe(held);
      expect(await portFree(p)).toBe(true);
      const q = await freePort([61000, 65535]);
      expect(q).toBeGreaterThanOrEqual(61000);
      expect(q).toBeLessThanOrEqual(65535);
    } finally {
      s.close();
    }
  });

  it('tells a taken port from another port, or another error, in a log', () => {
    const line = '{"level":60,"msg":"unit failed to start","err":"listen EADDRINUSE: address already in use 127.0.0.1:38355"}';
    expect(addressInUse(line, 38355)).toBe(true);
    expect(addressInUse(line, 3835)).toBe(false);
    expect(addressInUse(line, 8355)).toBe(false);
    expect(addressInUse('{"err":"connect ECONNREFUSED 127.0.0.1:38355"}', 38355)).toBe(false);
  });
});
