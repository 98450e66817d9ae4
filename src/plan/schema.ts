// The plan as data: this zod schema is the one source of the JSON output's types, of the JSON
// Schema (`archsim plan --schema`), and of the check when a plan file is read back
// (`generate gateway --plan`, `report --plan`).
import { z } from 'zod';

const Num = z.number();
/**
 * A latency that may have no finite value: null when the layout is over capacity at the rate (its
 * queues grow without bound). JSON has no Infinity (JSON.stringify writes null), so the plan says
 * null itself, and a plan read back (rehearse, report --plan, generate --plan) reads the same.
 */
const Unbounded = z.number().nullable();

export const TriggerFire = z.object({
  description: z.string(),
  metric: z.string().optional(),
  above: Num.optional(),
  source: z.enum(['declared', 'derived']),
  /** the value at today's workload (null: no finite value, over capacity) */
  now: Unbounded.optional(),
  fireRps: Num.nullable().optional(),
  fireConnections: Num.optional(),
  month: Num.nullable().optional(),
  note: z.string().optional(),
});

export const CanaryStep = z.object({
  percent: Num,
  /** unit → weight at the gateway (the new unit and the unit its routes came from) */
  weights: z.array(z.object({ route: z.string(), to: z.string(), weight: Num })),
  /** `archsim generate gateway …` for this step */
  command: z.string(),
});

export const RollbackTrigger = z.object({
  metric: z.string(),
  above: Num,
  description: z.string(),
  /** the simulator's figure for the phase at 100%, to compare with the threshold (null: over capacity) */
  predicted: Unbounded.optional(),
});

export const DataMove = z.object({
  table: z.string(),
  from: z.object({ store: z.string(), engine: z.string() }),
  to: z.object({ store: z.string(), engine: z.string() }),
  steps: z.array(z.string()),
});

export const Extraction = z.object({
  unit: z.string(),
  domains: z.array(z.string()),
  from: z.object({ unit: z.string(), port: z.number().int() }).optional(),
  /**
   * When the routes come from more than one unit (a target that merges units): each unit and its
   * routes. The canary steps and `generate gateway --plan` shift each unit's routes against that
   * unit; `rehearse` shifts an extraction against `from` alone and refuses the phase.
   */
  sources: z.array(z.object({ unit: z.string(), port: z.number().int(), routes: z.array(z.string()) })).optional(),
  /** one line: why it goes here */
  why: z.string(),
  score: Num,
  routes: z.array(z.string()),
  data: z.array(DataMove),
});

export const Figures = z.object({
  /** the workload's open rate; 0 for a closed workload (users, thinkTimeMs) */
  rateRps: Num,
  users: Num.optional(),
  thinkTimeMs: Num.optional(),
  monthlyUsd: Num,
  /** null: over capacity at the workload's rate */
  meanMs: Unbounded,
  p95Ms: z.record(z.string(), Unbounded),
  saturationRps: Num,
  bottleneck: z.object({ station: z.string(), utilization: Num }),
  maxUnitUtilization: z.object({ unit: z.string(), utilization: Num }),
  faultIsolation: Num,
  unitDown: z.record(z.string(), Num),
});

export const Effort = z.object({
  personDays: Num,
  buildDays: Num,
  dataDays: Num,
  canaryDays: Num,
  items: z.array(z.string()),
  startDay: Num,
  endDay: Num,
});

export const Phase = z.object({
  index: z.number().int(),
  /** the layout name in the overlay (phase-0 is the source layout itself) */
  layout: z.string(),
  /** the blueprint layout this phase is, when declared */
  declared: z.string().optional(),
  units: z.array(z.string()),
  extractions: z.array(Extraction),
  /**
   * Tables of a unit that carries on into this phase (under its name or a new one) and change
   * datastore: their data moves in the same steps as an extraction's (src/plan/stores.ts). Absent when none.
   */
  carried: z.array(z.object({ unit: z.string(), oldUnit: z.string(), data: z.array(DataMove) })).optional(),
  notes: z.array(z.string()),
  /** validation problems of the derived layout (none expected) */
  problems: z.array(z.string()),
  /** lint's shared-datastore findings in this phase */
  sharedDatastores: z.array(z.string()),
  figures: Figures.optional(),
  effort: Effort.optional(),
  canary: z.object({ steps: z.array(CanaryStep), rollback: z.array(RollbackTrigger), rollbackCommand: z.string().optional() }).optional(),
  /** when to move on from this phase */
  triggers: z.array(TriggerFire),
  /** the layout as blueprint input (what the overlay holds), so a plan file alone can regenerate it */
  layoutInput: z.record(z.string(), z.unknown()),
});

export const Plan = z.object({
  kind: z.literal('archsim-plan'),
  version: z.literal(1),
  blueprint: z.string(),
  from: z.string(),
  to: z.string(),
  mode: z.enum(['auto', 'unit', 'declared']),
  chain: z.array(z.string()),
  pinnedOrder: z.array(z.string()).optional(),
  order: z.array(z.object({ unit: z.string(), why: z.string() })),
  risks: z.array(z.string()),
  notes: z.array(z.string()),
  team: z.number().int(),
  growthPerMonth: Num.optional(),
  canaryPercents: z.array(Num),
  maxErrorRate: Num,
  effortModel: z.record(z.string(), Num),
  method: z.literal('analytic'),
  phases: z.array(Phase),
  totals: z.object({ personDays: Num, calendarDays: Num }),
  gantt: z.string(),
  /** how the figures were obtained */
  howObtained: z.string(),
  /**
   * On what hosts the figures are: each unit on a machine of its own (its catalog instance, the
   * simulator's default), not one shared host as a rehearsal runs them. Optional so plans written
   * before it was added still read.
   */
  figuresHost: z.string().optional(),
});

export type Plan = z.infer<typeof Plan>;
export type PlanPhase = z.infer<typeof Phase>;
export type PlanExtraction = z.infer<typeof Extraction>;

/** The plan's JSON Schema (schemas/plan.schema.json, written by `npm run schema`). */
export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Plan, { target: 'draft-2020-12', io: 'output' }),
    $id: 'https://archsim.dev/schemas/plan.schema.json',
    title: 'archsim migration plan',
  };
}
