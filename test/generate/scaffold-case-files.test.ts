// Domains whose names differ only in case ("Default", "default") in one unit get files whose
// names differ regardless of case: one file each on a case-insensitive file system, and no two
// imports tsc refuses as differing only in case. Every relative import names a generated file.
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cases }
system:
  domains:
    default: { operations: { a: { route: "GET /a", cpu: 0.1ms, calls: [DEFAULT.c, Default-2.d] } } }
    Default: { operations: { b: { route: "GET /b", cpu: 0.1ms } } }
    DEFAULT: { operations: { c: { internal: true, cpu: 0.1ms } } }
    Default-2: { operations: { d: { internal: true, cpu: 0.1ms } } }
layouts:
  nogw:
    units:
      one: { domains: [default, Default], port: 8080 }
      two: { domains: [DEFAULT, Default-2], port: 8081 }
  grpc:
    units:
      one: { domains: [default, Default, DEFAULT, Default-2], port: 50051, protocol: grpc }
workload:
  rate: 1/s
  mix: { default.a: 1 }
`);

function checkUnit(files: { path: string; content: string }[], unit: string): string[] {
  const base = `services/${unit}/`;
  const mine = files.filter((f) => f.path.startsWith(base)).map((f) => f.path.slice(base.length));
  const lower = mine.map((p) => p.toLowerCase());
  expect(new Set(lower).size, `${unit}: paths distinct regardless of case`).toBe(lower.length);
  for (const f of files.filter((x) => x.path.startsWith(`${base}src/`) && x.path.endsWith('.ts'))) {
    const dir = f.path.slice(base.length).split('/').slice(0, -1);
    for (const m of f.content.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      const parts = [...dir];
      for (const seg of m[1]!.split('/')) {
        if (seg === '..') parts.pop();
        else if (seg !== '.') parts.push(seg);
      }
      expect(mine, `${f.path} imports ${m[1]}`).toContain(`${parts.join('/')}.ts`);
    }
  }
  return mine.filter((p) => /^src\/(contracts|handlers)\//.test(p)).sort();
}

describe('domain files in one unit, case apart', () => {
  it('HTTP units: the first keeps its name, a later one the first free -2, -3, … (case aside)', () => {
    const files = generate('scaffold', BP, 'nogw', {});
    // Held first (default, Default), then the called ones by code unit (DEFAULT, Default-2):
    // Default-2 is a domain's own name, so Default becomes Default-3 and DEFAULT DEFAULT-4.
    expect(checkUnit(files, 'one')).toEqual([
      'src/contracts/DEFAULT-4.ts',
      'src/contracts/Default-2.ts',
      'src/contracts/Default-3.ts',
      'src/contracts/default.ts',
      'src/handlers/Default-3.ts',
      'src/handlers/default.ts',
    ]);
    expect(files.find((f) => f.path === 'services/one/src/clients.ts')!.content).toContain("import { createDefault2 } from './handlers/Default-3.js';");
    expect(checkUnit(files, 'two')).toEqual(['src/contracts/DEFAULT.ts', 'src/contracts/Default-2.ts', 'src/handlers/DEFAULT.ts', 'src/handlers/Default-2.ts']);
  });

  it('a gRPC unit holding all four', () => {
    const files = generate('scaffold', BP, 'grpc', {});
    expect(checkUnit(files, 'one')).toEqual([
      'src/contracts/DEFAULT-4.ts',
      'src/contracts/Default-2.ts',
      'src/contracts/Default-3.ts',
      'src/contracts/default.ts',
      'src/handlers/DEFAULT-4.ts',
      'src/handlers/Default-2.ts',
      'src/handlers/Default-3.ts',
      'src/handlers/default.ts',
    ]);
  });
});
