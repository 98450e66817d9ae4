// Issue "Foundation": graph, lint and checklist as a user runs them, and lint on a large blueprint.
import { BIN, fmtMs, median, timeCommand } from './lib.mjs';
import { bigBlueprint } from './cli.bench.mjs';

export const title = 'graph, lint and checklist';
export const method =
  'Whole-process wall time (spawn to exit) of the built CLI on blueprints/quantchat.yaml, median of 9 runs after a warm-up, next to `validate` measured in the same run (the machine is shared, so compare with that baseline); SVG rendering (launching Chromium) median of 3. Lint of the generated 200-domain, 20-layout blueprint (every layout) in-process, median of 5.';

export async function run({ log }) {
  const qc = 'blueprints/quantchat.yaml';
  // The same run's `validate` is the baseline: process start plus loading the blueprint.
  const base = timeCommand(process.execPath, [BIN, 'validate', qc]);
  const lint = timeCommand(process.execPath, [BIN, 'lint', qc]);
  log(`lint ${fmtMs(lint.median)}`);
  const graph = timeCommand(process.execPath, [BIN, 'graph', qc, '--layout', 'microservices']);
  const seq = timeCommand(process.execPath, [BIN, 'graph', qc, '--layout', 'microservices', '--operation', 'messages.send']);
  const check = timeCommand(process.execPath, [BIN, 'checklist', qc, '--json']);
  const rows = [
    { name: 'baseline: `archsim validate` (start + load), same run', value: fmtMs(base.median) },
    { name: '`archsim lint` (all 5 layouts), whole process', value: fmtMs(lint.median), goal: '< 500 ms', pass: lint.median < 500 },
    { name: '`archsim graph --layout microservices` (Mermaid text)', value: fmtMs(graph.median), goal: '< 500 ms', pass: graph.median < 500 },
    { name: '`archsim graph … --operation messages.send`', value: fmtMs(seq.median), goal: '< 500 ms', pass: seq.median < 500 },
    { name: '`archsim checklist --json`', value: fmtMs(check.median), goal: '< 500 ms', pass: check.median < 500 },
  ];
  const { existsSync } = await import('node:fs');
  if (existsSync('/usr/bin/chromium')) {
    const svg = timeCommand(process.execPath, [BIN, 'graph', qc, '--layout', 'microservices', '--format', 'svg', '--out', '/dev/null', '--force'], { runs: 3 });
    log(`svg ${fmtMs(svg.median)}`);
    rows.push({ name: '`archsim graph … --format svg` (starts Chromium)', value: fmtMs(svg.median), goal: '< 5 s', pass: svg.median < 5000 });
  }
  const { parseBlueprint } = await import('../dist/src/model/parse.js');
  const { lint: lintFn } = await import('../dist/src/model/lint.js');
  const r = parseBlueprint(bigBlueprint(), 'big.yaml');
  if (!r.ok) throw new Error(r.errors[0].message);
  const times = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    lintFn(r.blueprint);
    if (i > 0) times.push(performance.now() - t0);
  }
  const big = median(times);
  rows.push({ name: 'lint 200 domains × 20 layouts (in-process)', value: fmtMs(big), goal: '< 1 s', pass: big < 1000 });
  // Whole-process figures on a shared 2-core machine mean little without the load next to them.
  const { loadavg, cpus } = await import('node:os');
  rows.push({ name: `machine load average (1 min) at the end, ${cpus().length} cores`, value: loadavg()[0].toFixed(1) });
  return rows;
}
