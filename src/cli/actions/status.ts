// `archsim status`: the state `archsim up` keeps in .archsim/run.json, checked pid by pid.
import { out, paint, printJson, table } from '../io.js';
import { readState, alive, printableState } from '../../run/state.js';

export async function action(opts: { json?: boolean }): Promise<number | void> {
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
}
