// The migration planner's door: plan (pure), its schema, and the pieces other commands reuse.
export { plan, PlanError, type PlanOptions, type PlanOutput } from './plan.js';
export { Plan as PlanSchema, type Plan, type PlanPhase, type PlanExtraction } from './schema.js';
export { OrderError, COUPLING_WEIGHTS, movesBetween, deriveOrder } from './order.js';
export { EFFORT_MODEL, parseEffort, type EffortModel } from './effort.js';
export { buildPhases, declaredChain, type PhaseMode } from './phases.js';
export { phaseLayout, planUnitProblems, protocolSwitches, type PlanUnitProblem } from './units-check.js';
