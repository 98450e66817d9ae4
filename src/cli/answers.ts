// An answers file for the readiness checklist (question id → true/false), read by `checklist`
// and `report` alike so both score the same answers. Errors are positioned (file:line:col).
import { z } from 'zod';
import { InputError } from '../errors.js';
import { readInput } from '../io/read-input.js';
import { parseYamlWith } from '../model/positioned.js';

export function readAnswers(path: string, ids: readonly string[]): Record<string, boolean> {
  // Bounded, regular files only, never echoed (src/io/read-input.ts).
  const t = readInput(path);
  if (!t.ok) throw new InputError([{ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' }]);
  const text = t.text;
  const schema = z.strictObject(Object.fromEntries(ids.map((id) => [id, z.boolean().optional()]))).nullable();
  const r = parseYamlWith(schema, text, path);
  if (!r.ok) throw new InputError(r.errors);
  const data = (r.data ?? {}) as Record<string, boolean | undefined>;
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, boolean] => e[1] !== undefined));
}
