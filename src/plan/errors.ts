// A plan that cannot be made from the blueprint and flags given: the user's to fix (exit 2, one line).
// Its own module so that the phase builder (phases.ts) can raise it without importing plan.ts,
// which imports the builder.
export class PlanError extends Error {
  override name = 'PlanError';
}
