// Seed 001's "Decision Framework": 16 readiness questions in four groups, a score (the number
// of boxes checked) and a recommendation. With a blueprint, the answers it already knows are
// derived, each with its reason, and the first unit to extract is named.
import { plural } from '../words.js';
import { extractionOrder, lint } from './lint.js';
import { resolveLayout } from './resolve.js';
import type { Blueprint } from './schema.js';

/** The seed's questions, verbatim, with stable ids for answers files. */
export const CHECKLIST = [
  {
    id: 'infrastructure',
    title: 'Infrastructure',
    questions: [
      { id: 'monitoring', text: 'Have monitoring/logging solution (Prometheus, Grafana)' },
      { id: 'orchestration', text: 'Have container orchestration (Kubernetes)' },
      { id: 'ci-cd', text: 'Have CI/CD pipeline for each service' },
      { id: 'gateway', text: 'Have service mesh or API gateway ready' },
    ],
  },
  {
    id: 'team',
    title: 'Team',
    questions: [
      { id: 'team-size', text: 'Team size > 5 developers' },
      { id: 'devops', text: 'Have DevOps expertise' },
      { id: 'team-per-service', text: 'Can dedicate team per service' },
      { id: 'on-call', text: 'Have on-call rotation' },
    ],
  },
  {
    id: 'technical',
    title: 'Technical',
    questions: [
      { id: 'bounded-contexts', text: 'Clear bounded contexts identified' },
      { id: 'independence', text: 'Services can be truly independent' },
      { id: 'communication', text: 'Have inter-service communication strategy' },
      { id: 'db-migration', text: 'Database migration plan ready' },
    ],
  },
  {
    id: 'business',
    title: 'Business',
    questions: [
      { id: 'budget', text: 'Budget for increased infrastructure' },
      { id: 'complexity', text: 'Can accept temporary complexity' },
      { id: 'timeline', text: 'Have 3-6 months for migration' },
      { id: 'roi', text: 'Clear ROI from independent scaling' },
    ],
  },
] as const;

export type QuestionId = (typeof CHECKLIST)[number]['questions'][number]['id'];
export const QUESTION_IDS: QuestionId[] = CHECKLIST.flatMap((g) => g.questions.map((q) => q.id));
export type Answers = Partial<Record<QuestionId, boolean>>;

export type RecommendationId = 'modular-monolith' | 'gradual-migration' | 'microservices';
export interface Recommendation {
  id: RecommendationId;
  text: string;
  /** the seed's range this score falls in */
  range: string;
}

/**
 * Seed 001: "< 8: stay with modular monolith; 8-12: start gradual migration; 12+: go full
 * microservices". The last two overlap at 12; archsim reads 12 as gradual migration (so full
 * microservices takes 13 or more), the cautious reading of an overlap in a readiness check.
 */
export function recommend(score: number): Recommendation {
  if (score < 8) return { id: 'modular-monolith', text: 'Stay with modular monolith', range: '< 8' };
  if (score <= 12) return { id: 'gradual-migration', text: 'Start gradual migration', range: '8–12' };
  return { id: 'microservices', text: 'Go full microservices', range: '13+ (the seed’s "12+"; 12 counts as gradual)' };
}

export interface Derived {
  value: boolean;
  reason: string;
}

export interface ChecklistItem {
  id: QuestionId;
  group: string;
  text: string;
  checked: boolean;
  /** where the answer came from: the answers given, the blueprint, or nowhere (unchecked) */
  source: 'answer' | 'derived' | 'unanswered';
  /** what the blueprint says, kept even when an answer overrides it */
  derived?: Derived;
}

export interface FirstExtraction {
  domain: string;
  /** the unit the domain runs in, in the target layout */
  unit?: string;
  layout?: string;
  why: string;
  order: string[];
}

export interface ChecklistResult {
  blueprint?: string;
  /** the layout the derived answers judge (the one asked for, else the one with most units) */
  targetLayout?: string;
  score: number;
  total: number;
  recommendation: Recommendation;
  items: ChecklistItem[];
  firstExtraction?: FirstExtraction;
  note: string;
}

export const THRESHOLD_NOTE = 'Seed 001 gives "8-12: gradual" and "12+: full microservices", which overlap at 12; archsim counts 12 as gradual migration.';

/** The layout the blueprint aims at: the named one, else the one with the most units (first wins). */
export function targetLayout(bp: Blueprint, layout?: string): string | undefined {
  if (layout !== undefined) return layout;
  let best: string | undefined;
  let most = 0;
  for (const [name, l] of Object.entries(bp.layouts)) {
    const n = Object.keys(l.units).length;
    if (n > most) [best, most] = [name, n];
  }
  return best;
}

