#!/usr/bin/env node
// Per-folder mutation scores from Stryker's JSON report(s) (reports/mutation/mutation.json by
// default; several files merge, later ones winning per source file, so per-folder runs add up).
// Score = detected / (detected + survived + no coverage), detected = killed + timed out (a
// mutant that hangs the tests is caught): no-coverage mutants count as survivors.
// Usage: node scripts/mutation-scores.mjs [--survivors] [mutation.json ...]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const showSurvivors = args.includes('--survivors');
const files = args.filter((a) => !a.startsWith('--'));
if (!files.length) files.push('reports/mutation/mutation.json');

const FOLDERS = ['src/model', 'src/simulate', 'src/generate', 'src/report', 'src/loadtest/driver'];
const bySource = new Map();
for (const f of files) for (const [path, v] of Object.entries(JSON.parse(readFileSync(f, 'utf8')).files)) bySource.set(path, v);

const rows = [];
for (const folder of FOLDERS) {
  const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const [path, v] of bySource) {
    if (!path.startsWith(`${folder}/`)) continue;
    for (const m of v.mutants) {
      if (m.status in c) c[m.status]++;
      else c.other++;
      if (showSurvivors && (m.status === 'Survived' || m.status === 'NoCoverage'))
        console.log(`${path}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
  const detected = c.Killed + c.Timeout;
  const total = detected + c.Survived + c.NoCoverage;
  if (total) rows.push({ folder, score: ((100 * detected) / total).toFixed(1) + '%', killed: c.Killed, timeout: c.Timeout, survived: c.Survived, noCoverage: c.NoCoverage, other: c.other });
}
console.table(rows);
