// Service-to-service authentication. Every internal operation (POST /internal/<domain>/<op>,
// or the same operation called in-process) is authorized here, with the caller's service
// token: an HS256 JWT signed with the run's service secret (never the users' JWT secret),
// naming the calling unit, for the audience "archsim-internal", valid a few minutes. A unit
// may call an operation only if one of its domains declares that call in the blueprint
// (`calls: [domain.op]`) or owns the operation itself.
//
// Cost per hop: a caller signs one token per few minutes and reuses it; a callee verifies a
// token once (jose) and then finds it in a small cache until it expires, so a hop pays a Map
// lookup, not an HMAC (see BENCHMARKS.md, refsvc).
import { SignJWT, jwtVerify } from 'jose';
import type { Blueprint } from '../../src/model/schema.js';
import { forbidden, unauthorized } from './errors.js';
import { lazyHs256Key } from './hs256-key.js';

export const SERVICE_AUDIENCE = 'archsim-internal';
/** Header carrying the service token on internal HTTP calls. */
export const SERVICE_TOKEN_HEADER = 'x-archsim-service-token';
/**
 * The identity of archsim's own control plane (the rehearsal changing the gateway's weights):
 * signed with the run's service secret like a unit's token, but no unit has this name (unit
 * names are DNS-1123 labels, so "archsim:control" can never be one), and only the gateway's
 * admin endpoint accepts it.
 */
export const CONTROL_CALLER = 'archsim:control';
const TTL_SECONDS = 300;
const RENEW_BEFORE_SECONDS = 60;
const CACHE_MAX = 256;

/** domain → the operations ("domain.op") its operations call, from the blueprint. */
export function declaredCalls(bp: Blueprint): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [domain, d] of Object.entries(bp.system.domains)) {
    const set = new Set<string>();
    for (const op of Object.values(d.operations)) for (const c of op.calls) set.add(c.op);
    out.set(domain, set);
  }
  return out;
}

export class ServiceAuth {
  private signed?: { token: string; exp: number };
  private signing?: Promise<string>;
  private readonly verified = new Map<string, { unit: string; exp: number }>();
  /** The run's service secret imported once (hs256-key.ts). */
  private readonly key: ReturnType<typeof lazyHs256Key>;

  constructor(
    secret: Uint8Array,
    /** this unit's name (the `sub` of the tokens it signs) */
    readonly unit: string,
    /** unit name → its domains, for every unit of the layout */
    private readonly domainsOfUnit: Map<string, readonly string[]>,
    private readonly calls: Map<string, Set<string>>,
  ) {
    this.key = lazyHs256Key(secret);
  }

  /** This unit's current service token (signed once, renewed a minute before it expires). */
  token(): Promise<string> | string {
    const now = Date.now() / 1000;
    if (this.signed && this.signed.exp - now > RENEW_BEFORE_SECONDS) return this.signed.token;
    this.signing ??= this.key()
      .then((key) =>
        new SignJWT({ typ: 'service' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(this.unit)
          .setAudience(SERVICE_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime(Math.floor(now) + TTL_SECONDS)
          .sign(key),
      )
      .then((token) => {
        this.signed = { token, exp: Math.floor(now) + TTL_SECONDS };
        this.signing = undefined;
        return token;
      });
    return this.signing;
  }

  /** The unit a service token names; 401 when it is missing, forged, expired or not a service token. */
  async verify(token: string | undefined): Promise<string> {
    if (!token) throw unauthorized('missing service token');
    const now = Date.now() / 1000;
    const hit = this.verified.get(token);
    if (hit && hit.exp > now) return hit.unit;
    let unit: string;
    let exp: number;
    const key = await this.key();
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: SERVICE_AUDIENCE });
      if (payload.typ !== 'service' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('not a service token');
      unit = payload.sub;
      exp = payload.exp;
    } catch {
      throw unauthorized('invalid or expired service token');
    }
    if (!this.domainsOfUnit.has(unit)) throw unauthorized(`service token names no unit of this layout`);
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(token, { unit, exp });
    return unit;
  }

  /** May `unit` call `domain.op`? One of its domains declares the call, or owns the operation. */
  allowed(unit: string, domain: string, op: string): boolean {
    const target = `${domain}.${op}`;
    for (const d of this.domainsOfUnit.get(unit) ?? []) if (d === domain || this.calls.get(d)?.has(target)) return true;
    return false;
  }

  /** The one check every internal operation passes, over HTTP or in-process. */
  async authorize(token: string | undefined, domain: string, op: string): Promise<string> {
    const unit = await this.verify(token);
    if (!this.allowed(unit, domain, op)) throw forbidden(`unit ${unit} may not call ${domain}.${op}`);
    return unit;
  }
}
