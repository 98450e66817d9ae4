// archsim's library API: the CLI is a thin layer on these.
export { loadBlueprint, loadBlueprintResult } from './io/load.js';
export { parseBlueprint, overlay, type Loaded, type LoadResult, type ReadFile } from './model/parse.js';
export { formatDiagnostic, InputError, type Diagnostic } from './model/diagnostics.js';
export { operations, operationIndex, resolveLayout, primaryStore, type ResolvedLayout, type OperationRef } from './model/layout.js';
export { checkSemantics, syncCycles } from './model/semantics.js';
export { routeTable, matchRoute, prefixesByUnit, pathPattern, type RouteEntry } from './model/routes.js';
export { blueprintJsonSchema } from './model/json-schema.js';
export { monthlyCost, type LayoutCost, type CostItem } from './simulate/cost.js';
export * as units from './model/units.js';
export { startLayout, PortInUseError, type RunningLayout, type StartOptions, type UnitInfo } from './run/layout.js';
export type * from './model/schema.js';

import { parseBlueprint } from './model/parse.js';
import type { Diagnostic } from './model/diagnostics.js';

/** Validate blueprint text without touching the file system (extends: needs loadBlueprint). */
export function validate(text: string, file = '<blueprint>'): { valid: boolean; errors: Diagnostic[]; warnings: Diagnostic[] } {
  const r = parseBlueprint(text, file);
  return { valid: r.ok, errors: r.ok ? [] : r.errors, warnings: r.warnings };
}
