// What the loader says about values the schema refuses: each kind of mistake once (a wrong type
// of each shape, a value outside an enum, an unknown key with and without a suggestion, a key
// that breaks the naming rule, a wrong branch of a union, a missing required value, an infinite
// number), at its line and column, with the semantic problems the repaired rest still has.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { keysOfSchemaAt, parseYamlWith } from '../../src/model/positioned.js';
import { Blueprint, Workload } from '../../src/model/schema.js';

const BAD = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bad, team: { developers: many } }
system:
  domains:
    a:
      tables: {}
      operations:
        x: { route: GET /x, cpu: { dist: zipf, mean: 1ms }, calls: [b.y], rout: 1 }
        y: { cpu: [1ms], db: { reads: .inf }, colour: red }
        z: { cpu: null, emits: [nope] }
    b:
      operations:
        y: { wait: 5 }
    1bad: {}
layouts:
  l:
    units:
      u: { domains: "*", port: "80", replicas: 0 }
      w: { domains: [a], instance: big }
    datastores:
      s: { engine: oracle, tables: "*" }
`;

describe('schema errors, positioned', () => {
  it('each kind of mistake at its place, and the semantic problems of what is left (the unit without a port dropped whole)', () => {
    const r = parseBlueprint(BAD, 'bad.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      '3:44 expected number, got string "many"',
      '7:15 expected array, got a mapping',
      '9:42 expected one of "const", "exp", "lognormal", "gamma", "uniform", got "zipf"',
      '9:75 unknown key "rout" (did you mean "route"?)',
      '10:19 expected a duration, e.g. 9ms, got a list',
      '10:39 expected a finite number, got Infinity',
      '10:47 unknown key "colour"',
      '11:19 expected a duration, e.g. 9ms, got null',
      '11:33 unknown event "nope"',
      '14:20 a duration needs a unit, e.g. "5ms"',
      '15:5 invalid name "1bad": a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters',
      '19:32 expected number, got string "80"',
      '19:48 Too small: expected number to be >=1',
      '20:10 required: expected number',
      '22:20 expected one of "postgres", "mysql", "redis", "minio", "s3", "mongodb", "filesystem", "memory", got "oracle"',
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.errors.every((e) => e.file === 'bad.yaml' && e.severity === 'error')).toBe(true);
  });

  it("a quantity given an infinite number or a mapping, and a workload's fields the other model reads", () => {
    const base = (w: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: q }
system:
  domains:
    a:
      operations:
        x: { route: GET /x, cpu: 1ms }
layouts:
  l:
    units:
      u: { domains: "*", port: 80, instance: c }
${w}
catalog:
  c: { vcpu: 2, usdPerMonth: $10 }
`;
    const errs = (w: string) => {
      const r = parseBlueprint(base(w), 'q.yaml');
      return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.message}`);
    };
    expect(errs('workload: { rate: .inf, duration: { a: 1 }, mix: { a.x: 1 } }')).toEqual(['13:19 expected a finite number, got Infinity', '13:35 expected a duration, e.g. 9ms, got a mapping']);
    // each was read by one method only and silently ignored by the other
    expect(errs('workload: { users: 5, profile: { kind: spike, base: 1/s, peak: 5/s, at: 1s, for: 1s }, mix: { a.x: 1 } }')).toEqual([
      '13:32 a profile shapes an open workload’s rate over time; a closed workload (users) has no rate to shape: give rate instead of users, or drop the profile',
    ]);
    expect(errs('workload: { rate: 5/s, thinkTime: 1s, mix: { a.x: 1 } }')).toEqual(['13:35 thinkTime is the wait between a user’s requests in a closed workload (users); an open workload (rate) has none']);
    expect(errs('workload: { users: 5, thinkTime: 1s, mix: { a.x: 1 } }')).toEqual([]);
    expect(errs('workload: { rate: 5/s, profile: { kind: spike, base: 1/s, peak: 5/s, at: 1s, for: 1s }, mix: { a.x: 1 } }')).toEqual([]);
  });

  it('a distribution with an unknown kind names the kinds (the mapping branch of the union, not the duration’s)', () => {
    // Duration is itself a union (a string or a number): inside Distribution's union a mapping
    // fails it at the root in both of its branches, which makes it the wrong branch, as a plain
    // type miss would. It used to win the tie and say "expected string, got a mapping".
    const r = parseBlueprint(BAD.replace('cpu: { dist: zipf, mean: 1ms }', 'cpu: { dist: zipf, mean: 1ms, cv: -1 }'), 'bad.yaml');
    expect(r.ok ? [] : r.errors.filter((e) => e.line === 9).map((e) => `${e.col} ${e.message}`)).toEqual([
      '42 expected one of "const", "exp", "lognormal", "gamma", "uniform", got "zipf"',
      '63 Too small: expected number to be >=0',
      '83 unknown key "rout" (did you mean "route"?)',
    ]);
  });

  it('a small YAML input: problems in file order, unknown keys among them, with suggestions from the schema', () => {
    const w = parseYamlWith(Workload, 'mix: { a.b: 0 }\nrat: 5/s\nduration: 0s\nwarmup: 5\n', 'w.yaml');
    expect(w).toEqual({
      ok: false,
      errors: [
        { file: 'w.yaml', line: 1, col: 13, path: ['mix', 'a.b'], message: 'Too small: expected number to be >0', severity: 'error' },
        // not a blueprint: the key is the file's content, shown by its position only
        { file: 'w.yaml', line: 2, col: 1, path: [], message: 'unknown key (did you mean "rate"?)', severity: 'error' },
        { file: 'w.yaml', line: 3, col: 11, path: ['duration'], message: 'a workload duration must be above 0s', severity: 'error' },
        { file: 'w.yaml', line: 4, col: 9, path: ['warmup'], message: 'a duration needs a unit, e.g. "5ms"', severity: 'error' },
      ],
    });
    const ok = parseYamlWith(Workload, 'rate: 5/s\nmix: { a.b: 2 }\n', 'w.yaml');
    expect(ok.ok && [ok.data.rate, ok.data.mix, ok.data.duration, ok.data.warmup, ok.locate(['mix', 'a.b'])]).toEqual([5, { 'a.b': 2 }, 60_000, 0, { file: 'w.yaml', line: 2, col: 13 }]);
  });

  it('the keys a schema accepts at a path: through records, lists, unions, defaults; none where there is no object', () => {
    expect(keysOfSchemaAt(Blueprint, [])).toEqual(['$schema', 'extends', 'apiVersion', 'kind', 'metadata', 'system', 'layouts', 'workload', 'catalog', 'scenarios']);
    expect(keysOfSchemaAt(Blueprint, ['layouts', 'l', 'units', 'u'])).toEqual(['description', 'domains', 'port', 'replicas', 'instance', 'workers', 'discipline', 'threadPool', 'runtime', 'protocol', 'image', 'env', 'autoscale', 'backgroundCpu']);
    expect(keysOfSchemaAt(Blueprint, ['system', 'domains', 'a', 'operations', 'x', 'calls', 0])).toEqual(['op', 'protocol', 'count', 'timeout', 'retries', 'backoff', 'circuitBreaker', 'optional']);
    expect(keysOfSchemaAt(Blueprint, ['system', 'defaults'])).toEqual(['db', 'payload', 'backgroundCpu', 'memory']);
    expect(keysOfSchemaAt(Blueprint, ['system', 'domains', 'a', 'operations', 'x', 'cpu'])).toEqual(['dist', 'mean', 'cv', 'min', 'max']);
    expect(keysOfSchemaAt(Blueprint, ['nope'])).toEqual([]);
    expect(keysOfSchemaAt(Blueprint, ['metadata', 'name'])).toEqual([]);
    expect(keysOfSchemaAt(Blueprint, ['metadata', 'name', 'deeper'])).toEqual([]);
  });
});

describe('positions and names, the remaining cases', () => {
  it('keys through a union on the path (a call written as a mapping), and none past a scalar', () => {
    expect(keysOfSchemaAt(Blueprint, ['system', 'domains', 'a', 'operations', 'x', 'calls', 0, 'circuitBreaker'])).toEqual(['failureThreshold', 'window', 'minCalls', 'openFor']);
    expect(keysOfSchemaAt(Blueprint, ['system', 'domains', 'a', 'operations', 'x', 'calls', 0, 'nope'])).toEqual([]);
    expect(keysOfSchemaAt(Blueprint, ['layouts', 'l', 'units', 'u', 'autoscale'])).toEqual(['min', 'max', 'metric', 'target', 'targetUtilization', 'scaleUpDelay', 'coldStart']);
  });

  it('an unknown key under a call mapping gets a suggestion from the call’s keys', () => {
    const r = parseBlueprint(BAD.replace('calls: [b.y], rout: 1', 'calls: [{ op: b.y, retrys: 2 }], route2: 1'), 'bad.yaml');
    expect(r.ok ? [] : r.errors.filter((e) => e.line === 9).map((e) => `${e.col} ${e.message}`)).toEqual([
      '42 expected one of "const", "exp", "lognormal", "gamma", "uniform", got "zipf"',
      '80 unknown key "retrys" (did you mean "retries"?)',
      '94 unknown key "route2" (did you mean "route"?)',
    ]);
  });

  it('a long invalid name is quoted with its first 59 characters and an ellipsis inside the quotes (it was cut after the 80th character, quote and all)', () => {
    const name = `9${'x'.repeat(99)}`;
    const r = parseBlueprint(BAD.replace('    1bad: {}', `    ${name}: {}`), 'bad.yaml');
    const e = r.ok ? undefined : r.errors.find((x) => x.line === 15);
    expect(e?.message).toBe(`invalid name "9${'x'.repeat(58)}…": a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters`);
    // a name of 60 characters is quoted whole
    const sixty = `9${'x'.repeat(59)}`;
    const r2 = parseBlueprint(BAD.replace('    1bad: {}', `    ${sixty}: {}`), 'bad.yaml');
    expect((r2.ok ? undefined : r2.errors.find((x) => x.line === 15))?.message).toBe(`invalid name "${sixty}": a name: ASCII letters (a–z, A–Z), digits, - and _, starting with a letter, at most 63 characters`);
  });

  it('a quantity (duration, rate, size, money) missing or of another type says which quantity, never the value', () => {
    const at = (workload: unknown) => {
      const r = parseYamlWith(Workload, JSON.stringify(workload), 'w.json');
      return r.ok ? [] : r.errors.map((e) => `${e.path.join('.')}: ${e.message}`);
    };
    expect(at({ rate: '10/s', profile: { kind: 'ramp', from: '1/s', to: '5/s' }, mix: { 'a.b': 1 } })).toEqual(['profile.over: required: a duration, e.g. 9ms']);
    expect(at({ rate: true, mix: { 'a.b': 1 } })).toEqual(['rate: expected a rate, e.g. 200/s, got a boolean']);
    expect(at({ rate: '10/s', duration: ['secret'], mix: { 'a.b': 1 } })).toEqual(['duration: expected a duration, e.g. 9ms, got a list']);
  });
});
