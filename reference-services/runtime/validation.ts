// Request validation: strict types for bodies (no coercion: `username: ["a"]` is a 400, not a
// string), coercion only where HTTP has no types (query strings, path parameters, headers);
// and no NUL byte in any string a client sends (PostgreSQL text cannot hold one).
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import { badRequest } from './errors.js';

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;

function make(coerce: boolean) {
  // allErrors: report every failing field at once, not just the first.
  return addFormats(new Ajv({ allErrors: true, coerceTypes: coerce, useDefaults: true, removeAdditional: true, strict: false }));
}

const strict = make(false);
const coercing = make(true);

/** Fastify validator compiler: strict bodies, coerced query/params/headers. */
export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === 'body' ? strict : coercing).compile(schema);
}

/** The path of the first string (value or key) holding a NUL byte, if any. */
export function nulField(v: unknown, path: string, depth = 0): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (depth > 32 || v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const f = nulField(x, `${path}.${i}`, depth + 1);
      if (f) return f;
    }
    return undefined;
  }
  if (typeof (v as { pipe?: unknown }).pipe === 'function') return undefined; // a stream (uploads)
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k.includes('\u0000')) return path;
    const f = nulField(x, path ? `${path}.${k}` : k, depth + 1);
    if (f) return f;
  }
  return undefined;
}

/** preValidation hook: 400 naming the field that holds a NUL byte. */
export async function rejectNul(req: FastifyRequest) {
  for (const [part, v] of [
    ['params', req.params],
    ['query', req.query],
    ['body', req.body],
  ] as const) {
    const f = nulField(v, '');
    if (f !== undefined) throw badRequest(`NUL byte in ${f || part}`, [(f || part).replace(/^\./, '')]);
  }
}
