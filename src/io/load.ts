// The loader at the edge: reads blueprint files from disk (through the one bounded reader) and
// hands the text to the pure parser. A base named by `extends:` must lie inside the folder
// tree of the file that names it, or inside the working directory's tree (after symbolic links
// are resolved), unless ARCHSIM_EXTENDS_ANYWHERE=1 (--allow-extends-anywhere) says otherwise.
// The working directory counts because archsim writes overlays itself (`calibrate --out`,
// `plan --out`) into an output folder beside the project's blueprints: those must load back.
import { realpathSync } from 'node:fs';
import { dirname, relative, isAbsolute } from 'node:path';
import { InputError } from '../errors.js';
import { parseBlueprint, type Loaded, type LoadResult, type ReadFile } from '../model/parse.js';
import { readInput, type ReadResult } from './read-input.js';

export const EXTENDS_ANYWHERE_ENV = 'ARCHSIM_EXTENDS_ANYWHERE';

/** Text of a file, or undefined when it cannot be read (bounded, regular files only). */
export function readText(path: string): string | undefined {
  const r = readInput(path);
  return r.ok ? r.text : undefined;
}

function inside(folder: string, file: string): boolean {
  const rel = relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The reader the loader uses for bases: confined to the naming file's folder tree or the working
 * directory's, or one of `trusted` (files the command already loaded as the user's own: an
 * overlay archsim writes to a temporary folder and loads back extends the user's blueprint,
 * wherever that is).
 */
export function baseReader(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), trusted: readonly string[] = []): ReadFile {
  const trustedReal = new Set(trusted.flatMap((t) => {
    try {
      return [realpathSync(t)];
    } catch {
      return [];
    }
  }));
  return (path: string, from?: string): ReadResult => {
    if (from && env[EXTENDS_ANYWHERE_ENV] !== '1') {
      let real: string;
      let folder: string;
      let work: string;
      try {
        folder = realpathSync(dirname(from));
        real = realpathSync(path);
        work = realpathSync(cwd);
      } catch {
        return readInput(path); // missing: the reader says so
      }
      if (!inside(folder, real) && !inside(work, real) && !trustedReal.has(real)) {
        return { ok: false, message: `outside the folder of ${from} and the working directory; a base must be in one of them or below (pass --allow-extends-anywhere to allow it)` };
      }
    }
    return readInput(path);
  };
}

/** Load and validate a blueprint file; every problem comes back positioned. */
export function loadBlueprintResult(path: string, trustedBases: readonly string[] = []): LoadResult {
  const r = readInput(path);
  if (!r.ok) {
    return { ok: false, errors: [{ file: path, line: 1, col: 1, path: [], message: r.message, severity: 'error' }], warnings: [] };
  }
  return parseBlueprint(r.text, path, baseReader(process.env, process.cwd(), trustedBases));
}

/** Load a blueprint or throw an InputError listing every problem. */
export function loadBlueprint(path: string, trustedBases: readonly string[] = []): Loaded {
  const r = loadBlueprintResult(path, trustedBases);
  if (!r.ok) throw new InputError(r.errors);
  return r;
}
