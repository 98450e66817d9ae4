// Baseline diffs: every figure that changed between an earlier JSON report and this one, with
// its cause where the structure of the layouts tells it (a unit added, a hop added, replicas
// changed). Pure.
import { type Diagnostic } from '../model/diagnostics.js';
import { diagnostic, parseYamlWith } from '../model/positioned.js';
import { POOL_SUFFIX } from '../simulate/compile.js';
import { HOURS_PER_MONTH } from '../simulate/cost.js';
import { formatSize } from '../model/units.js';
import { exactFiguresOf, figuresOf, formatDelta, formatFigure, type Figure, type FigureUnit } from './figures.js';
import { Report, type Change, type LayoutReport } from './schema.js';

/**
 * Read a baseline report (JSON is YAML, so errors come back positioned). With `blueprint`, a
 * report of another blueprint is refused: its figures would be compared name by name with
 * figures of a different system.
 */
export function parseBaseline(text: string, file: string, blueprint?: string): { ok: true; report: Report } | { ok: false; errors: Diagnostic[] } {
  const r = parseYamlWith(Report, text, file);
  if (!r.ok) return r;
  if (blueprint !== undefined && r.data.blueprint.name !== blueprint) {
    const shown = JSON.stringify(r.data.blueprint.name.slice(0, 80));
    return { ok: false, errors: [diagnostic(r.locate, ['blueprint', 'name'], `this baseline is a report of blueprint ${shown}, not of "${blueprint}"; a baseline must be an earlier report of the same blueprint`)] };
  }
  const damage = damaged(r.data);
  if (damage) return { ok: false, errors: [diagnostic(r.locate, damage.path, damage.message)] };
  return { ok: true, report: r.data };
}

/**
 * What no report archsim writes holds, and a diff would take at its word: a negative figure (a
 * p95 of −5 ms gave "+76 ms (+1519.4%)") and a layout, operation, station or unit listed twice
 * (figures are looked up by name: for a layout the first entry won, for an operation the last,
 * each silently). The first such place, positioned; never its value (the rule for files that
 * are not blueprints, README Security).
 */
function damaged(report: Report): { path: (string | number)[]; message: string } | undefined {
  const negative = (v: unknown, path: (string | number)[]): (string | number)[] | undefined => {
    if (typeof v === 'number') return v < 0 ? path : undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = negative(v[i], [...path, i]);
        if (p) return p;
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = negative(x, [...path, k]);
        if (p) return p;
      }
    }
    return undefined;
  };
  const twice = <T>(items: readonly T[], key: (x: T) => string): number => {
    const seen = new Set<string>();
    return items.findIndex((x) => seen.size === seen.add(key(x)).size);
  };
  const again = (what: string) => `a second entry for the same ${what}; a report lists each ${what} once (a damaged or edited baseline?)`;
  let i = twice(report.layouts, (l) => l.name);
  if (i >= 0) return { path: ['layouts', i, 'name'], message: again('layout') };
  for (const [k, l] of report.layouts.entries()) {
    if ((i = twice(l.operations, (o) => o.id)) >= 0) return { path: ['layouts', k, 'operations', i, 'id'], message: again('operation') };
    if ((i = twice(l.stations, (x) => x.id)) >= 0) return { path: ['layouts', k, 'stations', i, 'id'], message: again('station') };
    if ((i = twice(l.structure.units, (u) => u.name)) >= 0) return { path: ['layouts', k, 'structure', 'units', i, 'name'], message: again('unit') };
  }
  // The figures (layouts) and the workload they are at; a report's own changes and budgets may be negative.
  const at = negative(report.workload, ['workload']) ?? negative(report.layouts, ['layouts']);
  if (at) return { path: at, message: 'a negative figure; no report holds one (a damaged or edited baseline?)' };
  const far = absurd(report.workload, ['workload']) ?? absurd(report.layouts, ['layouts']);
  if (far) return { path: far.path, message: `${far.latency ? 'a latency above 1e9 ms (11.6 days)' : 'a figure above 1e12'} or a positive one below 1e-9; no report holds one (a damaged or edited baseline?)` };
  return undefined;
}

