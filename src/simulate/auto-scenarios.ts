// Failure scenarios derived from any blueprint, for when nobody wrote one: each domain's unit
// down and slowed, each domain's data down, the broker down, a spike on the busiest operation.
// Every target is named by its role (the unit running a domain, the store holding a table), so
// one scenario runs against every layout and the fault-isolation table compares like with like:
// "the unit running cart is down" is the whole monolith in one layout and one service in
// another. Names come from the blueprint's own domains, tables and operations. Pure.
import { LIMITS } from '../model/limits.js';
import { resolveLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { analyze } from './analytic.js';
import { closedThroughputOf } from './closed-workload.js';
import { Scenario } from './scenario.js';
import { workloadFor } from './workload.js';

/** Automatic scenarios are asked for by name with this prefix: `--scenario auto:cart-down`. */
export const AUTO_PREFIX = 'auto:';

/**
 * One timeline for all of them, short enough to run dozens per comparison: 5 s warm-up, the
 * failure from 15 s to 30 s, 15 s to recover. A client gives up after 2 s (or twice the slowest
 * operation's usual p99, if that is longer), so a stalled dependency shows as failures rather
 * than as an ever-growing latency, and a slow-by-design operation does not fail on a good day.
 */
const TIMELINE = { workload: { duration: '45s', warmup: '5s' } } as const;
const WINDOW = { at: '15s', for: '15s' } as const;
/** How much slower a degraded unit serves (a leak's garbage collection and swapping; seed 001 uses ×4). */
export const SLOW_FACTOR = 4;
/** The spike brings the busiest operation to this multiple of its usual rate. */
export const SPIKE_FACTOR = 4;

export interface AutoScenarioInfo {
  name: string;
  description: string;
}

/** Every automatic scenario of a blueprint, in a stable order (domains, data, broker, spike). */
export function autoScenarios(bp: Blueprint): Scenario[] {
  const out: Scenario[] = [];
  const clientTimeout = `${Math.round(Math.max(2000, 2 * slowestP99(bp)))}ms`;
  const make = (name: string, description: string, body: Record<string, unknown>) => {
    let unique = `${AUTO_PREFIX}${name}`;
    for (let i = 2; out.some((s) => s.name === unique); i++) unique = `${AUTO_PREFIX}${name}-${i}`;
    out.push(Scenario.parse({ name: unique, description, ...TIMELINE, clientTimeout, ...body }));
  };
  const domains = Object.keys(bp.system.domains);
  for (const d of domains) {
    make(`${d}-down`, `The unit running ${d} is down for 15 s (a crash and restart).`, {
      failures: [{ description: `unit running ${d} down`, domain: d, ...WINDOW, down: true }],
    });
    make(`${d}-slow`, `The unit running ${d} serves ×${SLOW_FACTOR} slower for 15 s (a leak, a noisy neighbour).`, {
      failures: [{ description: `unit running ${d} slowed ×${SLOW_FACTOR}`, domain: d, ...WINDOW, slow: SLOW_FACTOR }],
    });
  }
  for (const g of dataGroups(bp)) {
    // One scenario runs against every layout, so its words must be true in each: an engine is
    // named up front only when every layout keeps these tables in it; otherwise each layout's
    // own engine is listed ("postgres in monolith; redis in microservices").
    // A layout that keeps the tables in its unit's memory has no store to fail: said, so that the
    // engine named is not read as that layout's.
    const where = g.engine ? '' : ` (${g.engines})`;
    const memory = g.inProcess.length ? ` ${g.inProcess.join(', ')} ${g.inProcess.length === 1 ? 'keeps' : 'keep'} these tables in process: nothing fails there.` : '';
    make(g.name, `The ${g.engine ? `${g.engine} ` : ''}store holding ${g.domain} (${g.tables.join(', ')}) is down for 15 s${where}.${memory}`, {
      failures: [{ description: `${g.engine ? `${g.engine} ` : ''}store of ${g.domain} down${where}`, table: g.tables[0], ...WINDOW, down: true }],
    });
  }
  const brokers = Object.values(bp.layouts).filter((l) => l.broker);
  if (brokers.length) {
    make('broker-down', 'The message broker is down for 15 s (layouts without one dispatch events in process).', {
      failures: [{ description: 'broker down', broker: true, ...WINDOW, down: true }],
    });
  }
  const spike = busiestOperation(bp);
  if (spike) {
    // A rate above the largest one a blueprint may write (1M/s) is refused by the scenario's own
    // schema: the spike of an operation past a third of that adds the most it may.
    const extra = Math.min(spike.rate * (SPIKE_FACTOR - 1), LIMITS.ratePerSecond);
    const r = Math.round(extra * 100) / 100;
    const capped = extra < spike.rate * (SPIKE_FACTOR - 1);
    make(`spike-${spike.id}`, capped ? `${spike.id}, the busiest operation, with ${r}/s more for 15 s (the largest rate a scenario may add; ×${SPIKE_FACTOR} its usual rate would be more).` : `${spike.id}, the busiest operation, at ×${SPIKE_FACTOR} its usual rate for 15 s (+${r}/s).`, {
      load: [{ description: `${spike.id} spike (+${r}/s)`, ...WINDOW, rate: `${r}/s`, mix: { [spike.id]: 1 } }],
    });
  }
  return out;
}

/** Name and description of each automatic scenario, for listings and error messages. */
export function autoScenarioList(bp: Blueprint): AutoScenarioInfo[] {
  return autoScenarios(bp).map((s) => ({ name: s.name, description: s.description ?? '' }));
}

/** A closed workload's throughput in the first layout, req/s (0 if it cannot be computed). */
function closedThroughput(bp: Blueprint): number {
  const first = Object.keys(bp.layouts)[0];
  if (!first) return 0;
  try {
    return closedThroughputOf(bp, first);
  } catch {
    return 0;
  }
}

/** The slowest operation's p99 at low load in the first layout, ms (0 if it cannot be computed). */
function slowestP99(bp: Blueprint): number {
  const first = Object.keys(bp.layouts)[0];
  if (!first) return 0;
  try {
    return Math.max(0, ...analyze(bp, first, { rate: 1 }).operations.map((o) => o.latency.p99).filter(Number.isFinite));
  } catch {
    return 0;
  }
}

/** The operation with the largest share of the workload, and its usual rate. */
export function busiestOperation(bp: Blueprint): { id: string; rate: number } | undefined {
  let w;
  try {
    w = workloadFor(bp);
  } catch {
    return undefined; // no usable mix: no spike to derive
  }
  const top = Object.entries(w.mix).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  if (!top) return undefined;
  // A closed workload has no rate of its own: its throughput in the first layout (the one
  // slowestP99 reads too), not an invented 100/s.
  const rate = w.rate ?? closedThroughput(bp);
  if (!(rate > 0)) return undefined;
  return { id: top[0], rate: rate * top[1] };
}

interface DataGroup {
  name: string;
  domain: string;
  /** the engine holding the tables in every layout that stores them, or '' when layouts differ */
  engine: string;
  /** each layout's engine, grouped: "postgres in monolith, hybrid; redis in microservices" */
  engines: string;
  /** the layouts that keep these tables in their unit's memory (no store of their own to fail) */
  inProcess: string[];
  tables: string[];
}

/**
 * A domain's tables grouped by where they live: tables that share a datastore in every layout
 * fail together, so they are one scenario; a domain with a database and a cache gets two.
 */
function dataGroups(bp: Blueprint): DataGroup[] {
  const layouts = Object.keys(bp.layouts).map((l) => resolveLayout(bp, l));
  const out: DataGroup[] = [];
  const taken = new Set<string>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    const groups = new Map<string, string[]>();
    for (const t of d.tables) {
      // In-process state (engine memory) fails only with its unit: no scenario of its own.
      const where = layouts.map((r) => {
        const s = r.storeOfTable.get(t);
        return s && r.datastores.find((x) => x.name === s)?.engine !== 'memory' ? s : '';
      });
      if (where.every((s) => s === '')) continue; // stored nowhere: nothing to fail
      const key = where.join('\u0000');
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const list = [...groups.values()].map((tables) => ({ tables, ...enginesOf(layouts, tables[0]!) }));
    for (const g of list) {
      // A group whose engine differs between layouts is named "store": an engine in its name
      // would be false in some layout.
      const label = g.engine || 'store';
      const sameEngine = list.filter((x) => (x.engine || 'store') === label).length > 1;
      let name = sameEngine ? `${domain}-${g.tables[0]}-down` : `${domain}-${label}-down`;
      for (let i = 2; taken.has(name); i++) name = `${domain}-${label}-${i}-down`;
      taken.add(name);
      out.push({ name, domain, engine: g.engine, engines: g.engines, inProcess: g.inProcess, tables: g.tables });
    }
  }
  return out;
}

/**
 * The engine that holds a table in every layout that stores it ('' when they differ), and each
 * layout's engine grouped by engine, engines in order of first appearance, layouts in blueprint
 * order.
 */
function enginesOf(layouts: ReturnType<typeof resolveLayout>[], table: string): { engine: string; engines: string; inProcess: string[] } {
  const byEngine = new Map<string, string[]>();
  const inProcess: string[] = [];
  for (const r of layouts) {
    const s = r.storeOfTable.get(table);
    const e = s ? r.datastores.find((x) => x.name === s)?.engine : undefined;
    if (e === 'memory') inProcess.push(r.name);
    else if (e) byEngine.set(e, [...(byEngine.get(e) ?? []), r.name]);
  }
  const engines = [...byEngine.entries()].map(([e, ls]) => `${e} in ${ls.join(', ')}`).join('; ');
  return { engine: byEngine.size === 1 ? [...byEngine.keys()][0]! : '', engines, inProcess };
}
