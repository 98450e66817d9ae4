// A stopped mutation run keeps what it tested (scripts/stryker-checkpoint.mjs, scripts/resume-checkpoint.mjs):
// the checkpoint is an incremental report Stryker's own differ reads, reusing the tested results
// and testing the mutants the stopped run had not reached.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeFromCheckpoint } from '../../scripts/resume-checkpoint.mjs';
import { checkpointReport, parseCarriedTestKey, writeFileNoFollow } from '../../scripts/stryker-checkpoint.mjs';
import { UNTESTED_REASON, untestedCount } from '../../scripts/incremental-stats.mjs';

const root = mkdtempSync(join(tmpdir(), 'archsim-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cwd = process.cwd();
const SRC = join(root, 'src', 'a.ts');
const TEST = join(root, 'test', 'a.test.ts');
const srcText = 'export const f = (x: number) => x + 1;\nexport const g = (x: number) => x > 2;\n';
const testText = "import { it } from 'vitest';\nit('f adds one', () => {});\nit('g compares', () => {});\n";
mkdirSync(join(root, 'src'));
mkdirSync(join(root, 'test'));
writeFileSync(SRC, srcText);
writeFileSync(TEST, testText);
const rel = (p: string) => relative(cwd, p);

// Stryker's internal form: positions from 0.
const at = (line: number, c0: number, c1: number) => ({ start: { line, column: c0 }, end: { line, column: c1 } });
const schema = (l: { start: { line: number; column: number }; end: { line: number; column: number } }) => ({
  start: { line: l.start.line + 1, column: l.start.column + 1 },
  end: { line: l.end.line + 1, column: l.end.column + 1 },
});
const KILLED = { id: '1', fileName: SRC, mutatorName: 'ArithmeticOperator', replacement: 'x - 1', location: at(0, 32, 37) };
const SURVIVED = { id: '2', fileName: SRC, mutatorName: 'EqualityOperator', replacement: 'x >= 2', location: at(1, 32, 37) };
const UNTESTED = { id: '3', fileName: SRC, mutatorName: 'BooleanLiteral', replacement: 'true', location: at(1, 32, 37) };
// The dry run's tests, as Stryker hands them to a reporter (positions from 0).
const TESTS = [
  { id: 'test/a.test.ts#f adds one', name: 'f adds one', fileName: TEST, startPosition: { line: 1, column: 0 } },
  { id: 'test/a.test.ts#g compares', name: 'g compares', fileName: TEST, startPosition: { line: 2, column: 0 } },
];
// A test an earlier run had and this one did not run: Stryker carries it over under its key.
const CARRIED = `${rel(TEST)}@1:0\nf adds one, as it was`;

/** What checkpointReport writes, as far as these tests read it (the script is plain JavaScript). */
type Report = { files: Record<string, { language: string; source: string; mutants: Record<string, unknown>[] }>; testFiles: Record<string, unknown> };

function report(): Report {
  return <Report>(<unknown>checkpointReport({
    results: [
      { ...KILLED, location: schema(KILLED.location), status: 'Killed', killedBy: [TESTS[0]!.id], coveredBy: [TESTS[0]!.id], testsCompleted: 1 },
      { ...SURVIVED, location: schema(SURVIVED.location), status: 'Survived', killedBy: undefined, coveredBy: [TESTS[1]!.id, CARRIED], testsCompleted: 2 },
    ],
    pending: [KILLED, SURVIVED, UNTESTED],
    tests: TESTS,
    source: (name: string) => readFileSync(resolve(cwd, name), 'utf8'),
    cwd,
    config: { incremental: true },
    thresholds: { high: 80, low: 70, break: null },
  }));
}

describe('checkpointReport', () => {
  it('writes tested results as they are, untested mutants as Ignored with the reason, tests renumbered', () => {
    const r = report();
    expect(Object.keys(r.files)).toEqual([rel(SRC)]);
    const file = r.files[rel(SRC)]!;
    expect(file.language).toBe('typescript');
    expect(file.source).toBe(srcText);
    expect(file.mutants).toEqual([
      { id: '1', mutatorName: 'ArithmeticOperator', replacement: 'x - 1', location: { start: { line: 1, column: 33 }, end: { line: 1, column: 38 } }, status: 'Killed', testsCompleted: 1, killedBy: ['0'], coveredBy: ['0'] },
      { id: '2', mutatorName: 'EqualityOperator', replacement: 'x >= 2', location: { start: { line: 2, column: 33 }, end: { line: 2, column: 38 } }, status: 'Survived', testsCompleted: 2, killedBy: [], coveredBy: ['1', '2'] },
      { id: '3', mutatorName: 'BooleanLiteral', replacement: 'true', location: { start: { line: 2, column: 33 }, end: { line: 2, column: 38 } }, status: 'Ignored', statusReason: UNTESTED_REASON, killedBy: [], coveredBy: [] },
    ]);
    expect(r.testFiles[rel(TEST)]).toEqual({
      source: testText,
      tests: [
        { id: '0', name: 'f adds one', location: { start: { line: 2, column: 1 } } },
        { id: '1', name: 'g compares', location: { start: { line: 3, column: 1 } } },
        { id: '2', name: 'f adds one, as it was', location: { start: { line: 2, column: 1 } } },
      ],
    });
    expect(untestedCount(r)).toBe(1);
  });

  it('drops a test id no run knows of rather than inventing a test', () => {
    const r = <Report>(<unknown>checkpointReport({
      results: [{ ...KILLED, location: schema(KILLED.location), status: 'Killed', killedBy: ['nobody'], coveredBy: ['nobody', TESTS[0]!.id] }],
      pending: [],
      tests: TESTS,
      source: () => '',
      cwd,
      config: {},
      thresholds: {},
    }));
    expect(r.files[rel(SRC)]!.mutants[0]).toMatchObject({ killedBy: [], coveredBy: ['0'] });
  });

  it("parses Stryker's carried-over test key, its position from 0 made a report's from 1", () => {
    expect(parseCarriedTestKey('test/x.test.ts@4:2\na @ b\nc')).toEqual({ file: 'test/x.test.ts', location: { start: { line: 5, column: 3 } }, name: 'a @ b\nc' });
    expect(parseCarriedTestKey('test/x.test.ts#a test')).toBeUndefined();
  });
});

describe("the checkpoint read by Stryker's own incremental differ", () => {
  it('reuses the tested results and leaves the untested mutant to be tested', async () => {
    const core = (p: string) => pathToFileURL(resolve('node_modules/@stryker-mutator/core/dist/src', p)).href;
    const { IncrementalDiffer } = await import(core('mutants/incremental-differ.js'));
    const { TestCoverage } = await import(core('mutants/test-coverage.js'));
    // The checkpoint as Stryker's project reader reads it: JSON, positions back to 0.
    const toStryker = (p: { line: number; column: number }) => ({ line: p.line - 1, column: p.column - 1 });
    const written = JSON.parse(JSON.stringify(report()));
    const incremental = {
      ...written,
      files: Object.fromEntries(
        Object.entries(written.files as Record<string, { mutants: { location: { start: never; end: never } }[] }>).map(([k, f]) => [
          k,
          { ...f, mutants: f.mutants.map((m) => ({ ...m, location: { start: toStryker(m.location.start), end: toStryker(m.location.end) } })) },
        ]),
      ),
      testFiles: Object.fromEntries(
        Object.entries(written.testFiles as Record<string, { tests: { location?: { start: never } }[] }>).map(([k, f]) => [
          k,
          { ...f, tests: f.tests.map((t) => ({ ...t, location: t.location && { start: toStryker(t.location.start) } })) },
        ]),
      ),
    };
    const quiet = { isInfoEnabled: () => false, isDebugEnabled: () => false, isTraceEnabled: () => false, trace() {}, debug() {}, info() {}, warn() {} };
    // The untested mutant covered by no test now: only its Ignored status can make the differ retest it.
    const diff = (incremental: unknown) => {
      const differ = new IncrementalDiffer(quiet, { force: false }, { [SRC]: { mutate: true } });
      const testsById = new Map(TESTS.map((t) => [t.id, t]));
      const covered = new Map([
        ['1', new Set([TESTS[0]])],
        ['2', new Set([TESTS[1]])],
      ]);
      const coverage = new TestCoverage(covered, testsById, {}, new Map());
      const next = differ.diff([KILLED, SURVIVED, UNTESTED], coverage, incremental, new Map([
        [rel(SRC), srcText],
        [rel(TEST), testText],
      ]));
      return next.map((m: { id: string; status?: string }) => [m.id, m.status]);
    };
    expect(diff(incremental)).toEqual([
      ['1', 'Killed'],
      ['2', 'Survived'],
      ['3', undefined],
    ]);
    // The control: the same entry written as a survivor would have been reused, untested.
    const asSurvivor = structuredClone(incremental);
    asSurvivor.files[rel(SRC)].mutants[2].status = 'Survived';
    expect(diff(asSurvivor)[2]).toEqual(['3', 'Survived']);
  });
});

describe('resumeFromCheckpoint', () => {
  it('puts the checkpoint in place of the incremental file and says what it kept', () => {
    const dir = mkdtempSync(join(root, 'resume-'));
    writeFileSync(join(dir, 'incremental.json'), '{"files":{}}');
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(report()));
    utimesSync(join(dir, 'incremental.json'), new Date('2026-12-06T20:00:00Z'), new Date('2026-12-06T20:00:00Z'));
    const line = resumeFromCheckpoint(dir);
    expect(line).toMatch(/^resumed from a stopped run's checkpoint \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): 2 result\(s\) kept, 1 mutant\(s\) it had not tested yet, which the next run tests$/);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'incremental.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report())));
    // laid out as Stryker lays out its own incremental file, so git diffs only the changed results
    expect(readFileSync(join(dir, 'incremental.json'), 'utf8')).toBe(JSON.stringify(report(), null, 2));
  });

  it('moves aside a checkpoint older than the incremental file (a run finished since) and keeps the newer results', () => {
    const dir = mkdtempSync(join(root, 'stale-'));
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(report()));
    writeFileSync(join(dir, 'incremental.json'), '{"files":{"newer":{"mutants":[]}}}');
    utimesSync(join(dir, 'checkpoint.json'), new Date('2026-12-06T20:00:00Z'), new Date('2026-12-06T20:00:00Z'));
    utimesSync(join(dir, 'incremental.json'), new Date('2026-12-06T21:00:00Z'), new Date('2026-12-06T21:00:00Z'));
    expect(resumeFromCheckpoint(dir)).toMatch(/^a stopped run's checkpoint \(2026-12-06 20:00 UTC\) is older than the incremental file: moved to .*checkpoint\.stale-\d+\.json, the incremental file kept$/);
    expect(readFileSync(join(dir, 'incremental.json'), 'utf8')).toBe('{"files":{"newer":{"mutants":[]}}}');
    expect(readdirSync(dir).filter((f) => f.startsWith('checkpoint.stale-'))).toHaveLength(1);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(false);
  });

  it('does nothing without a checkpoint', () => {
    const dir = mkdtempSync(join(root, 'none-'));
    writeFileSync(join(dir, 'incremental.json'), '{"files":{}}');
    expect(resumeFromCheckpoint(dir)).toBeUndefined();
    expect(readFileSync(join(dir, 'incremental.json'), 'utf8')).toBe('{"files":{}}');
  });

  it('moves an unreadable checkpoint aside and keeps the incremental file', () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    writeFileSync(join(dir, 'incremental.json'), '{"files":{}}');
    writeFileSync(join(dir, 'checkpoint.json'), '{"files": {"src/a.ts": ');
    const line = resumeFromCheckpoint(dir);
    expect(line).toMatch(/^the stopped run's checkpoint could not be read \(.+\): moved to .*checkpoint\.unreadable-\d+\.json, the incremental file kept$/);
    expect(readFileSync(join(dir, 'incremental.json'), 'utf8')).toBe('{"files":{}}');
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(false);
  });

  it('replaces a symlink at incremental.json rather than writing through it (hostile example)', () => {
    const dir = mkdtempSync(join(root, 'link-'));
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'incremental.json'));
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(report()));
    resumeFromCheckpoint(dir);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(untestedCount(JSON.parse(readFileSync(join(dir, 'incremental.json'), 'utf8')))).toBe(1);
  });
});

describe('writeFileNoFollow', () => {
  it('replaces a symlink at the target and leaves what it pointed to (hostile example)', () => {
    const victim = join(root, 'victim2.txt');
    writeFileSync(victim, 'precious');
    const target = join(root, 'checkpoint-link.json');
    symlinkSync(victim, target);
    writeFileNoFollow(target, '{"files":{}}');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(target, 'utf8')).toBe('{"files":{}}');
  });

  it('does not write through a symlink planted at its temporary name (hostile example)', () => {
    const victim = join(root, 'victim3.txt');
    writeFileSync(victim, 'precious');
    const target = join(root, 'checkpoint-tmp.json');
    symlinkSync(victim, `${target}.${process.pid}.tmp`);
    writeFileNoFollow(target, '{"files":{}}');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(target, 'utf8')).toBe('{"files":{}}');
  });
});
