// zod validates small inputs without its JIT and large ones with it (positioned.ts,
// JIT_FROM_CHARS): a start-up saving only if both ways give the same data and the same problems.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JIT_FROM_CHARS, keysOfSchemaAt, locatorFor, validateWithSchema } from '../../src/model/positioned.js';
import { Blueprint } from '../../src/model/schema.js';
import { parseYaml } from '../../src/model/yaml-source.js';
import { ROOT } from '../helpers/cli.js';

function both(text: string, file: string) {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
  const locate = locatorFor([parsed.source]);
  const keys = (p: (string | number)[]) => keysOfSchemaAt(Blueprint, p);
  return { jitless: validateWithSchema(Blueprint, parsed.value, locate, keys, 0), jit: validateWithSchema(Blueprint, parsed.value, locate, keys, JIT_FROM_CHARS) };
}

describe('validateWithSchema with and without zod JIT', () => {
  const dir = join(ROOT, 'blueprints');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml') && !n.endsWith('.load.yaml'))) {
    it(`gives the same blueprint for ${f}`, () => {
      const { jit, jitless } = both(readFileSync(join(dir, f), 'utf8'), f);
      expect(jit.ok).toBe(true);
      expect(jitless).toEqual(jit);
    });
  }

  it('gives the same problems, at the same places, for a broken blueprint', () => {
    const text = readFileSync(join(dir, 'quantchat.yaml'), 'utf8')
      .replace(/cpu: [0-9.]+ms/, 'cpu: fast')
      .replace('metadata:', 'metadata:\n  colour: blue');
    const { jit, jitless } = both(text, 'broken.yaml');
    expect(jit.ok).toBe(false);
    expect(jit.ok ? [] : jit.errors.length).toBeGreaterThanOrEqual(2);
    expect(jitless).toEqual(jit);
  });
});
