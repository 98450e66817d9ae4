#!/usr/bin/env node
// Per-folder mutation scores from Stryker's JSON report(s): by default every folder's
// reports/mutation/<folder>/incremental.json (committed; `npm run mutate` keeps it up to date);
// several files merge, so per-folder and per-range runs add up.
// Score = detected / (detected + survived + no coverage), detected = killed + timed out (a
// mutant that hangs the tests is caught): no-coverage mutants count as survivors.
// Usage: node scripts/mutation-scores.mjs [--survivors] [--unmeasured] [--markdown FILE] [report.json ...]
//   --survivors      print every surviving / uncovered mutant as file:line:col
//   --unmeasured     also count, per folder and file, the mutants of the current sources that no
//                    report holds (never run, or their code changed since): Stryker's own
//                    instrumenter, a few seconds; static mutants included (Stryker ignores them
//                    once it runs, so the count is an upper bound)
//   --markdown FILE  write the scores and the survivors (with the original and mutated code) as a
//                    Markdown report a developer can read without running Stryker
//                    (reports/MUTATION-SURVIVORS.md is the committed one)
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { MUTATION_FOLDERS } from './mutation-folders.mjs';
import { UNTESTED_REASON } from './incremental-stats.mjs';

const fail = (line) => {
  console.error(`mutation-scores: ${line}`);
  process.exit(2);
};
const args = process.argv.slice(2);
const showSurvivors = args.includes('--survivors');
const unmeasured = args.includes('--unmeasured');
const mdAt = args.indexOf('--markdown');
const markdown = mdAt >= 0 ? args[mdAt + 1] : undefined;
if (mdAt >= 0 && (!markdown || markdown.startsWith('--'))) fail('--markdown needs a file name');
const unknownFlag = args.find((a, i) => a.startsWith('--') && !['--survivors', '--unmeasured', '--markdown'].includes(a) && !(mdAt >= 0 && i === mdAt + 1));
if (unknownFlag) fail(`unknown option ${unknownFlag} (--survivors, --unmeasured, --markdown FILE)`);
const files = args.filter((a, i) => !a.startsWith('--') && !(mdAt >= 0 && i === mdAt + 1));
if (!files.length) {
  files.push(...Object.keys(MUTATION_FOLDERS).map((f) => `reports/mutation/${f}/incremental.json`).filter((f) => existsSync(f)));
  if (!files.length) fail('no report in reports/mutation/<folder>/incremental.json: run `npm run mutate` first, or name the report files');
}
const reports = files.map((f) => {
  if (!existsSync(f)) fail(`${f}: no such file`);
  try {
    const files = JSON.parse(readFileSync(f, 'utf8')).files;
    if (!files || typeof files !== 'object') throw new Error('no "files"');
    return files;
  } catch (e) {
    return fail(`${f}: not a Stryker JSON report (${e instanceof Error ? e.message : e})`);
  }
});

const FOLDERS = ['src/model', 'src/simulate', 'src/generate', 'src/report', 'src/loadtest/driver'];
// Reports of line ranges of one file (--mutate 'src/x.ts:1-200') add up: mutants are keyed by
// where they are and what they change, a later report winning for the same mutant.
const bySource = new Map();
const key = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
for (const report of reports)
  for (const [path, v] of Object.entries(report)) {
    const before = bySource.get(path);
    const mutants = new Map((before?.mutants ?? []).map((m) => [key(m), m]));
    for (const m of v.mutants) if (m.status !== 'Ignored' || !mutants.has(key(m))) mutants.set(key(m), m);
    bySource.set(path, { ...v, mutants: [...mutants.values()] });
  }

// --unmeasured: the mutants Stryker would make of each folder's current sources (the folders'
// `mutate` globs), less those some report holds at the same place with the same change. A file
// edited since its run counts its moved mutants as unmeasured too (Stryker's incremental diff
// would carry most of them over): the count is what a run must at most retest.
const notMeasured = new Map(); // folder -> { count, of, files: [{ path, count, of }] }
if (unmeasured) {
  const { Instrumenter } = await import('@stryker-mutator/instrumenter');
  const quiet = new Proxy({}, { get: (_, k) => (String(k).startsWith('is') ? () => false : () => {}) });
  const sources = [];
  for (const [name, f] of Object.entries(MUTATION_FOLDERS)) {
    const skip = new Set(f.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
    for (const glob of f.mutate.filter((g) => !g.startsWith('!'))) {
      const m = /^(.*)\/\*\*\/\*\.ts$/.exec(glob);
      if (!m) fail(`--unmeasured: cannot expand ${name}'s mutate pattern ${glob} (only DIR/**/*.ts)`);
      for (const rel of readdirSync(m[1], { recursive: true })) {
        const path = `${m[1]}/${rel}`;
        if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !skip.has(path)) sources.push(path);
      }
    }
  }
  const { mutants } = await new Instrumenter(quiet).instrument(
    sources.map((name) => ({ name, content: readFileSync(name, 'utf8'), mutate: true })),
    { plugins: null, excludedMutations: [], ignorers: [], noHeader: true },
  );
  const perFile = new Map();
  for (const m of mutants) {
    // The instrumenter counts lines and columns from 0, the reports from 1.
    const at = { start: { line: m.location.start.line + 1, column: m.location.start.column + 1 }, end: { line: m.location.end.line + 1, column: m.location.end.column + 1 } };
    const known = bySource.get(m.fileName)?.mutants.some((r) => key(r) === key({ ...m, location: at }));
    const e = perFile.get(m.fileName) ?? { count: 0, of: 0 };
    e.of++;
    if (!known) e.count++;
    perFile.set(m.fileName, e);
  }
  for (const folder of FOLDERS) {
    const here = [...perFile].filter(([p, e]) => p.startsWith(`${folder}/`) && e.count).map(([path, e]) => ({ path, ...e }));
    const all = [...perFile].filter(([p]) => p.startsWith(`${folder}/`)).reduce((a, [, e]) => a + e.of, 0);
    notMeasured.set(folder, { count: here.reduce((a, e) => a + e.count, 0), of: all, files: here.sort((a, b) => a.path.localeCompare(b.path)) });
  }
}