/**
 * A figure past any a report writes: a latency above 1e9 ms, anything else above 1e12 (a
 * throughput, a bill, a count), or a positive figure below 1e-9 (every figure is rounded to at
 * least 4 decimals or 3 significant digits). Finite but absurd, they diffed to "−Infinity ms"
 * (1.7e308 ms) and "+Infinity%" (5e-324 ms). The first such place; latencies are the *Ms keys.
 */
function absurd(v: unknown, path: (string | number)[], key = ''): { path: (string | number)[]; latency: boolean } | undefined {
  if (typeof v === 'number') {
    const latency = key.endsWith('Ms');
    return v !== 0 && (Math.abs(v) < 1e-9 || Math.abs(v) > (latency ? 1e9 : 1e12)) ? { path, latency } : undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = absurd(v[i], [...path, i], key);
      if (p) return p;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = absurd(x, [...path, k], k);
      if (p) return p;
    }
  }
  return undefined;
}

const EPS = 1e-6;

/** JSON has no Infinity: an infinite figure is null in a change (its text says which it is). */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function diffReports(before: Report, after: Report): Change[] {
  const changes: Change[] = [];
  const workload = workloadCauses(before, after);
  for (const a of after.layouts) {
    const b = before.layouts.find((l) => l.name === a.name);
    if (!b) {
      changes.push(entry(a.name, 'layout', null, null, 'count', `layout ${a.name} added`, []));
      continue;
    }
    const causes = structuralCauses(b, a);
    // A utilization compared across rates, mixes or methods says nothing of work per request.
    const at: Workloads = { mixes: [before.workload.mix, after.workload.mix], same: !workload.rate.length && !workload.mix.length && !workload.method(a.name).length };
    const fb = figuresOf(b);
    const fa = figuresOf(a);
    const pb = pctFigures(before, b);
    const pa = pctFigures(after, a);
    for (const [name, fig] of fa) {
      const old = fb.get(name);
      // To or from an infinite figure (a latency past saturation, a throughput nothing limits)
      // there is no delta: the change says what it was and what it is. Equal infinities are no
      // change (their difference is NaN), and the tolerance is only for finite figures (it is
      // infinite itself when the old figure is).
      const bounded = old !== undefined && Number.isFinite(old.value) && Number.isFinite(fig.value);
      if (old && (old.value === fig.value || (bounded && Math.abs(old.value - fig.value) <= EPS * Math.max(1, Math.abs(old.value))))) continue;
      const delta = old && bounded ? fig.value - old.value : null;
      // The percentage from the figures as exact as they are known (pctFigures), the delta as the reports have them.
      const was = pb.get(name)?.value ?? old?.value;
      const now = pa.get(name)?.value ?? fig.value;
      const pct = old && old.value !== 0 && was !== undefined && was !== 0 && delta !== null ? ((now - was) / Math.abs(was)) * 100 : null;
      const text = !old
        ? `${name} is new`
        : bounded
          ? `${name} ${formatDelta(delta!, fig.unit)}${pct !== null ? ` (${formatPct(pct)})` : ''}`
          : `${name} ${formatFigure(old.value, old.unit)} → ${formatFigure(fig.value, fig.unit)}`;
      const change = entry(a.name, name, old ? finiteOrNull(old.value) : null, finiteOrNull(fig.value), fig.unit, text, [...workloadRelated(name, a.name, workload), ...relatedCauses(name, b, a, causes, at)], delta, pct);
      if (pct !== null) EXACT_PCT.set(change, pct);
      changes.push(change);
    }
    for (const [name, old] of fb) {
      if (!fa.has(name)) changes.push(entry(a.name, name, finiteOrNull(old.value), null, old.unit, `${name} is gone`, [...workloadRelated(name, a.name, workload), ...relatedCauses(name, b, a, causes, at)]));
    }
  }
  for (const b of before.layouts) {
    if (!after.layouts.some((l) => l.name === b.name)) changes.push(entry(b.name, 'layout', null, null, 'count', `layout ${b.name} removed`, []));
  }
  return changes;
}

