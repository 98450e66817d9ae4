// An answers file for the readiness checklist (question id → true/false), read by `checklist`
// and `report` alike so both score the same answers. Errors are positioned (file:line:col).
export async function readAnswers(path: string, ids: readonly string[]): Promise<Record<string, boolean>> {
  const [{ readFileSync }, { z }, { parseYamlWith }, { InputError }] = await Promise.all([
    import('node:fs'),
    import('zod'),
    import('../model/positioned.js'),
    import('../errors.js'),
  ]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError([{ file: path, line: 1, col: 1, path: [], message: 'cannot read file', severity: 'error' }]);
  }
  const schema = z.strictObject(Object.fromEntries(ids.map((id) => [id, z.boolean().optional()]))).nullable();
  const r = parseYamlWith(schema, text, path);
  if (!r.ok) throw new InputError(r.errors);
  const data = (r.data ?? {}) as Record<string, boolean | undefined>;
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, boolean] => e[1] !== undefined));
}
