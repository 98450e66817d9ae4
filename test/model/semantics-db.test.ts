// Queries with nowhere to go: an operation that declares db reads or writes in a domain without
// tables is in no datastore in any layout, and the simulator skips its queries. validate warns
// at the operation's db field (it said nothing, so the prediction silently lacked them).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

function warnings(domains: string): string[] {
  const text = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bad7 }
system:
  domains:
${domains}
layouts:
  l:
    units: { u: { domains: "*", port: 1 } }
    datastores: { db: { engine: postgres, tables: "*" } }
`;
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.warnings.map(formatDiagnostic);
}

describe('an operation querying a domain without tables', () => {
  it('is warned about at its db field, with the count of queries skipped', () => {
    expect(warnings('    a: { operations: { x: { route: GET /x, db: { reads: 3, writes: 1 } } } }')).toEqual([
      'bp.yaml:6:48: warning: system.domains.a.operations.x.db: a.x makes 4 queries but domain "a" has no tables, so no datastore holds them: the simulator skips them (give the domain its tables)',
    ]);
  });

  it('says "1 query" for one', () => {
    expect(warnings('    a:\n      tables: []\n      operations:\n        x: { db: { writes: 1 } }')).toEqual([
      'bp.yaml:9:18: warning: system.domains.a.operations.x.db: a.x makes 1 query but domain "a" has no tables, so no datastore holds them: the simulator skips them (give the domain its tables)',
    ]);
  });

  it('is not warned about when the domain has tables, or when db declares no queries', () => {
    expect(warnings('    a: { tables: [t], operations: { x: { route: GET /x, db: { reads: 3, writes: 1 } } } }\n    b: { operations: { y: { route: GET /y, db: { reads: 0 } }, z: { route: GET /z } } }')).toEqual([]);
  });
});