/**
 * The figures a percentage change is computed from: exact where this process computed them
 * (figures.ts exactFiguresOf). A report read back from a file has only its rounded figures; its
 * cost per million requests (4 decimals) is recomputed from the monthly bill (exact to the cent)
 * and the workload's rate when that gives the written figure back: from $0.2156 → $0.2334, +7/85
 * on the bill read +8.3% per million beside +8.2% a month.
 */
function pctFigures(r: Report, l: LayoutReport): Map<string, Figure> {
  const f = exactFiguresOf(l);
  const pm = f.get('cost.perMillion');
  if (pm && pm.value === l.cost.perMillionRequestsUsd) f.set('cost.perMillion', { value: perMillionFromBill(l.cost.monthlyUsd, pm.value, r.workload.rateRps), unit: pm.unit });
  return f;
}

/** The monthly bill over a month of requests at `rate`, when it rounds to the `written` 4-decimal figure; `written` otherwise. */
function perMillionFromBill(usdPerMonth: number, written: number, rate: number): number {
  if (!(rate > 0)) return written;
  const v = (usdPerMonth / (rate * HOURS_PER_MONTH * 3600)) * 1e6;
  return Math.round(v * 1e4) / 1e4 === written ? v : written;
}

/** Each change's percentage unrounded (Change.pct is rounded to 2 decimals for the JSON): a change.* budget in % is judged on it. */
const EXACT_PCT = new WeakMap<Change, number>();

/** The percentage of a change diffReports made, unrounded; undefined for any other. */
export function exactChangePct(ch: Change): number | undefined {
  return EXACT_PCT.get(ch);
}

function entry(
  layout: string,
  figure: string,
  before: number | null,
  after: number | null,
  unit: FigureUnit | string,
  text: string,
  causes: string[],
  delta: number | null = null,
  pct: number | null = null,
): Change {
  return { layout, figure, before, after, delta, pct: pct === null ? null : Math.round(pct * 100) / 100, unit, text, causes };
}

interface Cause {
  text: string;
  /** Units this cause concerns (for relating it to figures). */
  units: string[];
  /** Operation it concerns, for hop changes. */
  op?: string;
  costly: boolean;
}

function structuralCauses(b: LayoutReport, a: LayoutReport): Cause[] {
  const out: Cause[] = [];
  const bu = new Map(b.structure.units.map((u) => [u.name, u]));
  const au = new Map(a.structure.units.map((u) => [u.name, u]));
  /** the domains the baseline's layout placed: only one of those can have moved */
  const had = new Set(b.structure.units.flatMap((u) => u.domains));
  for (const [n, u] of au) {
    const o = bu.get(n);
    if (!o) out.push({ text: `unit ${n} added (${u.replicas} × ${u.instance})`, units: [n], costly: true });
    else {
      if (o.replicas !== u.replicas) out.push({ text: `${n} replicas ${o.replicas} → ${u.replicas}`, units: [n], costly: true });
      if (o.instance !== u.instance) out.push({ text: `${n} instance ${o.instance} → ${u.instance}`, units: [n], costly: true });
      const moved = u.domains.filter((d) => !o.domains.includes(d) && had.has(d));
      if (moved.length) out.push({ text: `${moved.join(', ')} moved into ${n}`, units: [n], costly: false });
      // A domain the baseline did not have did not move from anywhere: it is new (it read "comments moved into app").
      const fresh = u.domains.filter((d) => !had.has(d));
      if (fresh.length) out.push({ text: `new domain${fresh.length > 1 ? 's' : ''} ${fresh.join(', ')} in ${n}`, units: [n], costly: false });
    }
  }
  for (const n of bu.keys()) if (!au.has(n)) out.push({ text: `unit ${n} removed`, units: [n], costly: true });
  const bd = new Map(b.structure.datastores.map((d) => [d.name, d]));
  const ad = new Map(a.structure.datastores.map((d) => [d.name, d]));
  for (const [n, d] of ad) {
    const o = bd.get(n);
    // a datastore is its own station (utilization(<datastore>)): its change explains that figure
    if (!o) out.push({ text: `datastore ${n} added`, units: [n], costly: true });
    else if (o.instance !== d.instance) out.push({ text: `datastore ${n} instance ${o.instance ?? 'none'} → ${d.instance ?? 'none'}`, units: [n], costly: true });
  }
  for (const n of bd.keys()) if (!ad.has(n)) out.push({ text: `datastore ${n} removed`, units: [n], costly: true });
  if (b.structure.gateway !== a.structure.gateway) out.push({ text: a.structure.gateway ? `gateway ${a.structure.gateway} added` : 'gateway removed', units: [], costly: true });
  if (b.structure.broker !== a.structure.broker) out.push({ text: a.structure.broker ? `broker ${a.structure.broker} added` : 'broker removed', units: [], costly: true });
  for (const o of a.operations) {
    const old = b.operations.find((x) => x.id === o.id);
    if (old && old.hops !== o.hops) {
      const d = o.hops - old.hops;
      out.push({ text: `${o.id}: ${d > 0 ? `${d} network hop${d > 1 ? 's' : ''} added` : `${-d} network hop${d < -1 ? 's' : ''} removed`} (${old.hops} → ${o.hops})`, units: o.units, op: o.id, costly: false });
    }
  }
  return out;
}

