#!/usr/bin/env node
// Per-folder mutation scores from Stryker's JSON report(s) (reports/mutation/mutation.json by
// default; several files merge, so per-folder and per-range runs add up).
// Score = detected / (detected + survived + no coverage), detected = killed + timed out (a
// mutant that hangs the tests is caught): no-coverage mutants count as survivors.
// Usage: node scripts/mutation-scores.mjs [--survivors] [--markdown FILE] [mutation.json ...]
//   --survivors      print every surviving / uncovered mutant as file:line:col
//   --markdown FILE  write the scores and the survivors (with the original and mutated code) as a
//                    Markdown report a developer can read without running Stryker
//                    (reports/MUTATION-SURVIVORS.md is the committed one)
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const showSurvivors = args.includes('--survivors');
const mdAt = args.indexOf('--markdown');
const markdown = mdAt >= 0 ? args[mdAt + 1] : undefined;
if (mdAt >= 0 && !markdown) {
  console.error('--markdown needs a file name');
  process.exit(2);
}
const files = args.filter((a, i) => !a.startsWith('--') && !(mdAt >= 0 && i === mdAt + 1));
if (!files.length) files.push('reports/mutation/mutation.json');

const FOLDERS = ['src/model', 'src/simulate', 'src/generate', 'src/report', 'src/loadtest/driver'];
// Reports of line ranges of one file (--mutate 'src/x.ts:1-200') add up: mutants are keyed by
// where they are and what they change, a later report winning for the same mutant.
const bySource = new Map();
const key = (m) => `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
for (const f of files)
  for (const [path, v] of Object.entries(JSON.parse(readFileSync(f, 'utf8')).files)) {
    const before = bySource.get(path);
    const mutants = new Map((before?.mutants ?? []).map((m) => [key(m), m]));
    for (const m of v.mutants) if (m.status !== 'Ignored' || !mutants.has(key(m))) mutants.set(key(m), m);
    bySource.set(path, { ...v, mutants: [...mutants.values()] });
  }

const rows = [];
const survivors = [];
for (const folder of FOLDERS) {
  const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const [path, v] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.startsWith(`${folder}/`)) continue;
    const lines = v.source.split('\n');
    for (const m of [...v.mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
      if (m.status in c) c[m.status]++;
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
  if (total) rows.push({ folder, score: ((100 * detected) / total).toFixed(1) + '%', killed: c.Killed, timeout: c.Timeout, survived: c.Survived, noCoverage: c.NoCoverage, other: c.other });
}
console.table(rows);

if (markdown) {
  const clip = (s) => {
    const one = s.replace(/\s+/g, ' ').trim();
    return (one.length > 90 ? `${one.slice(0, 87)}…` : one).replace(/\|/g, '\\|').replace(/`/g, "'");
  };
  const out = [
    '# Surviving mutants',
    '',
    'Written by `node scripts/mutation-scores.mjs --markdown reports/MUTATION-SURVIVORS.md <mutation.json …>` from',
    "Stryker's JSON reports (`npm run mutate`; see the README's \"Working on archsim\"). Each row is a",
    'change to the code that no test noticed: kill it with a test that asserts the exact behaviour, or,',
    'when the change truly cannot alter behaviour, mark it `// Stryker disable next-line MUTATOR: why`.',
    '',
    '| folder | score | killed | timed out | survived | no coverage |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| \`${r.folder}\` | ${r.score} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} |`),
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
