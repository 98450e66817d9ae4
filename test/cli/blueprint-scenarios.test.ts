// A blueprint's `scenarios:` list is checked where it is written: `validate` reads every entry
// (a file next to the blueprint, or a bundled scenario's name), and an entry that names neither is
// an error at the entry's own line and column, with the bundled names; `compare` and `report`
// stop on the same line before simulating. The real built CLI, in a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-bp-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blueprint = (scenarios: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: solo }
system:
  domains:
    ping:
      operations:
        pong: { route: GET /, cpu: 0.05ms }
layouts:
  only:
    units:
      app: { domains: "*", port: 8080 }
workload: { rate: 10/s, mix: { ping.pong: 1 } }
scenarios: ${scenarios}
`;
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const BUNDLED = 'bundled: database-failure, media-memory-leak, media-memory-leak-resilient, messaging-spike, messaging-spike-autoscale';

describe('validate: the scenarios a blueprint lists', () => {
  it('a name that is no bundled scenario and a path to no file: one positioned line each, exit 2', () => {
    const f = write('missing.yaml', blueprint('[database-failur, ./gone.yaml]'));
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `missing.yaml:14:13: scenarios[0]: "database-failur" is neither a scenario file next to this blueprint nor a bundled scenario (did you mean "database-failure"?); ${BUNDLED}`,
      `missing.yaml:14:30: scenarios[1]: no such scenario file: "./gone.yaml" (a path here is relative to this blueprint's folder)`,
    ]);
    expect(r.stdout).toContain('✗ missing.yaml: 2 errors');
    const j = archsim(['validate', f, '--json'], { cwd: dir });
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).files[0].errors.map((e: { line: number; col: number; path: unknown[] }) => [e.line, e.col, e.path])).toEqual([
      [14, 13, ['scenarios', 0]],
      [14, 30, ['scenarios', 1]],
    ]);
  });

  it('two scenario files of one name: an error at the second entry (their results would merge), exit 2; compare refuses two --scenario of one name', () => {
    write('one.yaml', 'name: twin\nfailures:\n  - { unit: app, at: 1s, for: 1s }\n');
    write('two.yaml', 'name: twin\nfailures:\n  - { unit: app, at: 2s, for: 1s }\n');
    const f = write('twins.yaml', blueprint('[./one.yaml, ./two.yaml]'));
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'twins.yaml:14:25: scenarios[1]: scenario "twin" is also the name of scenarios[0]: their results would be merged (success(name:op) budgets could not tell them apart); give each its own name',
    ]);
    const c = archsim(['compare', write('plain.yaml', blueprint('[]')), '--scenario', 'one.yaml', '--scenario', 'two.yaml'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe('archsim: --scenario: two scenarios are named "twin": their results would be merged (success(name:op) budgets could not tell them apart); give each its own name\n');
  });

  it('a bundled name and a file beside the blueprint are read: valid', () => {
    write('down.yaml', 'name: down\nfailures:\n  - { unit: app, at: 1s, for: 1s }\n');
    // database-failure fails the messages domain's store: a blueprint it cannot run on is an
    // error (scenario-checks.test.ts), so this one has that domain and a store for it.
    const withMessages = blueprint('[database-failure, ./down.yaml]')
      .replace('ping:\n      operations:', 'messages:\n      tables: [messages]\n      operations:')
      .replace('port: 8080 }', 'port: 8080 }\n    datastores: { db: { engine: postgres, tables: "*" } }')
      .replace('ping.pong', 'messages.pong');
    const f = write('good.yaml', withMessages);
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a scenario file that does not parse: its own positioned problems, in its own file', () => {
    write('broken-scenario.yaml', 'name: broken\nfailures:\n  - { unit: app, att: 1s, for: 1s }\n');
    const f = write('uses-broken.yaml', blueprint('[./broken-scenario.yaml]'));
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\/.*\/broken-scenario\.yaml:3:5: failures\[0\]\.at: required/m);
    expect(r.stderr).not.toContain('uses-broken.yaml:1:1');
  });

  it('a hostile entry (terminal escapes, a newline) is shown escaped, on one line', () => {
    const f = write('hostile.yaml', blueprint('["\\u001b]0;owned\\u0007\\nx"]'));
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('\u0007');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('hostile.yaml:14:13: scenarios[0]: ');
  });
});

describe('compare and report stop at the entry, before simulating', () => {
  it.each([['compare'], ['report']])('%s: the same positioned line, exit 2', (command) => {
    const f = write(`${command}-missing.yaml`, blueprint('[no-such-scenario]'));
    const r = archsim([command, f, ...(command === 'report' ? ['--format', 'md'] : [])], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${command}-missing.yaml:14:13: scenarios[0]: "no-such-scenario" is neither a scenario file next to this blueprint nor a bundled scenario;`);
    expect(r.stderr).not.toMatch(/no-such-scenario:1:1/);
  });
});

describe('validate: a load profile without its blueprint', () => {
  it('says it needs the blueprint of the same name beside it, at the profile, not "x.yaml:1:1: no such file"', () => {
    const f = write('lonely.load.yaml', 'apiVersion: archsim/v1\nkind: LoadProfile\nrequests: {}\n');
    const r = archsim(['validate', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('lonely.load.yaml:1:1: a load profile is checked against its blueprint, lonely.yaml, which does not exist: put the blueprint beside it under that name');
  });
});
