// The prelude of the generate tests that write their own blueprint: parse its text, then read one
// file of what a target generates. Apart from fixtures.ts, which loads the bundled blueprints at
// import (about 175 ms a test file that needs none of them).
import type { GeneratedFile } from '../../src/generate/common.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

/** A parsed YAML document (compose file, Kubernetes object, …), read by key. */
export type Obj = Record<string, any>;

/** A blueprint from YAML text; one that does not parse fails the test with its diagnostics. */
export function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

/** The content of the generated file at `path`; a missing one fails with the paths there are. */
export function fileOf(files: GeneratedFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among the generated files: ${files.map((x) => x.path).join(', ')}`);
  return f.content;
}
