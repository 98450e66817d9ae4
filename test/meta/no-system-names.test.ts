// archsim is built for any blueprint, never for the bundled ones: generic code must not know a
// bundled system by name. Every blueprints/*.yaml counts, so a newly bundled system is covered
// without touching this test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const bundled = readdirSync(join(ROOT, 'blueprints'))
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.load.yaml'))
  .map((f) => parse(readFileSync(join(ROOT, 'blueprints', f), 'utf8')) as { metadata: { name: string; title?: string } });
const names = [...new Set(bundled.flatMap((b) => [b.metadata.name, b.metadata.title ?? b.metadata.name]).map((n) => n.toLowerCase()))];

it('knows the bundled systems (the check below is not vacuous)', () => {
  expect(names).toEqual(expect.arrayContaining(['quantchat', 'chatpop']));
  expect(bundled.length).toBeGreaterThanOrEqual(3);
});

it('no bundled system is named in src/ (file names and contents)', () => {
  const hits: string[] = [];
  for (const f of files(join(ROOT, 'src'))) {
    const rel = relative(ROOT, f);
    const text = `${rel}\n${readFileSync(f, 'utf8')}`.toLowerCase();
    for (const n of names) if (text.includes(n)) hits.push(`${rel}: "${n}"`);
  }
  expect(hits).toEqual([]);
});
