// The old home of layout resolution, now in resolve.ts (the one effective model). Kept only so
// branches written against this path still build while they merge; import from resolve.js.
export {
  isPublic,
  layoutNames,
  operationIndex,
  operations,
  primaryStore,
  resolveLayout,
  tableOwners,
  type OperationRef,
  type ResolvedDatastore,
  type ResolvedLayout,
  type ResolvedUnit,
} from './resolve.js';
