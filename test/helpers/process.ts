// Waiting on processes and ports in tests that start real layouts.
import { createServer } from 'node:net';

/** Whether nothing listens on 127.0.0.1:port (a listener can be opened there). */
export const portFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

/** Poll `pred` until it holds, or fail after `ms` naming `what`. */
export async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out: ${what}`);
}
