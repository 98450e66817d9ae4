// A worker thread that runs simulations for the CLI: the sweep's parallel points, and single
// runs on a TTY so the main thread can draw progress while the DES works. I/O edge code: the
// pure engine never knows it runs here.
import { parentPort, workerData } from 'node:worker_threads';
import { toWire, type WireError } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import { simulate, type SimulateOptions } from '../simulate/simulate.js';

export interface SimJob {
  id: number;
  layout: string;
  options: SimulateOptions;
}

export type SimMessage =
  | { type: 'progress'; id: number; fraction: number; replication: number }
  | { type: 'done'; id: number; result: ReturnType<typeof simulate> }
  | { type: 'error'; id: number; error: WireError };

const bp = (workerData as { blueprint: Blueprint }).blueprint;
const port = parentPort!;
port.on('message', (job: SimJob | 'exit') => {
  if (job === 'exit') {
    port.close();
    return;
  }
  try {
    let last = -1;
    const result = simulate(bp, job.layout, {
      ...job.options,
      onProgress: (fraction, replication) => {
        const pct = Math.floor(fraction * 100);
        if (pct !== last) {
          last = pct;
          port.postMessage({ type: 'progress', id: job.id, fraction, replication } satisfies SimMessage);
        }
      },
    });
    port.postMessage({ type: 'done', id: job.id, result } satisfies SimMessage);
  } catch (e) {
    port.postMessage({ type: 'error', id: job.id, error: toWire(e) } satisfies SimMessage);
  }
});