/** What the blueprint itself answers. */
export function deriveAnswers(bp: Blueprint, layout?: string): Partial<Record<QuestionId, Derived>> {
  const target = targetLayout(bp, layout);
  const out: Partial<Record<QuestionId, Derived>> = {};
  const team = bp.metadata.team;
  if (team?.developers !== undefined) {
    out['team-size'] = { value: team.developers > 5, reason: `metadata.team.developers is ${team.developers}` };
  }
  if (team?.devops !== undefined) out.devops = { value: team.devops, reason: `metadata.team.devops is ${team.devops}` };
  const gateways = Object.entries(bp.layouts).filter(([, l]) => l.gateway);
  if (gateways.length) {
    const [name, l] = gateways.find(([n]) => n === target) ?? gateways[0]!;
    out.gateway = { value: true, reason: `layout "${name}" declares a gateway (${l.gateway!.kind})` };
  }
  const events = Object.keys(bp.system.events);
  const brokers = Object.entries(bp.layouts).filter(([, l]) => l.broker);
  // A strategy is a deliberate choice of how units talk: events (asynchronous), a broker, or
  // declared synchronous calls between units (HTTP or gRPC request/response) — all-synchronous
  // is a strategy too, and the blueprint says how resilient it is.
  // Stryker disable next-line ObjectLiteral: without a target, {} reads as no calls too (undefined is falsy like 0)
  const remote = target ? crossUnitCalls(bp, target) : { calls: 0, guarded: 0 };
  out.communication = events.length
    ? {
        value: true,
        reason: `${plural(events.length, 'event')} declared (${events.slice(0, 3).join(', ')}${events.length > 3 ? ', …' : ''})${brokers.length ? `, carried by ${carriers(brokers)}` : ''}`,
      }
    : brokers.length
      ? { value: true, reason: `a ${brokers[0]![1].broker!.kind} broker is declared in ${brokers[0]![0]}` }
      : remote.calls
        ? {
            value: true,
            reason: `synchronous request/response: ${remote.calls} declared call${remote.calls === 1 ? '' : 's'} between the units of "${target}", ${remote.guarded ? `${remote.guarded} with a timeout, retries or a circuit breaker` : 'none with a timeout, retries or a circuit breaker yet'}`,
          }
        : { value: false, reason: `no events, no broker and no call between units${target ? ` of "${target}"` : ''}` };
  if (target) {
    const findings = lint(bp, target);
    const shared = findings.filter((f) => f.rule === 'shared-datastore' && f.severity === 'error');
    out['bounded-contexts'] = shared.length
      ? { value: false, reason: `in "${target}": ${shared.map((f) => f.message).join('; ')}` }
      : { value: true, reason: `every table has one owning domain, and no database in "${target}" holds tables of two units` };
    const cycles = findings.filter((f) => f.rule === 'sync-cycle');
    out.independence = cycles.length
      ? { value: false, reason: `in "${target}": ${cycles.map((f) => f.message).join('; ')}` }
      : { value: true, reason: `no cycle of synchronous calls between the units of "${target}"` };
  }
  return out;
}

/**
 * Which broker carries the events in which layouts, one kind per group ("rabbitmq in hybrid;
 * kafka in microservices"): layouts may choose different brokers, and naming only the first
 * layout's kind would put it in layouts that do not use it.
 */
function carriers(brokers: [string, Blueprint['layouts'][string]][]): string {
  const byKind = new Map<string, string[]>();
  for (const [name, l] of brokers) byKind.set(l.broker!.kind, [...(byKind.get(l.broker!.kind) ?? []), name]);
  return [...byKind.entries()].map(([kind, names]) => `${kind} in ${names.join(', ')}`).join('; ');
}

/** Calls that cross a unit boundary in a layout, and how many carry a resilience policy. */
function crossUnitCalls(bp: Blueprint, layout: string): { calls: number; guarded: number } {
  const r = resolveLayout(bp, layout);
  let calls = 0;
  let guarded = 0;
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    for (const op of Object.values(d.operations)) {
      for (const c of op.calls) {
        const callee = c.op.split('.')[0]!;
        if (r.unitOfDomain.get(callee) === r.unitOfDomain.get(domain)) continue;
        calls++;
        if (c.timeout !== undefined || c.retries > 0 || c.circuitBreaker !== undefined || c.optional) guarded++;
      }
    }
  }
  return { calls, guarded };
}

export function firstExtraction(bp: Blueprint, layout?: string): FirstExtraction | undefined {
  const { order, ties } = extractionOrder(bp);
  const first = order[0];
  if (!first) return undefined;
  const target = targetLayout(bp, layout);
  const unit = target ? resolveLayout(bp, target).unitOfDomain.get(first.domain) : undefined;
  const links = first.neighbours.map((n) => `${n.domain}${n.sync ? '' : ' (events)'}`).join(', ') || 'nothing';
  return {
    domain: first.domain,
    ...(unit ? { unit, layout: target } : {}),
    why: `fewest dependencies: linked to ${links} (score ${first.score}; next ${order[1] ? `${order[1].domain} ${order[1].score}` : 'none'})${ties.length && ties[0]!.startsWith(`${first.domain} `) ? `; ${ties[0]}` : ''}`,
    order: order.map((s) => s.domain),
  };
}

export function score(items: readonly { checked: boolean }[]): number {
  return items.filter((i) => i.checked).length;
}

/** Build the checklist: answers given win over derived ones; the rest stay unchecked. */
export function checklist(opts: { blueprint?: Blueprint; layout?: string; answers?: Answers } = {}): ChecklistResult {
  const bp = opts.blueprint;
  const derived = bp ? deriveAnswers(bp, opts.layout) : {};
  const items: ChecklistItem[] = CHECKLIST.flatMap((g) =>
    g.questions.map((q) => {
      const d = derived[q.id];
      const a = opts.answers?.[q.id];
      const base = { id: q.id, group: g.id, text: q.text, ...(d ? { derived: d } : {}) };
      if (a !== undefined) return { ...base, checked: a, source: 'answer' as const };
      if (d) return { ...base, checked: d.value, source: 'derived' as const };
      return { ...base, checked: false, source: 'unanswered' as const };
    }),
  );
  const s = score(items);
  const target = bp ? targetLayout(bp, opts.layout) : undefined;
  return {
    ...(bp ? { blueprint: bp.metadata.name } : {}),
    ...(target ? { targetLayout: target } : {}),
    score: s,
    total: items.length,
    recommendation: recommend(s),
    items,
    ...(bp && firstExtraction(bp, opts.layout) ? { firstExtraction: firstExtraction(bp, opts.layout)! } : {}),
    note: THRESHOLD_NOTE,
  };
}
