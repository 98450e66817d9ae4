// `archsim down`: stop what a detached `archsim up` left running, process group by group.
import { out, paint, printJson } from '../io.js';
import { readState, clearState, alive } from '../../run/state.js';

export async function action(opts: { json?: boolean }): Promise<number | void> {
  const s = readState();
  if (!s) {
    if (opts.json) printJson({ stopped: false, reason: 'nothing running' });
    else out('nothing running (no .archsim/run.json here)');
    return 0;
  }
  const wait = async (pid: number, ms: number) => {
    const end = Date.now() + ms;
    while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    return !alive(pid);
  };
  let clean = false;
  if (alive(s.supervisorPid)) {
    process.kill(s.supervisorPid, 'SIGTERM');
    clean = await wait(s.supervisorPid, 20_000);
  }
  // The supervisor is gone (or stuck): stop whatever it left, process group by group.
  const leftovers = [...s.units.map((u) => u.pid), ...(s.gateway ? [s.gateway.pid] : [])].filter(alive);
  for (const pid of leftovers) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (s.postgres.pid && alive(s.postgres.pid)) {
    process.kill(s.postgres.pid, 'SIGINT');
    await wait(s.postgres.pid, 10_000);
  }
  clearState();
  if (opts.json) printJson({ stopped: true, layout: s.layout, clean, killed: leftovers });
  else out(`${paint('green', '✓')} ${s.layout} stopped${clean ? '' : ` (killed ${leftovers.length} leftover process${leftovers.length === 1 ? '' : 'es'})`}`);
  return 0;
}
