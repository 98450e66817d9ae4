// The loader's fast path (js-yaml with yaml's core schema) must give exactly the values the yaml
// library gives, wherever it answers; everything else falls through to the yaml library.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParse } from '../../src/model/fast-yaml.js';
import { parseYaml, parseYamlSlow } from '../../src/model/yaml-source.js';

const dir = new URL('../../blueprints/', import.meta.url).pathname;
const bundled = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(`${dir}${f}`, 'utf8'));

/** Same values as the yaml library, or no answer (NaN compared as NaN, -0 as -0). */
function agrees(text: string): void {
  const fast = fastParse(text);
  if (!fast) return;
  const slow = parseYamlSlow(text, 'x.yaml');
  expect(slow.ok, text).toBe(true);
  if (slow.ok) expect(fast.value, text).toStrictEqual(slow.value);
}

const SCALARS = ['1', '-0', '+7', '0o17', '0x1F', '0x1f', '1_000', '1e3', '.5', '5.', '-.inf', '.NaN', '.nan', '1e309', 'true', 'True', 'yes', 'no', 'on', 'null', 'Null', '~', '', '2024-01-01', '12:30', '0b101', '017', '"1"', "'x'", '1.0', '3.14', '- 1', '$5', '9ms', 'a b', '"a\\tb"', '|\n  x\n  y', '>\n  x\n  y', '"\\u00e9"', "'it''s'"];
const KEYS = ['a', '1', 'true', 'x y', '"q"', "'s'", '0x10', '.5', 'Yes'];

describe('the loader’s fast path', () => {
  it('reads every bundled blueprint and gives the yaml library’s values', () => {
    for (const t of bundled) {
      expect(fastParse(t)).toBeDefined();
      agrees(t);
    }
  });

  it('gives yaml’s values for every core-schema scalar form, as values and as keys', () => {
    for (const s of SCALARS) agrees(`v: ${s}\n`);
    for (const s of SCALARS) agrees(`- ${s}\n`);
    for (const s of SCALARS.filter((x) => !x.includes('\n'))) agrees(`{ v: ${s}, w: [${s}] }\n`);
    for (const k of KEYS) agrees(`${k}: 1\n`);
    expect(fastParse('v: 0x1F\n')!.value).toEqual({ v: 31 });
    expect(fastParse('v: 1_000\n')!.value).toEqual({ v: '1_000' });
  });

  it('leaves anchors, aliases, tags, merge keys, complex, null and duplicate keys to the yaml library', () => {
    for (const t of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '<<: {a: 1}\n', '? a\n: 1\n', '[a]: 1\n', '~: 1\n', 'null: 1\n', ': 1\n', 'a: 1\na: 2\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n---\nb: 2\n', '__proto__: 1\n', 'a: [1, 2\n']) {
      expect(fastParse(t), t).toBeUndefined();
    }
    // empty and null keys wherever a key starts: after indentation, a "- ", a "{" or a ","
    // a block scalar's explicit indentation indicator (js-yaml read ">1\n  x" as "  x\n", yaml " x\n")
    for (const t of ['>1\n  ', 'a: >1\n  x\n', '- |2-\n   y\n', 'a: |+1\n  z\n']) expect(fastParse(t), t).toBeUndefined();
    for (const t of ['a:\n  : 1\n', '- : 1\n', '{a: 1, : 2}\n', '{: 1}\n', 'a:\n    NULL : 1\n', '- null: 1\n', 'a: {b: 1, ~: 2}\n', 'k : 1\n']) {
      expect(fastParse(t), t).toBeUndefined();
    }
    // A key deep in indentation is found in one pass (one pattern for both tried a line of n
    // spaces n² ways): 2,000 nested levels are handed on, to the depth limit's positioned error.
    const deep = `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
    expect(fastParse(deep)).toBeUndefined();
    // parseYaml still answers them, positioned.
    const r = parseYaml('a: 1\na: 2\n', 'd.yaml');
    expect(r.ok).toBe(false);
  });

  it('agrees with the yaml library on random YAML-like text', () => {
    const token = fc.oneof(fc.constantFrom(...SCALARS.filter((s) => !s.includes('\n')), ...KEYS, ':', ': ', '- ', '[', ']', '{', '}', ', ', '\n', '\n  ', '\n    ', '#', ' # c', '"', "'", '\t'), fc.string({ maxLength: 4 }));
    fc.assert(fc.property(fc.array(token, { maxLength: 30 }).map((ts) => ts.join('')), agrees), { numRuns: 1500 });
  });

  it('agrees with the yaml library on random values written as YAML in block and flow style', async () => {
    const { stringify } = await import('yaml');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (v, flow) => agrees(stringify(v, flow ? { collectionStyle: 'flow' } : {}))),
      { numRuns: 300 },
    );
  });
});
