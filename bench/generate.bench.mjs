// Issue "Generators": generating every target for the QuantChat microservices layout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, fmtMs, median, timeCommand } from './lib.mjs';

export const title = 'Generating every target (compose, k8s, gateway, monitoring, k6, scaffold)';
export const method =
  '`archsim generate all blueprints/quantchat.yaml --layout microservices --out DIR --force` (the scaffold with its compose and Kubernetes files, plus gateway, monitoring and k6): whole-process wall time, spawn to exit, files written to a temp dir, median of 9 runs after a warm-up. In-process: `generate()` of each target on the loaded blueprint, median of 20.';

export async function run({ log }) {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-bench-gen-'));
  try {
    const whole = timeCommand(process.execPath, [BIN, 'generate', 'all', 'blueprints/quantchat.yaml', '--layout', 'microservices', '--out', dir, '--force']);
    log(`generate all, whole process ${fmtMs(whole.median)}`);
    const { loadBlueprint } = await import('../dist/src/io/load.js');
    const { generate, TARGETS } = await import('../dist/src/generate/index.js');
    const bp = loadBlueprint('blueprints/quantchat.yaml').blueprint;
    const rows = [{ name: '`archsim generate all … --layout microservices`, whole process', value: fmtMs(whole.median), goal: '< 1 s', pass: whole.median < 1000 }];
    let files = 0;
    for (const t of TARGETS) {
      const times = [];
      for (let i = 0; i <= 20; i++) {
        const t0 = performance.now();
        const out = generate(t, bp, 'microservices');
        if (i > 0) times.push(performance.now() - t0);
        if (t === 'all') files = out.length;
      }
      log(`${t} in-process ${fmtMs(median(times))}`);
      rows.push({ name: `\`generate('${t}')\` in-process`, value: fmtMs(median(times)) });
    }
    rows.push({ name: 'files written by `all`', value: String(files) });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
