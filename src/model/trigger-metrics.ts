// A layout trigger's metric, as `archsim plan` reads it (plan/triggers.ts), checked where it is
// written: one that names a station or an operation the blueprint does not have was evaluated to
// a note ("no unit or datastore …") in the plan and passed `validate` in silence. Pure.
import { didYouMean } from './diagnostics.js';
import type { Problem } from './semantics.js';
import type { Layout } from './schema.js';

/** name(arg): `utilization(app)`, `latency.p95(chat.send)`, `connections`. */
export const TRIGGER_METRIC = /^([a-z][\w.]*)(?:\(([^)]*)\))?$/i;

/** Metrics of one station of the layout (a unit, a server datastore, the gateway or the broker). */
const STATION_METRICS = new Set(['utilization', 'cpu', 'queue']);
/** Metrics of one operation. */
const OPERATION_METRIC = /^(rate|latency(\.(p50|p90|p95|p99|mean))?)$/;

/**
 * The stations a trigger of this layout may name: what the simulator makes a station of (an
 * engine: memory store is its unit's state, not a station).
 */
function stationNames(layout: Layout): string[] {
  return [
    ...Object.keys(layout.units),
    ...Object.entries(layout.datastores)
      .filter(([, d]) => d.engine !== 'memory')
      .map(([n]) => n),
    ...(layout.gateway ? ['gateway'] : []),
    ...(layout.broker ? ['broker'] : []),
  ];
}

/**
 * Problems of one layout's triggers. A metric of another name (a team's own, "tenants") is a
 * decision for the team and stays free text; a known metric must name what it measures.
 */
export function triggerMetricProblems(layoutName: string, layout: Layout, opIds: string[]): Problem[] {
  const out: Problem[] = [];
  layout.triggers.forEach((t, i) => {
    if (t.metric === undefined) return;
    const m = TRIGGER_METRIC.exec(t.metric.trim());
    if (!m) return;
    const [, name, arg] = m as unknown as [string, string, string | undefined];
    const path = ['layouts', layoutName, 'triggers', i, 'metric'];
    const shown = JSON.stringify(t.metric.trim());
    if (STATION_METRICS.has(name)) {
      const stations = stationNames(layout);
      const what = arg?.trim() ?? '';
      if (!what) out.push({ path, message: `trigger metric ${shown} names no station: write ${name}(<unit or datastore>), e.g. ${name}(${stations[0] ?? 'app'})`, severity: 'error' });
      else if (!stations.includes(what)) {
        const memory = layout.datastores[what]?.engine === 'memory';
        const why = memory ? `datastore "${what}" is engine memory, state in its unit's process, with no station of its own (name its unit)` : `no unit or datastore "${what}" in layout ${layoutName}${didYouMean(what, stations)}`;
        out.push({ path, message: `trigger metric ${shown}: ${why}`, severity: 'error' });
      }
    } else if (OPERATION_METRIC.test(name)) {
      const op = arg?.trim() ?? '';
      // rate alone is the whole workload's; a latency is always one operation's
      if (!op && name !== 'rate') out.push({ path, message: `trigger metric ${shown} names no operation: write ${name}(<domain.operation>)${opIds[0] ? `, e.g. ${name}(${opIds[0]})` : ''}`, severity: 'error' });
      else if (op && !opIds.includes(op)) out.push({ path, message: `trigger metric ${shown}: no operation "${op}"${didYouMean(op, opIds)}`, severity: 'error' });
    }
  });
  return out;
}
