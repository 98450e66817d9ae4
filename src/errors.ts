// How archsim fails, in one place: every error a user can cause carries a kind, and each kind
// has one exit code. The CLI prints by kind; worker threads send the kind across as data.
//
//   kind            exit  meaning
//   input           2     a file's content is wrong: positioned diagnostics (file:line:col)
//   usage           2     a flag, argument or request is wrong: one line
//   check-failed    1     a check the user asked for did not pass (budget, lint --fail-on, k6 thresholds)
//   internal        1     a bug or an environment failure: one line, a stack trace with ARCHSIM_DEBUG=1
//
// A new kind of failure is a new class extending ArchsimError with one of these kinds (or a
// new kind added to KINDS with its exit code); nothing else needs to learn about it.
import { formatDiagnostic, type Diagnostic } from './model/diagnostics.js';

export const EXIT_CODES = { input: 2, usage: 2, 'check-failed': 1, internal: 1 } as const;
export type ErrorKind = keyof typeof EXIT_CODES;
export const KINDS = Object.keys(EXIT_CODES) as ErrorKind[];

/** Exit codes by outcome (the README's table): 0 success, 1 a check failed, 2 bad input or usage. */
export const EXIT = { ok: 0, failed: EXIT_CODES['check-failed'], badInput: EXIT_CODES.usage } as const;

export abstract class ArchsimError extends Error {
  abstract readonly kind: ErrorKind;
}

/** Bad usage or input without a file position: one line, exit 2. */
export class UsageError extends ArchsimError {
  override name = 'UsageError';
  readonly kind = 'usage';
}

/**
 * A write the user must fix (a symbolic link under --out, an output that is one of the inputs,
 * a file where a folder must be): one line, exit 2. Thrown by io/write-set.ts; commands may add
 * which --out it was.
 */
export class WriteRefused extends ArchsimError {
  override name = 'WriteRefused';
  readonly kind = 'usage';
}

/** A check the user asked for did not pass (budget, lint --fail-on): exit 1, message printed. */
export class CheckFailed extends ArchsimError {
  override name = 'CheckFailed';
  readonly kind = 'check-failed';
}

/** Problems in a file, each positioned (file:line:col): one line each, exit 2. */
export class InputError extends ArchsimError {
  override name = 'InputError';
  readonly kind = 'input';
  constructor(public readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

/** The kind of any thrown value: its own for archsim's errors, internal for everything else. */
export function errorKind(e: unknown): ErrorKind {
  return e instanceof ArchsimError ? e.kind : 'internal';
}

export function exitCode(e: unknown): number {
  return EXIT_CODES[errorKind(e)];
}

/** An error as plain data, to cross a worker thread or a process boundary. */
export interface WireError {
  kind: ErrorKind;
  message: string;
  diagnostics?: Diagnostic[];
  /** what a structured error carries besides its message (e.g. a scenario's problems) */
  detail?: unknown;
}

export function toWire(e: unknown): WireError {
  const kind = errorKind(e);
  const message = e instanceof Error ? e.message : String(e);
  const detail = (e as { detail?: unknown } | null)?.detail;
  return { kind, message, ...(e instanceof InputError ? { diagnostics: e.diagnostics } : {}), ...(detail !== undefined ? { detail } : {}) };
}

/** The error on this side of the boundary: same kind, same message, same detail. */
export class RemoteError extends ArchsimError {
  override name = 'RemoteError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export function fromWire(w: WireError): ArchsimError {
  if (w.kind === 'input' && w.diagnostics) return new InputError(w.diagnostics);
  return new RemoteError(w.kind, w.message, w.detail);
}
