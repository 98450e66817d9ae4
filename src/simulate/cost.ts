// Monthly cost of a layout, itemized from the catalog. Pure.
import { resolveLayout } from '../model/layout.js';
import type { Blueprint } from '../model/schema.js';

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
