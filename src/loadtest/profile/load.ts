// Reading a load profile: `--load-profile FILE`, else `<blueprint>.load.yaml` beside the
// blueprint. Problems come back positioned (file:line:col), as for blueprints.
import { existsSync } from 'node:fs';
import { readInput } from '../../io/read-input.js';
import { loadBlueprintResult } from '../../io/load.js';
import type { LoadResult } from '../../model/parse.js';
import { InputError } from '../../errors.js';
import { diagnostic, parseYamlWith } from '../../model/positioned.js';
import type { Blueprint } from '../../model/schema.js';
import { operationIndex, isPublic } from '../../model/resolve.js';
import { LoadProfile } from './schema.js';

/** The sidecar file a blueprint's load profile is looked for in. */
export function sidecarOf(blueprintFile: string): string {
  return blueprintFile.replace(/\.ya?ml$/i, '') + '.load.yaml';
}

const MAX_BYTES = 1024 * 1024;

/** Parse and check a profile against the blueprint (every operation it names must be public). */
export function parseLoadProfile(text: string, file: string, bp: Blueprint | null): LoadProfile {
  const r = parseYamlWith(LoadProfile, text, file);
  if (!r.ok) throw new InputError(r.errors);
  if (bp) {
    const idx = operationIndex(bp);
    const errors = Object.keys(r.data.requests)
      .filter((id) => !idx.has(id) || !isPublic(idx.get(id)!.op))
      .map((id) => diagnostic(r.locate, ['requests', id], `"${id}" is not a public operation of ${bp.metadata.name}`, 'error', true));
    // Every {param} of an operation's route needs a value where the profile describes it: checked
    // here, where it is written, not when a driver first builds the request.
    for (const [id, t] of Object.entries(r.data.requests)) {
      const route = idx.get(id)?.op.route;
      if (!route || !isPublic(idx.get(id)!.op)) continue;
      for (const m of route.path.matchAll(/\{([^}]+)\}/g)) {
        if (t.params?.[m[1]!] === undefined) errors.push(diagnostic(r.locate, t.params ? ['requests', id, 'params'] : ['requests', id], `requests.${id}.params.${m[1]} is missing (the route is ${route.method} ${route.path})`, 'error', true));
      }
    }
    if (errors.length) throw new InputError(errors);
  }
  return r.data;
}

/** The profile to use: the given file, else the blueprint's sidecar, else none. */
export function findLoadProfile(o: { file?: string; blueprintFile?: string | null; bp: Blueprint | null }): { profile: LoadProfile; file: string } | null {
  const file = o.file ?? (o.blueprintFile && existsSync(sidecarOf(o.blueprintFile)) ? sidecarOf(o.blueprintFile) : undefined);
  if (!file) return null;
  // The one hostile-file reader (io/read-input.ts): a regular file only (a FIFO would block, a
  // device never ends), bounded while it reads, UTF-8 text.
  const r = readInput(file, MAX_BYTES);
  if (!r.ok) throw new InputError([{ file, line: 1, col: 1, path: [], message: r.message.startsWith('is larger than') ? `a load profile is at most ${MAX_BYTES} bytes` : r.message.startsWith('is ') ? `the load profile ${r.message}` : `cannot read the load profile: ${r.message}`, severity: 'error' }]);
  return { profile: parseLoadProfile(r.text, file, o.bp), file };
}

/**
 * `archsim validate NAME.load.yaml`: the profile checked against NAME.yaml beside it, in the
 * blueprint loader's result shape (the summary line names the blueprint it belongs to).
 */
export function validateLoadProfileFile(file: string): LoadResult {
  const bpFile = file.replace(/\.load\.yaml$/, '.yaml');
  // A load profile is checked against its blueprint, the file of the same name without .load:
  // without one, say that (not "broken.yaml:1:1: no such file", a file the user never named).
  if (!existsSync(bpFile)) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: [], message: `a load profile is checked against its blueprint, ${bpFile}, which does not exist: put the blueprint beside it under that name`, severity: 'error' }], warnings: [] };
  }
  const b = loadBlueprintResult(bpFile);
  if (!b.ok) return b;
  try {
    findLoadProfile({ file, bp: b.blueprint });
    return b;
  } catch (e) {
    if (e instanceof InputError) return { ok: false, errors: e.diagnostics, warnings: [] };
    throw e;
  }
}
