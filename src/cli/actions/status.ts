// `archsim status`: the state `archsim up` keeps in .archsim/run.json, checked pid by pid.
import { out, paint, printJson, table } from '../io.js';
import { readState, alive, printableState, type RunState } from '../../../reference-services/launcher/state.js';

export async function action(opts: { json?: boolean }): Promise<number | void> {
  const s = readState();
  if (!s) {
    if (opts.json) printJson({ running: false });
    else out('nothing running (no .archsim/run.json here)');
    return 0;
  }
  if (s.compose) return statusCompose(s, opts);
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

/** --runtime compose: each container of the project as the engine sees it (state and health). */
async function statusCompose(s: RunState, opts: { json?: boolean }): Promise<number> {
  const c = s.compose!;
  const { projectContainers } = await import('../../../reference-services/launcher/compose.js');
  const found = await projectContainers(c.project);
  const services = c.services.map((name) => {
    const x = found.find((f) => f.service === name);
    return { name, state: x?.state ?? 'missing', health: x?.health ?? 'missing', ports: x?.ports ?? [] };
  });
  const healthy = services.every((x) => x.state === 'running' && x.health === 'healthy');
  if (opts.json) printJson({ running: found.some((f) => f.state === 'running'), healthy, layout: s.layout, runtime: 'compose', project: c.project, gatewayUrl: s.gatewayUrl, services, startedAt: s.startedAt });
  else {
    out(`${healthy ? paint('green', '✓') : paint('red', '✗')} ${s.layout}: compose project ${c.project}, since ${s.startedAt}`);
    out(`  entry    ${s.gatewayUrl}`);
    out(table(['service', 'state', 'health', 'published'], services.map((x) => [x.name, x.state, x.health, x.ports.join(' ') || '–']), { indent: 2 }));
  }
  return healthy ? 0 : 1;
}
