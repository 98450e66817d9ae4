// Issue "Comparison reports": whole-process time of `archsim report` in markdown and in HTML
// with rendered diagrams.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, fmtMs, timeCommand } from './lib.mjs';

export const title = 'Comparison reports';
export const method =
  'Whole-process wall time of `archsim report blueprints/quantchat.yaml` (all five layouts, fault scenarios included), median of 5 runs after a warm-up; HTML renders the five layout diagrams with Debian Chromium through mermaid-cli.';

export async function run({ log }) {
  const md = timeCommand(process.execPath, [BIN, 'report', 'blueprints/quantchat.yaml', '--format', 'md'], { runs: 5 });
  log(`md ${fmtMs(md.median)}`);
  const dir = mkdtempSync(join(tmpdir(), 'archsim-bench-report-'));
  const html = timeCommand(process.execPath, [BIN, 'report', 'blueprints/quantchat.yaml', '--format', 'html', '--out', dir, '--force'], { runs: 3 });
  log(`html ${fmtMs(html.median)}`);
  return [
    { name: '`archsim report blueprints/quantchat.yaml --format md`', value: fmtMs(md.median), goal: '< 3 s', pass: md.median < 3000 },
    { name: '`archsim report … --format html` with rendered diagrams', value: fmtMs(html.median), goal: '< 10 s', pass: html.median < 10000 },
  ];
}
