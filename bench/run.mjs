#!/usr/bin/env node
// `npm run bench [-- name…]`: runs the benchmark modules in bench/*.bench.mjs (all, or those
// named), prints their figures and rewrites each one's section of reports/BENCHMARKS.md.
// Figures are medians of repeated runs; the machine is shared, so compare ratios within a run.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const dir = new URL('./', import.meta.url);
const wanted = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (!chosen.length) {
  console.error(`no benchmark matches ${wanted.join(', ')}; have: ${all.map((f) => f.replace('.bench.mjs', '')).join(', ')}`);
  process.exit(2);
}
if (!existsSync(new URL('../dist/src/cli/main.js', import.meta.url))) {
  console.error('build first: npm run build');
  process.exit(2);
}

const mdPath = new URL('../reports/BENCHMARKS.md', import.meta.url);
let md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const day = new Date().toISOString().slice(0, 10);

for (const file of chosen) {
  const name = file.replace('.bench.mjs', '');
  const mod = await import(new URL(file, dir).href);
  console.error(`▶ ${name}: ${mod.title}`);
  const rows = await mod.run({ log: (m) => console.error(`  ${m}`) });
  const table = [
    '| figure | value | goal | verdict |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.value} | ${r.goal ?? '–'} | ${r.pass === undefined ? '–' : r.pass ? 'meets goal' : '**misses goal**'} |`),
  ].join('\n');
  for (const r of rows) console.log(`${name}\t${r.name}\t${r.value}${r.goal ? `\t(goal ${r.goal}${r.pass === false ? ', MISSED' : ''})` : ''}`);
  const section = `<!-- bench:${name} -->\n## ${mod.title}\n\nCommand: \`npm run bench -- ${name}\` · measured ${day} on ${machine}.\n${mod.method ? `\n${mod.method}\n` : ''}\n${table}\n<!-- /bench:${name} -->`;
  const re = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  md = re.test(md) ? md.replace(re, section) : `${md.trimEnd()}\n\n${section}\n`;
}
writeFileSync(mdPath, md.endsWith('\n') ? md : `${md}\n`);
console.error('updated reports/BENCHMARKS.md');
