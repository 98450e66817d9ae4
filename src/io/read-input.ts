// The one way archsim reads a file a user named: a blueprint, a base it extends, a scenario, a
// budget, answers, a baseline report, a load-test result. Every such file is treated as
// hostile: only a regular file is read (a FIFO would block for ever, a device never ends), at
// most a bounded number of bytes (raisable), as UTF-8 text (a binary file is refused without
// echoing a byte of it), with a byte-order mark dropped.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { terminalText } from '../model/diagnostics.js';
import { LIMITS, MAX_INPUT_ENV } from '../model/limits.js';
import { parseSize } from '../model/units.js';

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

/**
 * The size cap in bytes: ARCHSIM_MAX_INPUT_SIZE (set by --max-input-size) or the default. A
 * value that is not a size is refused as the flag refuses it (UsageError, exit 2): falling back
 * to the default would leave the user believing the cap they set is in force.
 */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[MAX_INPUT_ENV];
  if (!v) return LIMITS.inputBytes;
  const r = /^[0-9]+$/.test(v.trim()) ? { ok: true as const, value: Number(v) } : parseSize(v);
  if (!r.ok || !Number.isFinite(r.value) || !(r.value > 0)) throw new UsageError(`${MAX_INPUT_ENV}=${terminalText(v.slice(0, 80))}: expected a size such as 64MiB`);
  return r.value;
}

/** "16 MiB" for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

const KIND = (s: import('node:fs').Stats): string =>
  s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isSocket() ? 'a socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : 'not a regular file';

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return `cannot read (${code ?? 'unknown error'})`;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Read a user's file as text, or say in a few words why not. The message never contains the
 * file's content.
 */
export function readInput(path: string, maxBytes = maxInputBytes()): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not hang; fstat then refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    return { ok: false, message: reason(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: `is ${KIND(st)}, not a regular file` };
    const tooBig = () => ({
      ok: false as const,
      message: `is larger than the input limit of ${formatBytes(maxBytes)}; raise it with --max-input-size (or ${MAX_INPUT_ENV}) if the file is meant to be this large`,
    });
    if (st.size > maxBytes) return tooBig();
    // Files in /proc report size 0; read in chunks up to the cap whatever fstat said.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size + 1, 64 * 1024)));
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - total), null);
      } catch (e) {
        return { ok: false, message: reason(e) };
      }
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > maxBytes) return tooBig();
    }
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    if (bytes.includes(0)) return { ok: false, message: 'is not a text file (it contains NUL bytes)' };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { ok: false, message: 'is not UTF-8 text' };
    }
    // TextDecoder drops a UTF-8 byte-order mark; a UTF-16 one means the wrong encoding.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } finally {
    closeSync(fd);
  }
}

/** Like readInput, for callers that only need text or undefined (the loader's `read`). */
export function readInputOrUndefined(path: string): string | undefined {
  const r = readInput(path);
  return r.ok ? r.text : undefined;
}

/**
 * The last `maxBytes` of a file (a log another process writes), as text; '' when it cannot be
 * read. Bounded whatever the file's size: a unit that logged for hours is read only at its end.
 * A multi-byte character cut at the start comes out as U+FFFD.
 */
export function readTail(path: string, maxBytes = 16 * 1024): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch {
    return '';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return '';
    const n = Math.min(st.size, maxBytes);
    const buf = Buffer.alloc(n);
    const got = n > 0 ? readSync(fd, buf, 0, n, st.size - n) : 0;
    return buf.subarray(0, got).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}