/**
 * What changed in how both reports were computed rather than in the layouts: the workload's rate
 * and mix, and the method. Without them a baseline taken at 200/s and a report at 400/s showed
 * every latency up with no cause, or with a structural change that had nothing to do with it.
 */
type WorkloadCauses = { rate: string[]; mix: string[]; method: (layout: string) => string[] };

/** How a layout's figures at the workload rate were computed (collect.ts writes it into the method line). */
type LayoutMethod = 'analytic' | 'des' | 'des-profile';
const METHOD_WORDS: Record<LayoutMethod, string> = { analytic: 'the analytic model', des: 'seeded discrete-event runs', 'des-profile': 'discrete-event runs of the load profile' };

/**
 * Each layout's method, read from the report's method line (report/collect.ts): the layouts
 * named in its "at R/s in a, b from seeded discrete-event runs instead" and "in a, b from seeded
 * discrete-event runs of the load profile" clauses, every other analytic. Undefined for a line
 * not of that form (another version's): then only the whole lines can be compared.
 */
export function layoutMethods(method: string): ((layout: string) => LayoutMethod) | undefined {
  if (!method.startsWith('Latencies and throughputs from the analytic queueing model')) return undefined;
  // Layout names are letters, digits, - and _ (model/schema.ts): a list of them holds no ; or (.
  const names = (re: RegExp) => new Set(re.exec(method)?.[1]!.split(', ') ?? []);
  const des = names(/; at [^;()]*?\/s in ([^;()]+?) from seeded discrete-event runs instead/);
  const profile = names(/; in ([^;()]+?) from seeded discrete-event runs of the load profile/);
  return (l) => (profile.has(l) ? 'des-profile' : des.has(l) ? 'des' : 'analytic');
}

function workloadCauses(b: Report, a: Report): WorkloadCauses {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const rate = b.workload.rateRps !== a.workload.rateRps ? [`workload rate ${formatFigure(b.workload.rateRps, '/s')} → ${formatFigure(a.workload.rateRps, '/s')}`] : [];
  const shares: string[] = [];
  for (const op of new Set([...Object.keys(b.workload.mix), ...Object.keys(a.workload.mix)])) {
    // own keys only: an operation named "constructor" or "__proto__" in a baseline is a name, not Object's
    const x = Object.hasOwn(b.workload.mix, op) ? b.workload.mix[op]! : 0;
    const y = Object.hasOwn(a.workload.mix, op) ? a.workload.mix[op]! : 0;
    if (Math.abs(x - y) > EPS) shares.push(`${op} ${pct(x)} → ${pct(y)}`);
  }
  const mix = shares.length ? [`workload mix: ${shares.slice(0, 3).join(', ')}${shares.length > 3 ? ` and ${shares.length - 3} more` : ''}`] : [];
  // Layout by layout: at 900/s one layout's figures from the DES and the others analytic, as at
  // 1200/s, said "computed another way" of every layout's figures.
  const mb = layoutMethods(b.method);
  const ma = layoutMethods(a.method);
  const method =
    mb && ma
      ? (l: string) => (mb(l) !== ma(l) ? [`computed another way (${METHOD_WORDS[mb(l)]} → ${METHOD_WORDS[ma(l)]})`] : [])
      : () => (b.method !== a.method ? ['computed another way (the reports’ methods differ)'] : []);
  return { rate, mix, method };
}

