// Resolving a layout: which unit runs each domain, which datastore holds each table, which
// unit each operation runs in. Every command needs this view, so it lives here once.
import type { Blueprint, Datastore, Layout, Operation, Unit } from './schema.js';

export interface OperationRef {
  /** "domain.operation" */
  id: string;
  domain: string;
  name: string;
  op: Operation;
}

export interface ResolvedUnit extends Unit {
  name: string;
  domains: string[];
}

export interface ResolvedDatastore extends Datastore {
  name: string;
  tables: string[];
}

export interface ResolvedLayout {
  name: string;
  layout: Layout;
  units: ResolvedUnit[];
  datastores: ResolvedDatastore[];
  /** domain → unit name */
  unitOfDomain: Map<string, string>;
  /** table → datastore name */
  storeOfTable: Map<string, string>;
  /** domain → the datastores its tables live in (in table order, deduplicated) */
  storesOfDomain: Map<string, string[]>;
}

export function operations(bp: Blueprint): OperationRef[] {
  const out: OperationRef[] = [];
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const [name, op] of Object.entries(d.operations)) out.push({ id: `${domain}.${name}`, domain, name, op });
  }
  return out;
}

export function operationIndex(bp: Blueprint): Map<string, OperationRef> {
  return new Map(operations(bp).map((o) => [o.id, o]));
}

export function isPublic(op: Operation): boolean {
  return op.route !== undefined && op.internal !== true;
}

export function tableOwners(bp: Blueprint): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const t of d.tables) owners.set(t, [...(owners.get(t) ?? []), domain]);
  }
  return owners;
}

/** Expand "*" selectors: "*" takes every name no explicit list took (first "*" wins). */
function place<T extends { domains?: '*' | string[]; tables?: '*' | string[] }>(
  entries: [string, T][],
  all: string[],
  field: 'domains' | 'tables',
): Map<string, string[]> {
  const explicit = new Set<string>();
  for (const [, e] of entries) {
    const sel = e[field];
    if (Array.isArray(sel)) sel.forEach((n) => explicit.add(n));
  }
  const out = new Map<string, string[]>();
  let starTaken = false;
  for (const [name, e] of entries) {
    const sel = e[field];
    if (sel === '*') {
      out.set(name, starTaken ? [] : all.filter((n) => !explicit.has(n)));
      starTaken = true;
    } else out.set(name, [...(sel ?? [])]);
  }
  return out;
}

export function resolveLayout(bp: Blueprint, name: string): ResolvedLayout {
  // Own keys only: a layout called "toString" must not resolve to Object.prototype's.
  const layout = Object.hasOwn(bp.layouts, name) ? bp.layouts[name] : undefined;
  if (!layout) throw new Error(`unknown layout "${name}"`);
  const domainNames = Object.keys(bp.system.domains);
  const tableNames = [...tableOwners(bp).keys()];
  const unitDomains = place(Object.entries(layout.units), domainNames, 'domains');
  const storeTables = place(Object.entries(layout.datastores), tableNames, 'tables');
  const units = Object.entries(layout.units).map(([n, u]) => ({ ...u, name: n, domains: unitDomains.get(n)! }));
  const datastores = Object.entries(layout.datastores).map(([n, d]) => ({ ...d, name: n, tables: storeTables.get(n)! }));
  const unitOfDomain = new Map<string, string>();
  for (const u of units) for (const d of u.domains) if (!unitOfDomain.has(d)) unitOfDomain.set(d, u.name);
  const storeOfTable = new Map<string, string>();
  for (const s of datastores) for (const t of s.tables) if (!storeOfTable.has(t)) storeOfTable.set(t, s.name);
  const storesOfDomain = new Map<string, string[]>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    const stores: string[] = [];
    for (const t of d.tables) {
      const s = storeOfTable.get(t);
      if (s && !stores.includes(s)) stores.push(s);
    }
    storesOfDomain.set(domain, stores);
  }
  return { name, layout, units, datastores, unitOfDomain, storeOfTable, storesOfDomain };
}

/**
 * The datastore an operation's queries go to: the first relational store among its domain's
 * tables (queries are counted per operation, not per table), else the first store at all.
 */
export function primaryStore(r: ResolvedLayout, domain: string): ResolvedDatastore | undefined {
  const names = r.storesOfDomain.get(domain) ?? [];
  const stores = names.map((n) => r.datastores.find((d) => d.name === n)!);
  return stores.find((s) => s.engine === 'postgres' || s.engine === 'mysql') ?? stores[0];
}

export function layoutNames(bp: Blueprint): string[] {
  return Object.keys(bp.layouts);
}
