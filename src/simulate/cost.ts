// Monthly cost of a layout, itemized from the catalog. Pure.
import { resolveLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import { compile, POOL_SUFFIX, type Compiled } from './compile.js';
import { opDemands } from './demand.js';
import type { TargetCost } from './types.js';
import { workloadFor } from './workload.js';

export interface CostItem {
  /** What is paid for: a unit, a datastore, the gateway, the broker or an extra. */
  component: string;
  kind: 'unit' | 'datastore' | 'gateway' | 'broker' | 'extra';
  instance: string | undefined;
  count: number;
  usdEach: number;
  usdPerMonth: number;
}

export interface LayoutCost {
  layout: string;
  items: CostItem[];
  usdPerMonth: number;
}

/**
 * The layout's monthly bill at its declared replica counts (units that autoscale are billed at
 * their declared `replicas`; the simulation prices scaled fleets separately).
 */
export function monthlyCost(bp: Blueprint, layoutName: string, replicasOverride: Record<string, number> = {}): LayoutCost {
  const r = resolveLayout(bp, layoutName);
  const items: CostItem[] = [];
  const price = (instance: string | undefined) => (instance ? (bp.catalog[instance]?.usdPerMonth ?? 0) : 0);
  const add = (component: string, kind: CostItem['kind'], instance: string | undefined, count: number) => {
    const usdEach = price(instance);
    items.push({ component, kind, instance, count, usdEach, usdPerMonth: round2(usdEach * count) });
  };
  if (r.layout.gateway) add('gateway', 'gateway', r.layout.gateway.instance, r.layout.gateway.replicas);
  for (const u of r.units) add(u.name, 'unit', u.instance, replicasOverride[u.name] ?? u.replicas);
  for (const d of r.datastores) add(d.name, 'datastore', d.instance, 1);
  if (r.layout.broker) add('broker', 'broker', r.layout.broker.instance, 1);
  for (const [name, x] of Object.entries(r.layout.extras)) add(name, 'extra', x.instance, x.replicas);
  return { layout: layoutName, items, usdPerMonth: round2(items.reduce((s, i) => s + i.usdPerMonth, 0)) };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Hours in a month as cloud price lists count them. */
export const HOURS_PER_MONTH = 730;

/**
 * Monthly bill divided by the requests served in a month at `rate` per second. Exact: a budget or
 * a percentage change is judged on it, and what prints it rounds for reading (report/build.ts to
 * 4 decimals, simulate --json to 6 significant digits).
 */
export function perMillion(usdPerMonth: number, rate: number): number {
  if (!(rate > 0)) return Infinity;
  return (usdPerMonth / (rate * HOURS_PER_MONTH * 3600)) * 1e6;
}

export interface CostAtOptions {
  targetUtilization?: number | undefined;
  /** operation → probability; the blueprint's workload mix by default */
  mix?: Record<string, number>;
  compiled?: Compiled;
}

/**
 * Replicas each unit needs to hold `rate` requests per second at the target utilization, and
 * the monthly bill at those counts. A unit's thread pool sizes its unit too. Stations replicas cannot fix (datastores, gateway, broker)
 * over the target are listed as limits.
 */
export function costAt(bp: Blueprint, layoutName: string, rate: number, o: CostAtOptions = {}): TargetCost {
  const target = o.targetUtilization ?? 0.7;
  const c = o.compiled ?? compile(bp, layoutName);
  const mix = o.mix ?? workloadFor(bp).mix;
  const demands = opDemands(c);
  const replicas: Record<string, number> = {};
  const limits: TargetCost['limits'] = [];
  c.stations.forEach((s, i) => {
    let D = 0;
    for (const [id, p] of Object.entries(mix)) D += p * (demands.get(id)?.loadDemand[i] ?? 0);
    const busy = (rate * D) / 1000; // servers busy on average
    const need = Math.ceil(busy / (s.servers * target) - 1e-9);
    if (s.kind === 'unit') replicas[s.id] = Math.max(replicas[s.id] ?? 1, s.autoscale?.min ?? 1, 1, need);
    // A unit's thread pool grows with the unit's replicas (each process has its own threads):
    // its load sizes the unit too.
    else if (s.kind === 'pool' && s.id.endsWith(POOL_SUFFIX)) {
      const unit = s.id.slice(0, -POOL_SUFFIX.length);
      replicas[unit] = Math.max(replicas[unit] ?? 1, need);
    } else if (busy / (s.replicas * s.servers) > target) limits.push({ station: s.id, utilization: busy / (s.replicas * s.servers) });
  });
  return { rate, targetUtilization: target, replicas, monthly: monthlyCost(bp, layoutName, replicas), limits };
}