/** The workload and method causes a figure of `layout` depends on (first: they move every such figure). */
function workloadRelated(figure: string, layout: string, w: WorkloadCauses): string[] {
  const family = figure.split('(')[0]!; // "p95(messages.send)" → "p95"; "cost.perMillion" as it is
  const perOp = figure.includes('(');
  // Only the figures at the workload rate are computed one way or another: saturation is always
  // the analytic model's, success rates always the fault runs' DES.
  if (['mean', 'p50', 'p95', 'p99', 'utilization'].includes(family)) return [...w.rate, ...w.mix, ...w.method(layout)];
  if (family === 'success') return [...w.rate, ...w.mix];
  // the mix's saturation throughput; an operation's own maximum is the same at any workload
  if (family === 'throughput') return perOp ? [] : w.mix;
  if (family === 'cost.perMillion') return w.rate;
  return [];
}

/**
 * Which causes explain a changed figure: the structural ones (a unit, replicas, a hop) on what it
 * runs on, a payload size its work depends on, and the station whose change explains it: for a
 * latency the largest change of time along its path, for a throughput its bottleneck's work. A
 * station's utilization alone named the unit the request started on (app 11% → 11.1%) where the
 * database every query waited on (pg +3.9 pp) explained the change.
 */
/** The two reports' mixes, and whether they ran the same workload by the same method (so their utilizations compare as work). */
interface Workloads {
  mixes: [Record<string, number>, Record<string, number>];
  same: boolean;
}

function relatedCauses(figure: string, b: LayoutReport, a: LayoutReport, causes: Cause[], at: Workloads): string[] {
  const m = /^(\w+)\((.+)\)$/.exec(figure);
  const family = m ? m[1]! : figure;
  const arg = m?.[2];
  let picked: Cause[] = [];
  if (family.startsWith('cost')) picked = causes.filter((c) => c.costly);
  else if (['mean', 'p50', 'p95', 'p99', 'throughput', 'hops'].includes(family) && arg) {
    // The units it runs on now and the ones it ran on (an operation can move, or be gone).
    const units = new Set([a, b].flatMap((r) => r.operations.find((o) => o.id === arg)?.units ?? []));
    // its own change (a hop), and any change on a unit it runs on (another operation's: more load there)
    picked = causes.filter((c) => c.op === arg || c.units.some((u) => units.has(u)));
    const hopCause = picked.find((c) => c.op === arg);
    const others = picked.filter((c) => c !== hopCause);
    const own = [...(hopCause ? [hopCause.text] : []), ...others.map((c) => (c.op ? `more load on shared units: ${c.text}` : c.text))];
    // a hop count is the layout's structure alone: no payload or station changes it
    if (family === 'hops') return own;
    const station = family === 'throughput' ? bottleneckCause(b, a, arg, at.same) : pathCause(b, a, arg, [...units]);
    return [...own, ...payloadCauses(b, a, [arg]), ...station];
  } else if (family === 'throughput') {
    picked = causes.filter((c) => c.costly || c.op);
    if (b.saturation.bottleneck !== a.saturation.bottleneck) return [`bottleneck ${b.saturation.bottleneck} → ${a.saturation.bottleneck}`, ...picked.map((c) => c.text)];
    const s = a.saturation.bottleneck;
    return [...mixBottleneckCause(b, a, s, at), ...picked.map((c) => c.text), ...payloadCauses(b, a, workingAt(a, s))];
  } else if (family === 'utilization' && arg) {
    picked = causes.filter((c) => c.units.some((u) => isStationOf(arg, u)));
    return [...picked.map((c) => c.text), ...payloadCauses(b, a, [...new Set([...workingAt(a, arg), ...workingAt(b, arg)])])];
  } else if (family === 'replicas' && arg) picked = causes.filter((c) => c.units.includes(arg));
  return picked.map((c) => c.text);
}

