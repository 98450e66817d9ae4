// The loader at the edge: reads blueprint files from disk and hands the text to the pure parser.
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { parseBlueprint, type Loaded, type LoadResult } from '../model/parse.js';

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Load and validate a blueprint file; every problem comes back positioned. */
export function loadBlueprintResult(path: string): LoadResult {
  const text = readText(path);
  if (text === undefined) {
    return { ok: false, errors: [{ file: path, line: 1, col: 1, path: [], message: 'cannot read file', severity: 'error' }], warnings: [] };
  }
  return parseBlueprint(text, path, readText);
}

/** Load a blueprint or throw an InputError listing every problem. */
export function loadBlueprint(path: string): Loaded {
  const r = loadBlueprintResult(path);
  if (!r.ok) throw new InputError(r.errors);
  return r;
}
