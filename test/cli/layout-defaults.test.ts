// A blueprint's layouts and mix at the edges, through the built CLI: graph draws the only layout
// without -l (as simulate, inspect and lint do); a blueprint of the system alone (layouts: {})
// gets one clear line from every command that needs a layout, not "--layout is required;
// layouts: " with an empty list; an empty workload mix is refused by validate where it is written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'layout-defaults-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const system = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: edge }
system:
  domains:
    a:
      tables: [t]
      operations:
        x: { route: GET /x, cpu: 1ms }
`;
const ONE = file('one.yaml', `${system}layouts:\n  only:\n    units: { app: { domains: "*", port: 8000, instance: vm } }\n    datastores: { db: { engine: postgres, instance: vm, tables: "*" } }\nworkload: { rate: 10/s, mix: { a.x: 1 } }\ncatalog:\n  vm: { vcpu: 1, usdPerMonth: $6 }\n`);
const NONE = file('none.yaml', `${system}layouts: {}\n`);
const EMPTY_MIX = file('mix.yaml', `${system}layouts: {}\nworkload: { rate: 10/s, mix: {} }\n`);

describe('layouts and mix at the edges', () => {
  it('graph draws the only layout without -l', () => {
    const r = archsim(['graph', ONE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart LR\n/);
    expect(r.stdout).toContain('app');
  });

  it.each([
    ['simulate', []],
    ['graph', []],
    ['sweep', ['--rates', '1,2']],
    ['generate', ['compose', '--out', join(dir, 'out')]],
  ])('%s on a blueprint with no layouts: one line, exit 2', (cmd, extra) => {
    const args = cmd === 'generate' ? ['generate', extra[0]!, NONE, ...extra.slice(1)] : [cmd, NONE, ...extra];
    const r = archsim(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('archsim: the blueprint declares no layouts: add one under layouts: (a command that simulates, draws or generates needs one)\n');
  });

  it('validate accepts a blueprint of the system alone, and refuses an empty mix where it is written', () => {
    expect(archsim(['validate', NONE]).code).toBe(0);
    const r = archsim(['validate', EMPTY_MIX]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${EMPTY_MIX}:11:30: workload.mix: the workload mix names no operation: give at least one a weight (e.g. { orders.create: 1 })\n`);
  });
});