/** A time in words, to 3 significant digits (a serialization cost of 0.0123 ms is not "0 ms"). */
const msText = (v: number) => `${Number(v.toPrecision(3))} ms`;
const pctText = (u: number) => `${Math.round(u * 1000) / 10}%`;
/** A change of time or utilization smaller than this is the reports' rounding, not a change. */
const TIME_EPS = 5e-4;
const UTIL_EPS = 5e-4;

/** A station's utilization in both reports where it changed: "utilization 40.6% → 44.5%". */
function utilizationChange(b: LayoutReport, a: LayoutReport, s: string): string | undefined {
  const u0 = b.stations.find((x) => x.id === s)?.utilization;
  const u1 = a.stations.find((x) => x.id === s)?.utilization;
  return u0 !== undefined && u1 !== undefined && Math.abs(u0 - u1) > UTIL_EPS ? `utilization ${pctText(u0)} → ${pctText(u1)}` : undefined;
}

/**
 * The station on `op`'s path with the largest change in the utilization at the workload (more
 * load there queues it longer): "utilization of pg 40.6% → 44.5%". Its path as a report lists it
 * (pathMs), else, in a report from before that, the stations of the units it runs on.
 */
function busiestChange(b: LayoutReport, a: LayoutReport, stations: string[]): string[] {
  let best: { s: string; d: number } | undefined;
  for (const s of stations) {
    const u0 = b.stations.find((x) => x.id === s)?.utilization;
    const u1 = a.stations.find((x) => x.id === s)?.utilization;
    if (u0 === undefined || u1 === undefined) continue;
    const d = Math.abs(u1 - u0);
    if (d > UTIL_EPS && (!best || d > best.d)) best = { s, d };
  }
  return best ? [`utilization of ${best.s} ${utilizationChange(b, a, best.s)!.slice('utilization '.length)}`] : [];
}

/** The stations `op` visits on its path (either report's breakdown), else those of the units it runs on. */
function pathStations(b: LayoutReport, a: LayoutReport, op: string, units: string[]): string[] {
  const oa = a.operations.find((o) => o.id === op);
  const ob = b.operations.find((o) => o.id === op);
  const listed = [...new Set([...Object.keys(oa?.pathMs ?? {}), ...Object.keys(ob?.pathMs ?? {})])];
  return listed.length ? listed : a.stations.map((s) => s.id).filter((s) => units.some((u) => isStationOf(s, u)));
}

/**
 * What changed a latency: the station on its path whose time per request changed most (a
 * query 0.6 → 0.9 ms: "pg 1.8 ms → 2.7 ms per request on its path, utilization 40.6% → 44.5%"),
 * or its network latency and waits; where no time on its path changed, the station on it whose
 * load changed most (another operation's work queues it).
 */
function pathCause(b: LayoutReport, a: LayoutReport, op: string, units: string[]): string[] {
  const oa = a.operations.find((o) => o.id === op);
  const ob = b.operations.find((o) => o.id === op);
  if (oa?.pathMs && ob?.pathMs) {
    let best: { s: string | null; was: number; now: number } | undefined;
    const consider = (s: string | null, was: number, now: number) => {
      if (Math.abs(now - was) > TIME_EPS && (!best || Math.abs(now - was) > Math.abs(best.now - best.was))) best = { s, was, now };
    };
    for (const s of new Set([...Object.keys(ob.pathMs), ...Object.keys(oa.pathMs)])) consider(s, ob.pathMs[s] ?? 0, oa.pathMs[s] ?? 0);
    consider(null, ob.delayMs ?? 0, oa.delayMs ?? 0);
    if (best) {
      const { s, was, now } = best;
      if (s === null) return [`network latency and waits on its path ${msText(was)} → ${msText(now)}`];
      const u = utilizationChange(b, a, s);
      return [`${s} ${msText(was)} → ${msText(now)} per request on its path${u ? `, ${u}` : ''}`];
    }
  }
  return busiestChange(b, a, pathStations(b, a, op, units));
}

/**
 * What changed the throughput an operation alone sustains: its bottleneck (the station it
 * saturates first), which one it is and the work one request puts there ("pg, its bottleneck,
 * 1.8 ms → 2.7 ms of work per request"); from a report without that, the bottleneck's
 * utilization where both reports ran the same workload the same way (`same`: else a utilization
 * moved by the rate read as work moved).
 */
