// Writing a set of output files all or nothing, without following a symbolic link.
//
// The files are first written into a fresh folder with a random name beside the targets
// (.archsim-stage-XXXXXX, created by mkdtemp, so nothing can be planted there in advance), each
// opened exclusively. Only when every file is written are they moved into place by rename (the
// same file system, so each move is atomic); a file being replaced is first moved aside, and on
// any failure every move is undone. A symbolic link at the output folder or anywhere below it (a
// subfolder, a target file) is refused rather than followed, and so is writing over one of the
// command's own input files.
import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

// The user's to fix (a link, an input as output, a file where a folder must be): exit 2, by
// its kind in errors.ts.
import { WriteRefused } from '../errors.js';
export { WriteRefused };

export interface StagedFile {
  /** Path relative to the output folder. */
  path: string;
  data: Buffer | string;
}

function lstat(p: string) {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A relative path that stays inside the output folder, or a refusal. */
export function insidePath(path: string): string {
  const n = normalize(path);
  if (path === '' || isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`) || n.split(sep).includes('..')) throw new WriteRefused(`refusing to write outside the output directory: ${path}`);
  return n;
}

/**
 * Check every component of `rel` below `root`: no symbolic link, folders where folders must be.
 * Returns what stands at the final path (undefined when nothing does).
 */
export function checkTarget(root: string, rel: string): import('node:fs').Stats | undefined {
  const parts = insidePath(rel).split(sep);
  let p = root;
  for (let i = 0; i < parts.length; i++) {
    p = join(p, parts[i]!);
    const st = lstat(p);
    if (!st) return undefined;
    if (st.isSymbolicLink()) throw new WriteRefused(`${relative(root, p) || p} under the output folder is a symbolic link; archsim does not write through links (remove it or choose another --out)`);
    if (i < parts.length - 1 && !st.isDirectory()) throw new WriteRefused(`${relative(root, p)} is a file where a directory is needed (for ${rel})`);
    if (i === parts.length - 1) {
      if (st.isDirectory()) throw new WriteRefused(`${rel} is a directory where a file must be written`);
      if (!st.isFile()) throw new WriteRefused(`${rel} exists and is not a regular file`);
      return st;
    }
  }
  return undefined;
}

/**
 * What stands at the output folder `dir` (undefined: nothing yet), refusing a symbolic link
 * there: a link planted where --out points (a checked-in `out -> ~/.ssh`) would put every file
 * beside the user's own. The folder it points to, given instead, is written as any folder.
 */
export function outputFolder(dir: string): import('node:fs').Stats | undefined {
  const st = lstat(resolve(dir));
  if (st?.isSymbolicLink()) throw new WriteRefused(`${dir} is a symbolic link; archsim does not write through links (give the folder it points to, or another --out)`);
  // A file there: every path under it would fail with ENOTDIR, an internal error.
  if (st && !st.isDirectory()) throw new WriteRefused(`${dir} is not a directory`);
  return st;
}

/** The real paths of the inputs, to refuse writing over any of them. */
function realPaths(files: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    try {
      out.add(realpathSync(f));
    } catch {
      out.add(resolve(f));
    }
  }
  return out;
}

/**
 * Write `files` under `dir` all or nothing. Existing files are replaced (the caller decides
 * beforehand whether that is allowed). `inputs` are files the command read: none may be written.
 */
export function writeSet(dir: string, files: readonly StagedFile[], opts: { inputs?: readonly string[]; folderOfFile?: boolean } = {}): void {
  const rootPath = resolve(dir);
  // `folderOfFile`: dir is only where a file named by --out goes, an ancestor like any other (a
  // link there, /tmp on macOS, is followed as the rest of the path is); the file itself is checked.
  const rootStat = opts.folderOfFile ? lstat(rootPath) : outputFolder(dir);
  if (rootStat && !rootStat.isDirectory() && !(opts.folderOfFile && rootStat.isSymbolicLink() && lstat(realpathSync(rootPath))?.isDirectory())) throw new WriteRefused(`${dir} is not a directory`);
  if (!rootStat) {
    const parent = dirname(rootPath);
    if (!lstat(parent)) throw new WriteRefused(`the folder ${dirname(dir) || '.'} does not exist (create it first)`);
    mkdirSync(rootPath);
  }
  const root = realpathSync(rootPath);
  const inputs = realPaths(opts.inputs ?? []);
  const plan = files.map((f) => ({ rel: insidePath(f.path), data: f.data }));
  for (const p of plan) {
    checkTarget(root, p.rel);
    if (inputs.has(join(root, p.rel))) throw new WriteRefused(`${join(dir, p.rel)} is one of this command's inputs; choose another output`);
  }
  const stage = mkdtempSync(join(root, '.archsim-stage-'));
  const done: { rel: string; aside?: string }[] = [];
  try {
    // 1. Write everything into the stage, each file created exclusively.
    for (const p of plan) {
      const full = join(stage, 'new', p.rel);
      mkdirSync(dirname(full), { recursive: true });
      const fd = openSync(full, 'wx', 0o644);
      try {
        const buf = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data;
        for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      } finally {
        closeSync(fd);
      }
    }
    // 2. Move into place; a replaced file goes aside first so it can be restored.
    for (const p of plan) {
      const target = join(root, p.rel);
      // Checked again right before the move: nothing may have become a link meanwhile.
      const existing = checkTarget(root, p.rel);
      mkdirSync(dirname(target), { recursive: true });
      let aside: string | undefined;
      if (existing) {
        aside = join(stage, 'old', p.rel);
        mkdirSync(dirname(aside), { recursive: true });
        renameSync(target, aside);
      }
      done.push({ rel: p.rel, aside });
      renameSync(join(stage, 'new', p.rel), target);
    }
  } catch (e) {
    // 3. Undo: remove what was moved in, put back what was moved aside.
    for (const d of done.reverse()) {
      try {
        rmSync(join(root, d.rel), { force: true });
        if (d.aside) renameSync(d.aside, join(root, d.rel));
      } catch {
        /* best effort: the stage folder keeps the old file */
      }
    }
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  rmSync(stage, { recursive: true, force: true });
}

/**
 * Write one output file (calibrate --out, graph --out): refused when it exists without `force`,
 * when it is a link, a folder or one of `inputs`; otherwise written through the same staging.
 */
export function writeOneFile(out: string, data: Buffer | string, opts: { force?: boolean; inputs?: readonly string[] } = {}): void {
  const { dir, name } = checkOneFile(out, opts);
  writeSet(dir, [{ path: name, data }], { inputs: opts.inputs, folderOfFile: true });
}

/**
 * What writeOneFile would refuse, checked without writing: for a command that measures for
 * minutes before it writes (loadtest --out), so that a bad --out is refused first.
 */
export function checkOneFile(out: string, opts: { force?: boolean; inputs?: readonly string[] } = {}): { dir: string; name: string } {
  const dir = dirname(resolve(out));
  const name = relative(dir, resolve(out));
  // Said of the file the user named (checkTarget speaks of folders and of paths under --out).
  const own = lstat(resolve(out));
  if (own?.isSymbolicLink()) throw new WriteRefused(`${out} is a symbolic link; archsim does not write through links (remove it or choose another --out)`);
  if (own?.isDirectory()) throw new WriteRefused(`${out} is a directory; --out names the file to write`);
  const st = lstat(dir) ? checkTarget(dir, name) : undefined;
  if (st && !opts.force) throw new WriteRefused(`${out} exists; pass --force to overwrite it`);
  if (realPaths(opts.inputs ?? []).has(join(lstat(dir) ? realpathSync(dir) : dir, name))) throw new WriteRefused(`${out} is one of this command's inputs; choose another output`);
  return { dir, name };
}
