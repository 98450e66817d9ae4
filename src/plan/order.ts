// Which unit leaves first. The order comes from coupling alone (never from names), so it works
// on any blueprint: each unit the target layout adds is scored by what moving it costs —
// synchronous links that become network calls, event flows that move onto the broker, tables
// whose data must move to another datastore, and lint's verdicts on the target (a hub or a critical
// dependency is extracted late, a unit in a synchronous cycle last). Pure.
import { firstExtraction } from '../model/checklist.js';
import { operationEdges, domainOf } from '../model/dependencies.js';
import { resolveLayout, type ResolvedLayout } from '../model/resolve.js';
import { lint, type Finding } from '../model/lint.js';
import type { Blueprint } from '../model/schema.js';
import { isRelational, tableMoves } from './stores.js';

/** Weights of the coupling score (documented in the README's "archsim plan" section). */
export const COUPLING_WEIGHTS = {
  /** per neighbouring unit linked by at least one synchronous call (either direction) */
  sync: 1,
  /** per neighbouring unit linked by events only: they already decouple the two sides in time */
  event: 0.5,
  /** per relational table whose data moves to another datastore */
  relationalTable: 0.5,
  /** per other table (cache, object store, files) that must move */
  otherTable: 0.25,
  /** lint flags the unit in the target as a hub or a critical dependency */
  hub: 1,
  /** the unit sits in a synchronous cycle in the target */
  cycle: 2,
} as const;


