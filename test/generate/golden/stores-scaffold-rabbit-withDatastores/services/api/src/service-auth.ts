// Service-to-service authentication: every internal endpoint answers only a caller that
// presents the layout's service token (SERVICE_TOKEN, from a secret). Compared in constant
// time; with no token configured every internal call is refused, never let through.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SERVICE_TOKEN_HEADER = 'x-service-token';

export function validServiceToken(presented: unknown, expected: string | undefined): boolean {
  if (!expected || typeof presented !== 'string' || presented.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
