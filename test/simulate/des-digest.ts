// A DES run pinned bit for bit: shared by pinned.test.ts and des-short-pinned.test.ts.
import { createHash } from 'node:crypto';
import type { DesRaw } from '../../src/simulate/des/engine.js';

/** sha256 over every number the run returned, in a fixed order, as float64 bits. */
export function digest(raw: DesRaw): string {
  const h = createHash('sha256');
  const nums = (a: ArrayLike<number>) => h.update(Buffer.from(Float64Array.from(a).buffer));
  h.update(raw.opIds.join('\n'));
  for (const a of [raw.count, raw.errors, raw.done, raw.sum, raw.max, raw.hist, raw.backlog]) nums(a);
  for (const key of Object.keys(raw.station).sort()) nums(raw.station[key as keyof DesRaw['station']]);
  for (const win of raw.windows) {
    h.update(win.label);
    for (const a of [win.ok, win.total, win.hist, win.max]) nums(a);
  }
  nums([raw.measured, raw.arrivals, raw.inSystemArea, raw.events, raw.requests, raw.unfinished, raw.rejected]);
  return h.digest('hex');
}
