// A base URL reaches the k6 script twice: in its `// Run:` comment and as the BASE_URL default.
// The CLI refuses anything but an http(s) URL, but the library (generate('k6', …, { baseUrl }))
// takes any string: a line break there ended the comment and made the rest of it code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadBlueprint } from '../../src/io/load.js';

const { blueprint } = loadBlueprint('blueprints/quantchat.yaml');

describe('k6: the base URL as text', () => {
  it('a line break, a U+2028 and a comment terminator stay inside the comment and the string', () => {
    const hostile = 'http://gw:8000\nimport evil from "x";\u2028globalThis.pwned = 1; */ x';
    const script = generate('k6', blueprint, 'monolith', { baseUrl: hostile }).find((f) => f.path.endsWith('load-test.js'))!.content;
    const run = script.split('\n').filter((l) => l.startsWith('// Run:'));
    expect(run).toEqual(['// Run: k6 run -e BASE_URL=http://gw:8000 import evil from "x"; globalThis.pwned = 1; * / x load-test.js']);
    expect(script).not.toMatch(/^import evil/m);
    expect(script).toContain(String.raw`const BASE_URL = (__ENV.BASE_URL || "http://gw:8000\nimport evil from \"x\";\u2028globalThis.pwned = 1; */ x")`);
    // and it is still JavaScript that parses (k6 scripts are ES modules)
    const dir = mkdtempSync(join(tmpdir(), 'archsim-k6-url-'));
    try {
      writeFileSync(join(dir, 'load-test.mjs'), script);
      const r = spawnSync(process.execPath, ['--check', join(dir, 'load-test.mjs')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
