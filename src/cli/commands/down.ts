import type { Command } from 'commander';
import { handle, out, paint, printJson } from '../io.js';

export function register(program: Command): void {
  program
    .command('down')
    .description('stop a detached `archsim up` (units, gateway and PostgreSQL)')
    .option('--json', 'print what was stopped as JSON')
    .addHelpText('after', '\nReads .archsim/run.json in the current directory. Exit codes: 0 stopped (or nothing was running).')
    .action((opts: { json?: boolean }) =>
      handle(async () => {
        const { readState, clearState, alive } = await import('../../run/state.js');
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
      }),
    );
}
