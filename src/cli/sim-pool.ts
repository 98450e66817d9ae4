// Runs simulation jobs on worker threads, at most `size` at a time, and reports progress.
import { Worker } from 'node:worker_threads';
import { fromWire } from '../errors.js';
import type { Blueprint } from '../model/schema.js';
import type { SimulateOptions } from '../simulate/simulate.js';
import type { SimulationResult } from '../simulate/types.js';
import type { SimJob, SimMessage } from './sim-worker.js';

export async function runPool(
  blueprint: Blueprint,
  jobs: { layout: string; options: SimulateOptions }[],
  size: number,
  onProgress?: (done: number, fractions: number[]) => void,
): Promise<SimulationResult[]> {
  const results: SimulationResult[] = new Array(jobs.length);
  const fractions = jobs.map(() => 0);
  let next = 0;
  let done = 0;
  const n = Math.max(1, Math.min(size, jobs.length));
  const url = new URL('./sim-worker.js', import.meta.url);
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(url, { workerData: { blueprint } });
        const feed = () => {
          if (next >= jobs.length) {
            w.postMessage('exit');
            void w.terminate().then(() => resolve());
            return;
          }
          const id = next++;
          w.postMessage({ id, layout: jobs[id]!.layout, options: jobs[id]!.options } satisfies SimJob);
        };
        w.on('message', (m: SimMessage) => {
          if (m.type === 'progress') {
            fractions[m.id] = m.fraction;
            onProgress?.(done, fractions);
          } else if (m.type === 'done') {
            results[m.id] = m.result;
            fractions[m.id] = 1;
            done++;
            onProgress?.(done, fractions);
            feed();
          } else {
            void w.terminate();
            reject(fromWire(m.error));
          }
        });
        w.on('error', reject);
        feed();
      }),
    ),
  );
  return results;
}
