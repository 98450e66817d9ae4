// Issue "Foundation": start-up and validation speed of the CLI, and loading a large blueprint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, fmtMs, median, timeCommand } from './lib.mjs';

export const title = 'CLI start-up, validation and loading a large blueprint';
export const method =
  'Whole-process wall time (spawn to exit) of the built CLI, median of 9 runs after a warm-up, and its CPU time (the children\'s user + system time from /proc: on a busy machine, what the command itself costs). The large blueprint is generated: 200 domains of 5 operations each, 20 layouts; its load time is measured in-process, median of 9.';

export function bigBlueprint(domains = 200, layouts = 20) {
  const lines = ['apiVersion: archsim/v1', 'kind: Blueprint', 'metadata: { name: big }', 'system:', '  domains:'];
  for (let d = 0; d < domains; d++) {
    lines.push(`    d${d}:`, `      tables: [t${d}a, t${d}b]`, '      operations:');
    for (let o = 0; o < 5; o++) {
      const calls = d > 0 && o === 0 ? `, calls: [d${d - 1}.op1]` : '';
      lines.push(`        op${o}: { route: "POST /api/d${d}/op${o}", cpu: 1ms, db: { reads: 1, writes: 1 }${calls} }`);
    }
  }
  lines.push('layouts:');
  for (let l = 0; l < layouts; l++) {
    lines.push(`  l${l}:`, '    units:');
    const perUnit = Math.ceil(domains / (l + 1));
    for (let u = 0; u <= l; u++) {
      const ds = Array.from({ length: domains }, (_, i) => i).filter((i) => Math.floor(i / perUnit) === u).map((i) => `d${i}`);
      if (ds.length) lines.push(`      u${u}: { domains: [${ds.join(', ')}], port: ${9000 + u}, instance: small, replicas: 2 }`);
    }
    lines.push('    datastores:', `      main: { engine: postgres, instance: small, tables: "*" }`);
  }
  lines.push('catalog:', '  small: { usdPerMonth: $5 }');
  return lines.join('\n') + '\n';
}

export async function run({ log }) {
  const loadBefore = os.loadavg()[0];
  // The floor: Node itself starting and exiting, in the same run (on a busy machine the whole
  // process times move with it; the difference is what archsim adds).
  const bare = timeCommand(process.execPath, ['-e', '0']);
  log(`node -e 0 ${fmtMs(bare.median)}`);
  const help = timeCommand(process.execPath, [BIN, '--help']);
  log(`--help ${fmtMs(help.median)}`);
  const val = timeCommand(process.execPath, [BIN, 'validate', 'blueprints/quantchat.yaml']);
  log(`validate ${fmtMs(val.median)}`);
  const { parseBlueprint } = await import('../dist/src/model/parse.js');
  const text = bigBlueprint();
  const dir = mkdtempSync(join(tmpdir(), 'archsim-bench-'));
  writeFileSync(join(dir, 'big.yaml'), text);
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = parseBlueprint(text, 'big.yaml');
    if (!r.ok) throw new Error(r.errors[0].message);
    if (i > 0) times.push(performance.now() - t0);
  }
  const load = median(times);
  const bigCli = timeCommand(process.execPath, [BIN, 'validate', join(dir, 'big.yaml')], { runs: 5 });
  // Issue 13: a 5.3 MB blueprint (2,000 domains × 5 operations, 200 layouts), whole process,
  // with its peak RSS (reported by a preloaded hook on exit).
  const huge = bigBlueprint(2000, 200);
  writeFileSync(join(dir, 'huge.yaml'), huge);
  const rssHook = join(dir, 'rss.cjs');
  writeFileSync(rssHook, "process.on('exit',()=>require('fs').writeFileSync(process.env.RSS_OUT,String(process.resourceUsage().maxRSS)))");
  const hugeTimes = [];
  const hugeRss = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', rssHook, BIN, 'validate', join(dir, 'huge.yaml')], { env: { ...process.env, RSS_OUT: join(dir, 'rss') }, encoding: 'utf8', maxBuffer: 1 << 26 });
    hugeTimes.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`validate huge.yaml: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
    hugeRss.push(Number(readFileSync(join(dir, 'rss'), 'utf8')) / 1024);
  }
  const hugeMs = median(hugeTimes);
  const hugeMb = median(hugeRss);
  log(`validate huge (${(huge.length / 1e6).toFixed(1)} MB) ${fmtMs(hugeMs)}, ${Math.round(hugeMb)} MB`);
  return [
    { name: '`node -e 0` (Node starting and exiting: the floor of every row below)', value: fmtMs(bare.median) },
    { name: '`archsim --help`, whole process', value: fmtMs(help.median), goal: '< 150 ms', pass: help.median < 150 },
    { name: '`archsim --help` above the floor (whole process − `node -e 0`)', value: fmtMs(help.median - bare.median) },
    { name: '`archsim --help`, CPU time (user + system) of the process', value: help.cpuMedian === null ? '–' : fmtMs(help.cpuMedian) },
    { name: '`archsim validate blueprints/quantchat.yaml`, whole process', value: fmtMs(val.median), goal: '< 300 ms', pass: val.median < 300 },
    { name: '`archsim validate blueprints/quantchat.yaml` above the floor', value: fmtMs(val.median - bare.median) },
    { name: '`archsim validate blueprints/quantchat.yaml`, CPU time (user + system)', value: val.cpuMedian === null ? '–' : fmtMs(val.cpuMedian) },
    { name: 'load 200 domains × 20 layouts (in-process)', value: fmtMs(load), goal: '< 500 ms', pass: load < 500 },
    { name: '`archsim validate` of that blueprint, whole process', value: fmtMs(bigCli.median) },
    { name: '`archsim validate` of 2,000 domains × 5 operations, 200 layouts (5.3 MB), whole process', value: fmtMs(hugeMs), goal: '≤ 2 s', pass: hugeMs <= 2000 },
    { name: 'peak RSS of that validate', value: `${Math.round(hugeMb)} MB`, goal: '≤ 400 MB', pass: hugeMb <= 400 },
    { name: 'load average (1 min), before / after', value: `${loadBefore.toFixed(2)} / ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores` },
  ];
}
