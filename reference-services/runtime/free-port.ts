// A free TCP port on 127.0.0.1 for a process that will listen on it a moment later (a unit's
// internal listener, the gateway's admin port, an embedded PostgreSQL).
//
// Why not simply port 0: the kernel then hands out a port from the ephemeral range, the same
// range it uses for the local end of every outgoing connection. Between the probe and the child's
// listen (about a second of Node start-up) a busy machine — a load test opening thousands of
// connections, a parallel test run — can take that very port for a connection, and the child dies
// with EADDRINUSE. Ports above the ephemeral range are never handed to outgoing connections, so on
// Linux the choice is made there (at random, probed), and port 0 is only the fallback.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's range for outgoing connections' local ports (Linux), or undefined elsewhere. */
export function ephemeralRange(file = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] | undefined {
  try {
    const [lo, hi] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo! > 0 && hi! >= lo!) return [lo!, hi!];
  } catch {
    /* not Linux, or /proc not mounted */
  }
  return undefined;
}

/** Listens on the port for a moment: true if nothing else holds it. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The band a free port is drawn from: above the ephemeral range when at least 512 ports remain there. */
export function portBand(range = ephemeralRange()): [number, number] | undefined {
  if (!range || 65535 - range[1] < 512) return undefined;
  return [range[1] + 1, 65535];
}

/**
 * A port nothing holds now, drawn at random from above the ephemeral range (see the header);
 * the kernel's choice when that band is absent or 64 draws found nothing free.
 */
export async function freePort(band = portBand()): Promise<number> {
  if (band) {
    for (let i = 0; i < 64; i++) {
      const p = band[0] + Math.floor(Math.random() * (band[1] - band[0] + 1));
      if (await portFree(p)) return p;
    }
  }
  return kernelPort();
}

/** True when a process's log says its listen failed because the port was taken. */
export function addressInUse(logTail: string, port: number): boolean {
  return new RegExp(`EADDRINUSE[^\\n]*:${port}\\b`).test(logTail);
}
