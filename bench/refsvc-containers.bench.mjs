// Issue "Containers": cold start of each layout of the reference services in containers
// (`archsim up --runtime compose`), next to the same layout as processes, in the same run.
// `npm run bench -- refsvc` runs it after the process bench; `-- refsvc-containers` alone.
import os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, ROOT } from './lib.mjs';

export const title = 'Reference services in containers: cold start per layout';
export const method = [
  'Containers: `composeUp` (what `archsim up --runtime compose` runs) from nothing to every container\'s healthcheck green: the compose project written, `docker-compose up -d` (Debian\'s 1.29; `docker compose` where the v2 plugin exists) creating the network, the volume and every container on the engine\'s storage driver (a row names it: overlay2 mounts the image\'s layers, vfs copies the whole image for each container), PostgreSQL initialising its cluster and databases, each unit migrating and answering /ready, the gateway last; then `down` (containers, network, volume removed), timed too. The image of the reference services is built once before (its build time is its own row; an unchanged tree reuses it).',
  'Processes: `startLayout` (what `archsim up` runs) for the same layout in the same run, one after the other, on the embedded PostgreSQL: the process cold start of the `refsvc` bench, measured beside the containers so the machine\'s load hits both alike.',
].join('\n\n');

const BP = `${ROOT}blueprints/quantchat.yaml`;
const LAYOUTS = ['monolith', 'microservices'];

export async function run({ log }) {
  const { engine, composeCommand } = await import('../dist/reference-services/launcher/docker.js');
  const e = await engine();
  const cmd = await composeCommand();
  if (!e.ok || !cmd) throw new Error(`needs a Docker engine and compose: ${e.ok ? 'no compose command' : e.why}`);
  const { composeUp, composeDown } = await import('../dist/reference-services/launcher/compose.js');
  const { ensureReferenceImage } = await import('../dist/reference-services/launcher/compose-image.js');
  const { startLayout } = await import('../dist/reference-services/launcher/layout.js');
  const rows = [];
  const loadAtStart = os.loadavg()[0].toFixed(1);
  const t0 = performance.now();
  let built = false;
  const image = await ensureReferenceImage(ROOT, (l) => {
    built ||= l.startsWith('building');
    log(l);
  });
  rows.push({ name: 'image of the reference services', value: built ? `built in ${fmtMs(performance.now() - t0)} (${image})` : `reused (${image}, unchanged code)` });
  const base = mkdtempSync(join(tmpdir(), 'archsim-bench-compose-'));
  try {
    for (const [i, layout] of LAYOUTS.entries()) {
      const p0 = performance.now();
      const L = await startLayout(BP, layout, { portOffset: 17700 + i * 100, logLevel: 'warn' });
      const proc = performance.now() - p0;
      await L.stop();
      const c0 = performance.now();
      // A generous deadline, so the figure is measured rather than cut off; the goal row says whether it met 60 s.
      let c;
      try {
        c = await composeUp(BP, layout, { portOffset: 18700 + i * 100, baseDir: base, healthyWithinMs: 300_000 });
      } catch (err) {
        rows.push({ name: `cold start, ${layout}: processes / containers`, value: `${fmtMs(proc)} / failed after ${fmtMs(performance.now() - c0)}: ${err.message.split('\n')[0]}`, goal: 'containers ≤ 60 s', pass: false });
        continue;
      }
      const cont = performance.now() - c0;
      const d0 = performance.now();
      const removed = await composeDown(c);
      const down = performance.now() - d0;
      const n = c.units.length;
      log(`${layout}: processes ${fmtMs(proc)}, containers ${fmtMs(cont)} (${removed.containers} containers), down ${fmtMs(down)}`);
      rows.push({ name: `cold start, ${layout} (${n} unit${n > 1 ? 's' : ''}${c.services.gateway ? ' + gateway' : ''}): processes / containers (${removed.containers}, every healthcheck green)`, value: `${fmtMs(proc)} / ${fmtMs(cont)}`, goal: 'containers ≤ 60 s', pass: cont <= 60_000 });
      rows.push({ name: `down, ${layout} (containers, network and volume removed)`, value: fmtMs(down) });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  const { docker } = await import('../dist/src/run/docker.js');
  const driver = (await docker(['info', '--format', '{{.Driver}}'], { allowFail: true })).stdout.trim() || '?';
  rows.push({ name: 'compose command, Docker engine, storage driver', value: `${cmd.join(' ')}, engine ${e.version}, ${driver}` });
  rows.push({ name: 'machine load average (1 min) at the start / end of the run, 2 cores shared', value: `${loadAtStart} / ${os.loadavg()[0].toFixed(1)}` });
  return rows;
}
