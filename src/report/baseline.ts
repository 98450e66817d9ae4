// Baseline diffs: every figure that changed between an earlier JSON report and this one, with
// its cause where the structure of the layouts tells it (a unit added, a hop added, replicas
// changed). Pure.
import { type Diagnostic } from '../model/diagnostics.js';
import { diagnostic, parseYamlWith } from '../model/positioned.js';
import { POOL_SUFFIX } from '../simulate/compile.js';
import { HOURS_PER_MONTH } from '../simulate/cost.js';
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
      const change = entry(a.name, name, old ? finiteOrNull(old.value) : null, finiteOrNull(fig.value), fig.unit, text, [...workloadRelated(name, a.name, workload), ...relatedCauses(name, b, a, causes)], delta, pct);
      if (pct !== null) EXACT_PCT.set(change, pct);
      changes.push(change);
    }
    for (const [name, old] of fb) {
      if (!fa.has(name)) changes.push(entry(a.name, name, finiteOrNull(old.value), null, old.unit, `${name} is gone`, [...workloadRelated(name, a.name, workload), ...relatedCauses(name, b, a, causes)]));
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
  for (const [n, u] of au) {
    const o = bu.get(n);
    if (!o) out.push({ text: `unit ${n} added (${u.replicas} × ${u.instance})`, units: [n], costly: true });
    else {
      if (o.replicas !== u.replicas) out.push({ text: `${n} replicas ${o.replicas} → ${u.replicas}`, units: [n], costly: true });
      if (o.instance !== u.instance) out.push({ text: `${n} instance ${o.instance} → ${u.instance}`, units: [n], costly: true });
      const moved = u.domains.filter((d) => !o.domains.includes(d));
      if (moved.length) out.push({ text: `${moved.join(', ')} moved into ${n}`, units: [n], costly: false });
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

/** Which structural causes explain a changed figure. */
function relatedCauses(figure: string, b: LayoutReport, a: LayoutReport, causes: Cause[]): string[] {
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
    const stationNotes = utilizationNotes(b, a, [...units]);
    return [...(hopCause ? [hopCause.text] : []), ...others.map((c) => (c.op ? `more load on shared units: ${c.text}` : c.text)), ...stationNotes];
  } else if (family === 'throughput') {
    picked = causes.filter((c) => c.costly || c.op);
    if (b.saturation.bottleneck !== a.saturation.bottleneck) return [`bottleneck ${b.saturation.bottleneck} → ${a.saturation.bottleneck}`, ...picked.map((c) => c.text)];
  } else if (family === 'utilization' && arg) {
    picked = causes.filter((c) => c.units.some((u) => isStationOf(arg, u)));
  } else if (family === 'replicas' && arg) picked = causes.filter((c) => c.units.includes(arg));
  return picked.map((c) => c.text);
}

/**
 * A station of unit (or datastore) `u`: its own, or its thread pool's. Not any station whose
 * name starts with it: `app-admin` is not a station of `app`.
 */
function isStationOf(station: string, u: string): boolean {
  return station === u || station === `${u}${POOL_SUFFIX}`;
}

function utilizationNotes(b: LayoutReport, a: LayoutReport, units: string[]): string[] {
  const notes: string[] = [];
  for (const s of a.stations) {
    if (!units.some((u) => isStationOf(s.id, u))) continue;
    const old = b.stations.find((x) => x.id === s.id);
    if (old && Math.abs(old.utilization - s.utilization) > 0.0005) {
      notes.push(`utilization of ${s.id} ${Math.round(old.utilization * 1000) / 10}% → ${Math.round(s.utilization * 1000) / 10}%`);
    }
  }
  return notes;
}

function formatPct(pct: number): string {
  const sign = pct > 0 ? '+' : '−';
  const a = Math.abs(pct);
  return a < 0.1 ? `${sign}<0.1%` : `${sign}${Math.round(a * 10) / 10}%`;
}
