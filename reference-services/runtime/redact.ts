// Secrets never reach a log line: access/refresh/service tokens (JWTs), invitation tokens,
// `token=` query parameters, email addresses and passwords in database URLs are replaced
// before a line is written (a pino formatter over every string of every log object).
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const QUERY_TOKEN = /([?&](?:token|access_token|refreshToken)=)[^&\s"#]*/gi;
const INVITATION = /(\/invitations\/verify\/)[^/?\s"#]+/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"]+:)[^@\s"]+@/gi;

export function redactText(s: string): string {
  if (s.length < 6) return s;
  return s.replace(JWT, '[token]').replace(URL_PASSWORD, '$1[redacted]@').replace(QUERY_TOKEN, '$1[redacted]').replace(INVITATION, '$1[redacted]').replace(EMAIL, '[email]');
}

/** A copy of a log object with every string redacted (depth-limited; objects are small). */
export function redactObject<T>(v: T, depth = 0): T {
  if (typeof v === 'string') return redactText(v) as T;
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactObject(x, depth + 1)) as T;
  if (v instanceof Error) return { message: redactText(v.message), ...(v.stack ? { stack: redactText(v.stack) } : {}) } as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = redactObject(x, depth + 1);
  return out as T;
}
