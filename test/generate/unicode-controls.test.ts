// Line separators, NEL and bidirectional-text controls in text that reaches generated files. A
// YAML 1.1 reader (kubectl, PyYAML) takes NEL and U+2028/9 for line breaks, so written raw they
// broke a ConfigMap and a compose file; bidi controls reorder a file as an editor shows it
// ("Trojan Source"). Environment values refuse them; every generated YAML scalar and the data a
// k6 script carries write them escaped (the same characters, as \uXXXX). Hostile examples each.
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../src/generate/common.js';
import { jsonText } from '../../src/generate/escape.js';
import { generate } from '../../src/generate/index.js';
import { parseBlueprint } from '../../src/model/parse.js';

const HOSTILE = { ls: 'a\u2028b', ps: 'c\u2029d', nel: 'p\u0085q', c1: 'r\u009bs', rlo: 'x\u202ey', lri: 'u\u2066v', alm: 'w\u061cz' };
const RAW = /[\u0080-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('generated YAML holds no raw line separator, C1 or bidi control', () => {
  it('toYaml double-quotes and escapes them, and a YAML 1.1 reader gets the same strings back', () => {
    const text = toYaml({ env: HOSTILE, list: [HOSTILE.rlo, 'plain'] }, 'a header');
    expect(text).not.toMatch(RAW);
    expect(text).toContain('ls: "a\\u2028b"');
    expect(text).toContain('rlo: "x\\u202ey"');
    expect(text).toContain('- plain');
    for (const version of ['1.1', '1.2'] as const) expect(parse(text, { version })).toEqual({ env: HOSTILE, list: [HOSTILE.rlo, 'plain'] });
  });

  it('jsonText writes them as \\uXXXX and parses back to the same value', () => {
    const v = { body: HOSTILE, keys: { [HOSTILE.rlo]: 1 } };
    const t = jsonText(v, 2);
    expect(t).not.toMatch(RAW);
    expect(t).toContain('"a\\u2028b"');
    expect(JSON.parse(t)).toEqual(v);
  });
});

const blueprint = (value: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ctl }
system:
  domains:
    d: { tables: [t], operations: { get: { route: GET /x, cpu: 1ms } } }
layouts:
  l:
    units:
      u: { domains: "*", port: 8080, instance: box, env: { V: ${JSON.stringify(value)} } }
    datastores:
      db: { engine: postgres, instance: box, tables: "*" }
workload: { rate: 10/s, mix: { d.get: 1 } }
catalog:
  box: { vcpu: 1, usdPerMonth: $5 }
`;

describe('an environment value may not hold them', () => {
  it.each(Object.entries(HOSTILE))('%s: refused where it is written', (_name, value) => {
    const r = parseBlueprint(blueprint(value), 'ctl.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual([
      '10:63: an environment value on one line, without control, line-separator or bidirectional-text characters (at most 4096 characters)',
    ]);
  });

  it('tab and ordinary non-ASCII text stay allowed, and reach the ConfigMap and compose file as they are', () => {
    const r = parseBlueprint(blueprint('é\t表 ok'), 'ctl.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const files = generate('all', r.blueprint, 'l', {});
    const yamls = files.filter((f) => /\.ya?ml$/.test(f.path));
    expect(yamls.length).toBeGreaterThan(1);
    for (const f of yamls) for (const d of parseAllDocuments(f.content, { version: '1.1' })) expect(d.errors, f.path).toEqual([]);
    expect(files.some((f) => f.content.includes('é\\t表 ok') || f.content.includes('é\t表 ok'))).toBe(true);
  });
});
