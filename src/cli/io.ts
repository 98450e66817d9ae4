// What every command shares at the edge: exit codes, one-line errors, JSON and text output.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { styleText } from 'node:util';
import { errorKind, exitCode, InputError, EXIT, UsageError } from '../errors.js';
import { formatDiagnostic, type Diagnostic } from '../model/diagnostics.js';
import { LIMITS } from '../model/limits.js';

// The error kinds and exit codes live in src/errors.ts; commands import them from here too.
export { CheckFailed, EXIT, InputError, UsageError } from '../errors.js';

const colorOn = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

type Style = Parameters<typeof styleText>[0];
export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colorOn(stream) ? styleText(style, text) : text;
}

export function out(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** At most LIMITS.errorsPerFile lines per file, then one line saying how many more there are. */
export function printDiagnostics(ds: readonly Diagnostic[], stream: NodeJS.WriteStream = process.stderr): void {
  const perFile = new Map<string, number>();
  const hidden = new Map<string, number>();
  for (const d of ds) {
    const n = (perFile.get(d.file) ?? 0) + 1;
    perFile.set(d.file, n);
    if (n > LIMITS.errorsPerFile) {
      hidden.set(d.file, (hidden.get(d.file) ?? 0) + 1);
      continue;
    }
    const line = formatDiagnostic(d);
    stream.write(`${d.severity === 'error' ? paint('red', line, stream) : paint('yellow', line, stream)}\n`);
  }
  for (const [file, n] of hidden) stream.write(`${file}: … and ${n} more\n`);
}

/** True when a person can answer prompts: a TTY on stdin and stdout, and not CI. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
}

/**
 * Run a command body and turn every way it can end into an exit code. Nothing a user did wrong
 * ends in a stack trace; set ARCHSIM_DEBUG=1 to see one for an internal error.
 */
export async function handle(body: () => Promise<number | void> | number | void): Promise<never> {
  let code: number;
  try {
    code = (await body()) ?? EXIT.ok;
  } catch (e) {
    code = reportError(e);
  }
  // Let pending stdout writes drain before exiting (large JSON on a pipe).
  await new Promise<void>((resolve) => (process.stdout.writableLength ? process.stdout.once('drain', resolve) : resolve()));
  process.exit(code);
}

/**
 * One line for an internal error. A zod error's message is its issues as JSON, whose first line
 * is "[": its first issue (path and message) says what broke instead.
 */
function internalMessage(e: unknown): string {
  const issues = (e as { issues?: unknown })?.issues;
  if (e instanceof Error && e.name === 'ZodError' && Array.isArray(issues) && issues.length) {
    const first = issues[0] as { path?: unknown[]; message?: string };
    const at = Array.isArray(first.path) && first.path.length ? `${first.path.join('.')}: ` : '';
    return `${at}${first.message ?? 'invalid data'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
  }
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** Print an error the way its kind is printed; the exit code comes from src/errors.ts. */
export function reportError(e: unknown): number {
  const kind = errorKind(e);
  if (e instanceof InputError) printDiagnostics(e.diagnostics);
  else if (kind !== 'internal') err(`archsim: ${(e as Error).message}`);
  else {
    err(`archsim: internal error: ${internalMessage(e)}`);
    if (process.env.ARCHSIM_DEBUG) err(String((e as Error)?.stack ?? e));
    else err('archsim: (set ARCHSIM_DEBUG=1 for a stack trace)');
  }
  return exitCode(e);
}

// What an operating system refusal to write means, said to the person who gave the path.
const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'a name in the path is too long',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EISDIR: 'it is a directory',
  EBUSY: 'it is busy',
  EEXIST: 'something is in the way',
  ENOENT: 'a folder on the path does not exist',
};

/**
 * A file system error from writing `--out <path>` as the usage error it is (one line naming the
 * path and the reason, exit 2), as generate says it; anything else is returned unchanged. A
 * file where a folder of the path must be (ENOTDIR) ended in "internal error", exit 1: the
 * code CI reads as a broken budget.
 */
export function outputError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  const reason = code === 'ENOTDIR' ? notADirectory(path) : (FS_REASONS[code] ?? (e as Error).message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, ''));
  return new UsageError(`cannot write to ${path}: ${reason} (${code})`);
}

/** ENOTDIR in words: which part of the path is a file where a folder must be. */
function notADirectory(path: string): string {
  for (let p = dirname(path); p !== dirname(p) && p !== '.'; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return `${p} is a file, not a directory`;
    } catch {
      /* not there, or not readable: look further up */
    }
  }
  return 'a part of the path is a file, not a directory';
}

/** Run a write to `--out <path>`, its file system errors turned into one-line usage errors. */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw outputError(path, e);
  }
}

/** A plain text table: columns padded to their widest cell; numbers right-aligned. */
export function table(head: string[], rows: (string | number)[][], opts: { indent?: number } = {}): string {
  const cells = [head, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => visibleLength(r[i] ?? ''))));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || String(r[i] ?? '') === '' || /^[-+$]?[0-9.,]+(%|ms|\/s|[a-zA-Z]*)?$/.test(String(r[i] ?? ''))));
  const pad = ' '.repeat(opts.indent ?? 0);
  const line = (r: string[]) =>
    pad +
    r
      .map((c, i) => (numeric[i] ? ' '.repeat(widths[i]! - visibleLength(c)) + c : c + ' '.repeat(widths[i]! - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), pad + widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}
