// `archsim inspect`: what a blueprint holds, as plain data (the JSON) and as text.
import { out, paint, printJson, table, UsageError } from '../io.js';
import { plural } from '../../words.js';
import { didYouMean, terminalText } from '../../model/diagnostics.js';
import { operations, resolveLayout } from '../../model/resolve.js';
import type { Blueprint } from '../../model/schema.js';
import { autoScenarioList } from '../../simulate/auto-scenarios.js';
import { monthlyCost } from '../../simulate/cost.js';
import { loadBlueprint } from '../../io/load.js';

export async function action(file: string, opts: { layout?: string; json?: boolean }): Promise<number | void> {
  const { blueprint } = loadBlueprint(file);
  const view = inspectView(blueprint, opts.layout);
  if (opts.json) printJson(view);
  else out(renderInspect(view));
}

export type InspectView = ReturnType<typeof inspectView>;

/** Everything inspect shows, as plain data (the JSON output). */
export function inspectView(bp: Blueprint, only?: string) {
  const names = Object.keys(bp.layouts);
  if (only && !Object.hasOwn(bp.layouts, only)) throw new UsageError(`unknown layout "${only}"${didYouMean(only, names)}; layouts: ${names.join(', ')}`);
  return {
    name: bp.metadata.name,
    title: bp.metadata.title ?? bp.metadata.name,
    domains: Object.entries(bp.system.domains).map(([name, d]) => ({
      name,
      tables: d.tables,
      operations: Object.keys(d.operations),
    })),
    operations: operations(bp).map((o) => ({
      id: o.id,
      route: o.op.route ? `${o.op.route.method} ${o.op.route.path}` : null,
      internal: o.op.internal,
      cpuMs: o.op.cpu.mean,
      dbReads: o.op.db.reads,
      dbWrites: o.op.db.writes,
      calls: o.op.calls.map((c) => c.op),
      /** per call (same order): how many times one run makes it, and its own protocol (null: its callee unit's) */
      callDetails: o.op.calls.map((c) => ({ op: c.op, count: c.count, protocol: c.protocol ?? null })),
      emits: o.op.emits,
    })),
    events: Object.entries(bp.system.events).map(([name, e]) => ({ name, consumers: e.consumers })),
    /** what compare and report run when no --scenario is given: the blueprint's files, else the automatic ones */
    scenarios: { declared: bp.scenarios ?? [], automatic: autoScenarioList(bp) },
    layouts: names
      .filter((n) => !only || n === only)
      .map((n) => {
        const r = resolveLayout(bp, n);
        const cost = monthlyCost(bp, n);
        return {
          name: n,
          style: r.layout.style ?? null,
          description: r.layout.description ?? null,
          protocol: r.layout.protocol,
          gateway: r.layout.gateway ? { kind: r.layout.gateway.kind, port: r.layout.gateway.port, instance: r.layout.gateway.instance ?? null } : null,
          broker: r.layout.broker ? { kind: r.layout.broker.kind, instance: r.layout.broker.instance ?? null } : null,
          units: r.units.map((u) => ({
            name: u.name,
            domains: u.domains,
            port: u.port,
            protocol: u.protocol,
            replicas: u.replicas,
            instance: u.instance,
            autoscale: u.autoscale ? { min: u.autoscale.min, max: u.autoscale.max, metric: u.autoscale.metric } : null,
          })),
          datastores: r.datastores.map((d) => ({ name: d.name, engine: d.engine, instance: d.instance ?? null, tables: d.tables })),
          monthlyCost: { usd: cost.usdPerMonth, items: cost.items },
          next: r.layout.next ?? null,
        };
      }),
  };
}

/**
 * A view with every string in it made safe to print (terminalText): names, titles and
 * descriptions come from the blueprint, whose quoted strings may hold escape sequences that
 * recolour the terminal, write its clipboard (OSC 52) or overwrite a line (\r). The JSON
 * output needs none of this: JSON escapes control characters itself.
 */
export function terminalView<T>(v: T): T {
  if (typeof v === 'string') return terminalText(v) as T;
  if (Array.isArray(v)) return v.map(terminalView) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, terminalView(x)])) as T;
  return v;
}

export function renderInspect(view: InspectView): string {
  const v = terminalView(view);
  const h = (s: string) => paint('bold', s);
  const parts: string[] = [];
  parts.push(`${h(v.title)} (${v.name}): ${plural(v.domains.length, 'domain')}, ${plural(v.operations.length, 'operation')}, ${plural(v.events.length, 'event')}, ${plural(v.layouts.length, 'layout')}`);
  parts.push('', h('Domains'));
  parts.push(table(['domain', 'tables', 'operations'], v.domains.map((d) => [d.name, d.tables.join(', ') || '-', d.operations.join(', ')])));
  parts.push('', h('Events'));
  parts.push(v.events.length ? table(['event', 'consumers'], v.events.map((e) => [e.name, e.consumers.join(', ')])) : '(none)');
  parts.push('', h('Failure scenarios'));
  if (v.scenarios.declared.length) parts.push(`  compare and report run the blueprint's own: ${v.scenarios.declared.join(', ')}`);
  parts.push(`  automatic (\`--scenario auto\` for all, \`--scenario auto:<name>\` for one)${v.scenarios.declared.length ? '' : ', run by compare and report by default'}:`);
  parts.push(table(['scenario', 'what fails'], v.scenarios.automatic.map((s) => [s.name, s.description]), { indent: 2 }));
  for (const l of v.layouts) {
    parts.push('', h(`Layout ${l.name}`) + (l.style ? ` (${l.style})` : '') + ` — $${l.monthlyCost.usd}/month`);
    if (l.gateway) parts.push(`  gateway: ${l.gateway.kind} on port ${l.gateway.port}`);
    if (l.broker) parts.push(`  broker: ${l.broker.kind}`);
    parts.push(
      table(
        ['unit', 'port', 'replicas', 'instance', 'domains'],
        l.units.map((u) => [u.name, u.port, u.autoscale ? `${u.replicas} (${u.autoscale.min}–${u.autoscale.max})` : u.replicas, u.instance ?? '–', u.domains.join(', ')]),
        { indent: 2 },
      ),
    );
    parts.push('');
    parts.push(table(['datastore', 'engine', 'instance', 'tables'], l.datastores.map((d) => [d.name, d.engine, d.instance ?? '-', d.tables.join(', ')]), { indent: 2 }));
    parts.push('');
    parts.push(
      table(
        ['cost item', 'count', 'each', 'per month'],
        [...l.monthlyCost.items.map((i) => [i.component, i.count, `$${i.usdEach}`, `$${i.usdPerMonth}`]), ['total', '', '', `$${l.monthlyCost.usd}`]],
        { indent: 2 },
      ),
    );
  }
  return parts.join('\n');
}
