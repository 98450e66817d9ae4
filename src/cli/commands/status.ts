import type { Command } from 'commander';
import { handle, out, paint, printJson, table } from '../io.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('show what `archsim up` runs here: each unit, its pid, whether it is up and how often it was restarted')
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      '\nReads .archsim/run.json in the current directory (the supervisor keeps it current) and checks each pid.\nExit codes: 0 everything up (or nothing running), 1 the supervisor or a unit is down.',
    )
    .action((opts: { json?: boolean }) =>
      handle(async () => {
        const { readState, alive, printableState } = await import('../../run/state.js');
        const s = readState();
        if (!s) {
          if (opts.json) printJson({ running: false });
          else out('nothing running (no .archsim/run.json here)');
          return 0;
        }
        const supervisor = alive(s.supervisorPid);
        const units = s.units.map((u) => {
          const live = supervisor && alive(u.pid);
          // A dead pid while the supervisor lives is a unit being restarted (or given up on).
          const state = !supervisor ? 'down' : live ? (u.state === 'restarting' ? 'restarting' : 'up') : u.state === 'failed' ? 'failed' : u.state === 'stopped' ? 'stopped' : 'restarting';
          return { name: u.name, url: u.url, pid: u.pid, state, restarts: u.restarts ?? 0, domains: u.domains };
        });
        // The gateway is supervised like a unit: the same states.
        const g = s.gateway;
        const gateway = g
          ? { url: g.url, pid: g.pid, restarts: g.restarts ?? 0, state: !supervisor ? 'down' : alive(g.pid) ? (g.state === 'restarting' ? 'restarting' : 'up') : g.state === 'failed' ? 'failed' : 'restarting' }
          : undefined;
        const healthy = supervisor && units.every((u) => u.state === 'up') && (!gateway || gateway.state === 'up');
        if (opts.json) {
          const p = printableState(s);
          printJson({ running: supervisor, healthy, layout: s.layout, supervisorPid: s.supervisorPid, status: s.status, gatewayUrl: s.gatewayUrl, units, ...(gateway ? { gateway } : {}), postgres: p.postgres, startedAt: s.startedAt, logDir: s.logDir });
        } else {
          const mark = healthy ? paint('green', '✓') : paint('red', '✗');
          out(`${mark} ${s.layout}: supervisor pid ${s.supervisorPid} ${supervisor ? 'running' : 'NOT running (stale run.json: `archsim down` cleans up)'}, since ${s.startedAt}`);
          out(`  entry    ${s.gatewayUrl}`);
          const rows = units.map((u) => [u.name, u.url, u.pid, u.state, u.restarts]);
          if (gateway) rows.push(['(gateway)', gateway.url, gateway.pid, gateway.state, gateway.restarts]);
          out(table(['unit', 'url', 'pid', 'state', 'restarts'], rows, { indent: 2 }));
          out(`  logs     ${s.logDir}`);
        }
        return healthy ? 0 : 1;
      }),
    );
}
