// One request's path through the DES reads in under 400 lines, in files named for what they do:
// the functions names.ts lists as the path, found in their files and counted (signature to
// closing brace). A function that grows, moves or is renamed fails here until names.ts says so.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = 'src/simulate/des/';

/** The "One request's path" table of names.ts: file → class → methods. */
function pathTable(): { file: string; cls: string; method: string }[] {
  const text = readFileSync(`${DIR}names.ts`, 'utf8');
  const block = text.split("// One request's path")[1]!.split('\n\n')[0]!;
  const out: { file: string; cls: string; method: string }[] = [];
  let file = '';
  for (const line of block.split('\n').slice(2)) {
    const m = /^\/\/ {3}(\S+\.ts)?\s+(.*?)(?: {2,}.*)?$/.exec(line);
    if (!m) continue;
    if (m[1]) file = m[1];
    let cls = '';
    for (const part of m[2]!.split(/[,;]\s*/)) {
      const q = /^(?:(\w+)\.)?(\w+)$/.exec(part.trim());
      if (!q) continue;
      if (q[1]) cls = q[1];
      else if (!cls) cls = out.findLast((x) => x.file === file)?.cls ?? '';
      out.push({ file, cls, method: q[2]! });
    }
  }
  return out;
}

/** Lines of method `name` of class `cls` in `src` (its signature through its closing brace). */
function methodLines(src: string, cls: string, name: string): number {
  const lines = src.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^export class ${cls}\\b|^class ${cls}\\b`).test(l));
  expect(start, `class ${cls}`).toBeGreaterThanOrEqual(0);
  const at = lines.findIndex((l, i) => i > start && new RegExp(`^  (?:private |readonly )*${name}\\(`).test(l));
  expect(at, `${cls}.${name}`).toBeGreaterThan(start);
  const end = lines.findIndex((l, i) => i > at && l === '  }');
  return end - at + 1;
}

describe('a request through the DES', () => {
  it('the functions on its path are where names.ts says, and together under 400 lines', () => {
    const table = pathTable();
    expect(table.length).toBeGreaterThanOrEqual(20);
    let total = 0;
    const per: string[] = [];
    for (const { file, cls, method } of table) {
      const n = methodLines(readFileSync(DIR + file, 'utf8'), cls, method);
      total += n;
      per.push(`${file} ${cls}.${method} ${n}`);
    }
    console.log(`${total} lines: ${per.join(', ')}`);
    expect(total).toBeLessThan(400);
    // A paced stream's request takes Arrivals.paced and next in place of schedule and pick (names.ts).
    const arrivals = readFileSync(`${DIR}arrivals.ts`, 'utf8');
    // nextOfMix is the driver's too, so it lives beside the workload (model/mix-order.ts)
    const lines = readFileSync('src/model/mix-order.ts', 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('export function nextOfMix('));
    expect(at, 'nextOfMix').toBeGreaterThanOrEqual(0);
    const nextOfMix = lines.findIndex((l, i) => i > at && l === '}') - at + 1;
    const paced = total - methodLines(arrivals, 'Arrivals', 'schedule') - methodLines(arrivals, 'Arrivals', 'pick') + methodLines(arrivals, 'Arrivals', 'paced') + nextOfMix;
    expect(readFileSync(`${DIR}names.ts`, 'utf8')).toContain('runs Arrivals.paced and nextOfMix in place of');
    expect(paced).toBeLessThan(400);
    // A visit that woke its process with work after its answer (cold-visit.ts afterMs) takes Stations.holdAfter too.
    expect(readFileSync(`${DIR}names.ts`, 'utf8')).toContain('also runs Stations.holdAfter');
    expect(total + methodLines(readFileSync(`${DIR}stations.ts`, 'utf8'), 'Stations', 'holdAfter')).toBeLessThan(400);
    // every file on the path is named for one part of the engine (no engine.ts holding it all)
    expect(new Set(table.map((x) => x.file)).size).toBeGreaterThanOrEqual(8);
  });
});