/** A unit of the target layout that does not exist yet in the source layout. */
export interface Move {
  unit: string;
  domains: string[];
  score: number;
  sync: string[];
  events: string[];
  tables: { table: string; engine: string }[];
  flags: string[];
  /** the checklist names this unit's domain as the first to extract */
  checklistFirst: boolean;
  /** one line: why this score */
  why: string;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Target units whose domain set no source unit already has (those need building). A target unit
 * that is what a source unit is left with once the others have left, on the same instance, is
 * that unit continuing under a new name (the strangler's shrinking monolith), not a build.
 */
export function movesBetween(bp: Blueprint, from: string, to: string): Move[] {
  const s = moveScorer(bp, from, to);
  return s.units.map((u) => s.score(u));
}

/**
 * The units to build from `from` to `to`, and their scores. A unit's tables to move are those
 * whose data leaves the store it is in just before its extraction (`before`, default `from`) for
 * its store in `to`: what the phase that extracts it moves. Scored against `from` always, a unit
 * extracted after others counted tables that no longer move by then (a monolith's database left
 * with exactly the target store's tables continues as that store: no data move), and the order
 * and its score said so while the phase itself moved nothing.
 */
export function moveScorer(bp: Blueprint, from: string, to: string): { units: string[]; score: (unit: string, before?: ResolvedLayout) => Move } {
  const rf = resolveLayout(bp, from);
  const rt = resolveLayout(bp, to);
  const cont = continuations(rf, rt);
  const findings = lint(bp, to).filter((f) => f.layout === to);
  const first = firstExtraction(bp, to);
  const units = pendingUnits(rf, rt).filter((t) => !cont.has(t));
  return { units, score: (unit, before) => scoreMove(bp, before ?? rf, rt, unit, findings, first?.domain) };
}

function pendingUnits(rf: ResolvedLayout, rt: ResolvedLayout): string[] {
  return rt.units.filter((t) => t.domains.length > 0 && !rf.units.some((f) => sameSet(f.domains, t.domains))).map((t) => t.name);
}

/**
 * target unit → the source unit it continues: on the same instance, with the domains the other
 * new units leave it. When several qualify, the one of the same name is the remainder, else the
 * one with the most domains (then the first by name); one continuation per source unit.
 */
export function continuations(rf: ResolvedLayout, rt: ResolvedLayout): Map<string, string> {
  const pending = pendingUnits(rf, rt);
  const domainsOf = (n: string) => rt.units.find((u) => u.name === n)!.domains;
  const out = new Map<string, string>();
  for (const f of rf.units) {
    const candidates = pending.filter((n) => {
      const t = rt.units.find((u) => u.name === n)!;
      if (t.instance !== f.instance || [...out.keys()].includes(n)) return false;
      const others = new Set(pending.filter((x) => x !== n).flatMap(domainsOf));
      return sameSet(f.domains.filter((d) => !others.has(d)), t.domains);
    });
    // The unit of the same name first: a source "web" and a target "web" (with a new "uploader"
    // beside it) is web going on, not web renamed uploader and a new web built in its place.
    const best = candidates.sort((x, y) => Number(y === f.name) - Number(x === f.name) || domainsOf(y).length - domainsOf(x).length || (x < y ? -1 : 1))[0];
    if (best) out.set(best, f.name);
  }
  return out;
}

function scoreMove(bp: Blueprint, rf: ResolvedLayout, rt: ResolvedLayout, unit: string, targetFindings: Finding[], firstDomain: string | undefined): Move {
  const domains = rt.units.find((u) => u.name === unit)!.domains;
  const mine = (d: string) => domains.includes(d);
  const nb = new Map<string, boolean>();
  for (const e of operationEdges(bp)) {
    const [a, b] = [domainOf(e.from), domainOf(e.to)];
    if (mine(a) === mine(b)) continue;
    const other = rt.unitOfDomain.get(mine(a) ? b : a);
    if (!other) continue;
    nb.set(other, (nb.get(other) ?? false) || e.kind === 'sync');
  }
  const sync = [...nb].filter(([, s]) => s).map(([u]) => u).sort();
  const events = [...nb].filter(([, s]) => !s).map(([u]) => u).sort();
  // Tables whose data must move to another datastore.
  const tables = tableMoves(rf, rt, domains.flatMap((d) => bp.system.domains[d]!.tables)).map((m) => ({ table: m.table, engine: m.from.engine, to: m.to.engine }));
  const findings = targetFindings.filter((f) => f.path[2] === 'units' && f.path[3] === unit);
  const flags: string[] = [];
  if (findings.some((f) => f.rule === 'hub-unit')) flags.push('hub');
  if (findings.some((f) => f.rule === 'critical-dependency')) flags.push('critical dependency');
  // "units call each other synchronously in a cycle: a → b → a (…)"
  const cycles = targetFindings.filter((f) => f.rule === 'sync-cycle' && (/: (.*?) \(/.exec(f.message)?.[1] ?? '').split(' → ').includes(unit));
  if (cycles.length) flags.push('synchronous cycle');
  const W = COUPLING_WEIGHTS;
  const relational = tables.filter((t) => isRelational(t.engine)).length;
  const score =
    sync.length * W.sync +
    events.length * W.event +
    relational * W.relationalTable +
    (tables.length - relational) * W.otherTable +
    (flags.includes('hub') ? W.hub : 0) +
    (flags.includes('critical dependency') ? W.hub : 0) +
    (flags.includes('synchronous cycle') ? W.cycle : 0);
  const checklistFirst = firstDomain !== undefined && domains.includes(firstDomain);
  const parts = [
    `${sync.length} synchronous neighbour${sync.length === 1 ? '' : 's'}${sync.length ? ` (${sync.join(', ')})` : ''}`,
    `${events.length} by events only${events.length ? ` (${events.join(', ')})` : ''}`,
    // The engine it is in, and the one it goes to when that is another (postgres → mysql).
    `${tables.length} table${tables.length === 1 ? '' : 's'} to move${tables.length ? ` (${tables.map((t) => `${t.table}: ${t.engine === t.to ? t.engine : `${t.engine} → ${t.to}`}`).join(', ')})` : ''}`,
    ...(flags.length ? [`lint: ${flags.join(', ')} in ${rt.name}`] : []),
    ...(checklistFirst ? ['the checklist’s first to extract'] : []),
  ];
  return { unit, domains, score: round(score), sync, events, tables, flags, checklistFirst, why: `score ${round(score)}: ${parts.join('; ')}` };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Least coupled first; ties: the checklist's pick, then fewer neighbours, then name (stable). */
export function deriveOrder(moves: Move[]): Move[] {
  return [...moves].sort(
    (a, b) =>
      a.score - b.score ||
      Number(b.checklistFirst) - Number(a.checklistFirst) ||
      a.sync.length + a.events.length - (b.sync.length + b.events.length) ||
      (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0),
  );
}

/** A pinned order must name each unit to build once; units it leaves out follow in derived order. */
export class OrderError extends Error {
  override name = 'OrderError';
}

export function pinOrder(moves: Move[], pinned: string[]): { order: Move[]; notes: string[] } {
  const byName = new Map(moves.map((m) => [m.unit, m]));
  const seen = new Set<string>();
  for (const p of pinned) {
    if (!byName.has(p)) throw new OrderError(`--order: "${p}" is not a unit this migration builds; units to build: ${moves.map((m) => m.unit).join(', ')}`);
    if (seen.has(p)) throw new OrderError(`--order: "${p}" is listed twice`);
    seen.add(p);
  }
  const rest = deriveOrder(moves.filter((m) => !seen.has(m.unit)));
  const notes = rest.length ? [`--order leaves out ${rest.map((m) => m.unit).join(', ')}; they follow in derived order`] : [];
  return { order: [...pinned.map((p) => byName.get(p)!), ...rest], notes };
}

/**
 * The risks of an order (derived or pinned): more coupled units moved before less coupled ones,
 * and hubs or critical dependencies moved in the first half. `scoreAt(i, x)`: the score a later
 * unit x would have had in position i (its tables to move depend on who left before it; by
 * default its own score).
 */
export function orderRisks(order: Move[], scoreAt: (i: number, x: Move) => number = (_, x) => x.score): string[] {
  const out: string[] = [];
  order.forEach((m, i) => {
    const later = order
      .slice(i + 1)
      .map((x) => ({ unit: x.unit, score: scoreAt(i, x) }))
      .filter((x) => x.score < m.score);
    if (later.length) out.push(`${m.unit} (score ${m.score}) goes before less coupled ${later.map((x) => `${x.unit} (${x.score})`).join(', ')}: more links become remote while the migration is least proven`);
    if (m.flags.length && i < Math.floor(order.length / 2)) out.push(`${m.unit} is a ${m.flags.join(' and ')} of the target and goes in the first half: every dependant gains a network hop early`);
  });
  return out;
}
