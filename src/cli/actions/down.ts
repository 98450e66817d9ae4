// `archsim down`: stop what a detached `archsim up` left running, process group by group.
import { out, paint, printJson } from '../io.js';
import { readState, clearState, alive, type RunState } from '../../../reference-services/launcher/state.js';

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
  if (s.compose) return downCompose(s, opts, wait);
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
  // A container the supervisor did not get to remove (it was killed): remove it here.
  let container: string | undefined;
  if (s.postgres.containerId) {
    const { removeContainer } = await import('../../../reference-services/runtime/postgres.js');
    container = await removeContainer(s.postgres.containerId).then(
      () => s.postgres.containerId,
      (e: Error & { statusCode?: number }) => {
        if (e.statusCode !== 404 && !/no such container/i.test(e.message)) process.stderr.write(`archsim: could not remove PostgreSQL container ${s.postgres.containerId}: ${e.message.split('\n')[0]}\n`);
        return undefined;
      },
    );
  }
  clearState();
  if (opts.json) printJson({ stopped: true, layout: s.layout, clean, killed: leftovers, ...(container ? { removedContainer: container } : {}) });
  else out(`${paint('green', '✓')} ${s.layout} stopped${clean ? '' : ` (killed ${leftovers.length} leftover process${leftovers.length === 1 ? '' : 'es'})`}`);
  return 0;
}

/**
 * --runtime compose: the foreground `up` (if any) removes the project on SIGTERM; whatever is
 * left after it (or all of it, detached) is removed here, by compose and then by label.
 */
async function downCompose(s: RunState, opts: { json?: boolean }, wait: (pid: number, ms: number) => Promise<boolean>): Promise<number> {
  const c = s.compose!;
  let clean = true;
  if (s.supervisorPid && alive(s.supervisorPid)) {
    process.kill(s.supervisorPid, 'SIGTERM');
    clean = await wait(s.supervisorPid, 120_000);
  }
  const { composeDown, projectContainers } = await import('../../../reference-services/launcher/compose.js');
  const removed = await composeDown(c);
  const left = await projectContainers(c.project);
  clearState();
  if (opts.json) printJson({ stopped: true, layout: s.layout, clean, project: c.project, removedContainers: removed.containers, leftContainers: left.length });
  else out(`${paint('green', '✓')} ${s.layout} stopped: compose project ${c.project} removed (${removed.containers} container${removed.containers === 1 ? '' : 's'}, its network and volume)`);
  return left.length ? 1 : 0;
}