const rows = [];
const survivors = [];
for (const folder of FOLDERS) {
  // untested: mutants a stopped run had not reached (its checkpoint, scripts/stryker-checkpoint.mjs),
  // out of the score until a run tests them.
  const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0, untested: 0 };
  for (const [path, v] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.startsWith(`${folder}/`)) continue;
    const lines = v.source.split('\n');
    for (const m of [...v.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
      if (m.status === 'Ignored' && m.statusReason === UNTESTED_REASON) c.untested++;
      else if (m.status in c) c[m.status]++;
      else c.other++;
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const { start, end } = m.location;
      const original = start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)} …`;
      survivors.push({ folder, path, line: start.line, col: start.column, status: m.status, mutator: m.mutatorName, original, replacement: m.replacement ?? '' });
      if (showSurvivors) console.log(`${path}:${start.line}:${start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
  const detected = c.Killed + c.Timeout;
  const total = detected + c.Survived + c.NoCoverage;
  if (total || notMeasured.get(folder)?.count)
    rows.push({
      folder,
      score: total ? ((100 * detected) / total).toFixed(1) + '%' : '–',
      killed: c.Killed,
      timeout: c.Timeout,
      survived: c.Survived,
      noCoverage: c.NoCoverage,
      other: c.other,
      ...(c.untested ? { untested: c.untested } : {}),
      ...(unmeasured ? { notMeasured: notMeasured.get(folder)?.count ?? 0, mutants: notMeasured.get(folder)?.of ?? 0 } : {}),
    });
}
console.table(rows);
if (unmeasured) {
  const left = [...notMeasured.values()].flatMap((n) => n.files);
  if (left.length) {
    console.log('not measured (static mutants included), by file:');
    for (const e of left) console.log(`  ${e.path.padEnd(40)} ${String(e.count).padStart(5)} of ${e.of}`);
  }
}

if (markdown) {
  const clip = (s) => {
    const one = s.replace(/\s+/g, ' ').trim();
    return (one.length > 90 ? `${one.slice(0, 87)}…` : one).replace(/\|/g, '\\|').replace(/`/g, "'");
  };
  const out = [
    '# Surviving mutants',
    '',
    'Written by `node scripts/mutation-scores.mjs --markdown reports/MUTATION-SURVIVORS.md` from every folder\'s',
    "`reports/mutation/<folder>/incremental.json` (`npm run mutate`; see the README's \"Working on archsim\"). Each row is a",
    'change to the code that no test noticed: kill it with a test that asserts the exact behaviour, or,',
    'when the change truly cannot alter behaviour, mark it `// Stryker disable next-line MUTATOR: why`.',
    '',
    // untested: left by a stopped run (scripts/stryker-checkpoint.mjs), outside the score.
    '| folder | score | killed | timed out | survived | no coverage | untested (not in the score) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| \`${r.folder}\` | ${r.score} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.untested ?? 0} |`),
    '',
  ];
  for (const folder of FOLDERS) {
    const here = survivors.filter((s) => s.folder === folder);
    if (!rows.some((r) => r.folder === folder)) continue;
    out.push(`## \`${folder}\` (${here.length})`, '');
    if (!here.length) {
      out.push('None.', '');
      continue;
    }
    out.push('| where | status | mutator | original | mutated to |', '| --- | --- | --- | --- | --- |');
    for (const s of here) out.push(`| ${s.path}:${s.line}:${s.col} | ${s.status} | ${s.mutator} | \`${clip(s.original)}\` | \`${clip(s.replacement)}\` |`);
    out.push('');
  }
  writeFileSync(markdown, out.join('\n'));
  console.log(`wrote ${markdown} (${survivors.length} survivors)`);
}