function bottleneckCause(b: LayoutReport, a: LayoutReport, op: string, same: boolean): string[] {
  const oa = a.operations.find((o) => o.id === op);
  const ob = b.operations.find((o) => o.id === op);
  const sa = oa?.bottleneck;
  const sb = ob?.bottleneck;
  if (sa && sb && sa !== sb) return [`its bottleneck ${sb} → ${sa}`];
  const s = sa ?? sb;
  if (!s) return [];
  const was = ob?.workMs?.[s];
  const now = oa?.workMs?.[s];
  if (was !== undefined && now !== undefined) return Math.abs(now - was) > TIME_EPS ? [`${s}, its bottleneck, ${msText(was)} → ${msText(now)} of work per request`] : [];
  const u = same ? utilizationChange(b, a, s) : undefined;
  return u ? [`${s}, its bottleneck, ${u}`] : [];
}

/**
 * What changed the mix's saturation throughput (the bottleneck the same): the work one request
 * of each report's mix puts on the bottleneck (the throughput is its capacity over that), from
 * its operations' (workMs), else its utilization at the same workload. A change of the mix is
 * said on its own too (workloadCauses).
 */
function mixBottleneckCause(b: LayoutReport, a: LayoutReport, s: string, { mixes: [mixBefore, mixAfter], same }: Workloads): string[] {
  const mixWork = (l: LayoutReport, mix: Record<string, number>): number | undefined => {
    let sum = 0;
    for (const [id, share] of Object.entries(mix)) {
      if (!share) continue;
      const w = l.operations.find((o) => o.id === id)?.workMs;
      if (!w) return undefined;
      sum += share * (w[s] ?? 0);
    }
    return sum;
  };
  const was = mixWork(b, mixBefore);
  const now = mixWork(a, mixAfter);
  if (was !== undefined && now !== undefined) return Math.abs(now - was) > TIME_EPS ? [`bottleneck ${s}, ${msText(was)} → ${msText(now)} of work per request of the mix`] : [];
  const u = same ? utilizationChange(b, a, s) : undefined;
  return u ? [`bottleneck ${s}, ${u}`] : [];
}

/** The operations of a report that put work on station `s` (workMs). */
function workingAt(l: LayoutReport, s: string): string[] {
  return l.operations.filter((o) => (o.workMs?.[s] ?? 0) > 0).map((o) => o.id);
}

/**
 * Payload sizes the operations' work depends on that differ between the reports ("order.placed
 * payload 650 KiB → 50 KiB", "orders.place request 2 KiB → 4 KiB"): a change of the blueprint's
 * sizes moves serialization and per-KiB costs, and no station or structure change names it.
 */
function payloadCauses(b: LayoutReport, a: LayoutReport, ops: string[]): string[] {
  const out = new Set<string>();
  for (const op of ops) {
    const pa = a.operations.find((o) => o.id === op)?.payloads;
    const pb = b.operations.find((o) => o.id === op)?.payloads;
    if (!pa || !pb) continue;
    for (const [label, now] of Object.entries(pa)) {
      const was = Object.hasOwn(pb, label) ? pb[label] : undefined;
      if (was === undefined || was === now) continue;
      const what = label.startsWith('event ') ? `${label.slice('event '.length)} payload` : label;
      out.add(`${what} ${sizeText(was)} → ${sizeText(now)}`);
    }
  }
  return [...out];
}

/** `650 KiB`, `300 B`: a payload in words, as compare says it. */
const sizeText = (bytes: number) => formatSize(bytes).replace(/^([0-9.]+)/, '$1 ');

/**
 * A station of unit (or datastore) `u`: its own, or its thread pool's. Not any station whose
 * name starts with it: `app-admin` is not a station of `app`.
 */
function isStationOf(station: string, u: string): boolean {
  return station === u || station === `${u}${POOL_SUFFIX}`;
}

function formatPct(pct: number): string {
  const sign = pct > 0 ? '+' : '−';
  const a = Math.abs(pct);
  return a < 0.1 ? `${sign}<0.1%` : `${sign}${Math.round(a * 10) / 10}%`;
}
