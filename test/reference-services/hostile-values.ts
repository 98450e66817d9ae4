// A corpus of hostile values for the reference services: what an attacker puts in paths,
// query strings and JSON fields (NUL bytes, out-of-range dates, wrong types, huge numbers,
// prototype keys, SQL and template fragments, odd Unicode).
export const hostileValues: unknown[] = [
  'a\u0000b',
  '\u0000',
  '0000-01-01T00:00:00Z',
  '99999-12-31T23:59:59Z',
  '-infinity',
  "' OR 1=1 --",
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '%00',
  '\uD800',
  '\u202Eevil',
  'x'.repeat(5000),
  '__proto__',
  '1e309',
  '-1',
];

/** JSON bodies: each field name that some route uses, set to each hostile kind of value. */
export function hostileBodies(): unknown[] {
  const fields = ['email', 'username', 'password', 'refreshToken', 'recipientId', 'encryptedContent', 'encryptedSessionKey', 'mediaIds', 'name', 'memberIds', 'userId', 'contactId', 'fullName', 'bio', 'avatarUrl', 'ttlSeconds', 'title', 'subject', 'body', 'to', 'encryptedSessionKeys', 'description'];
  const kinds: unknown[] = ['a\u0000b', ['a'], { $gt: '' }, 1e308, -1, true, null, '0000-01-01T00:00:00Z', 'x'.repeat(40_000)]; // 22 × 40 kB stays under the 1 MiB body limit (413s are tested in security.test.ts)
  const out: unknown[] = [[], 'just a string', 42, null, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')];
  for (const k of kinds) out.push(Object.fromEntries(fields.map((f) => [f, k])));
  return out;
}
