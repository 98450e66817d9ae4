// Accounts and tokens. Passwords: scrypt with a per-user salt (node:crypto). Tokens: HS256
// JWTs via jose; access tokens are short-lived and checked without a database round trip
// (logout puts the token's id on a deny-list until it expires: auth.revoked_tokens, mirrored
// in memory and refreshed every second, so several auth processes agree within a second);
// refresh tokens are recorded in auth.sessions so logout can revoke them.
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, jwtVerify } from 'jose';
import type { DomainContext } from '../../runtime/context.js';
import { conflict, notFound, unauthorized } from '../../runtime/errors.js';
import { lazyHs256Key } from '../../runtime/hs256-key.js';
import type { AuthClient, Principal } from './client.js';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  username: string;
  password_hash: string | null;
  public_keys: unknown;
  is_active: boolean;
  is_verified: boolean;
  role: string;
  created_at: Date;
}

export function publicUser(u: UserRow) {
  return { id: u.id, email: u.email, username: u.username, publicKeys: u.public_keys, isVerified: u.is_verified, role: u.role, createdAt: u.created_at };
}

async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pw, salt, 32);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function checkPassword(pw: string, stored: string | null): Promise<boolean> {
  const [kind, salt, key] = (stored ?? '').split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(pw, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export class AuthService implements AuthClient {
  /** revoked access-token id → its expiry (epoch seconds) */
  private readonly revoked = new Map<string, number>();
  private revokedSince = new Date(0);
  private loaded?: Promise<void>;
  private refresher?: NodeJS.Timeout;
  /** The JWT secret imported once (hs256-key.ts: jose re-imports raw bytes on every call). */
  private readonly key: ReturnType<typeof lazyHs256Key>;

  constructor(private readonly ctx: DomainContext) {
    this.key = lazyHs256Key(ctx.config.jwtSecret);
  }

  /** Load revocations made since the last load (by this or another auth process). */
  private async loadRevoked() {
    const rows = await this.ctx.db.query<{ jti: string; exp: number; revoked_at: Date }>(
      'SELECT jti, extract(epoch FROM expires_at)::float8 AS exp, revoked_at FROM auth.revoked_tokens WHERE revoked_at >= $1 AND expires_at > now()',
      [this.revokedSince],
    );
    for (const r of rows) {
      this.revoked.set(r.jti, r.exp);
      if (r.revoked_at > this.revokedSince) this.revokedSince = r.revoked_at;
    }
    const now = Date.now() / 1000;
    for (const [j, exp] of this.revoked) if (exp <= now) this.revoked.delete(j);
  }

  private ensureRevokedLoaded() {
    this.loaded ??= this.loadRevoked().then(() => {
      this.refresher = setInterval(() => void this.loadRevoked().catch(() => undefined), 1000);
      this.refresher.unref();
    });
    return this.loaded.catch((e) => {
      this.loaded = undefined;
      throw e;
    });
  }

  close() {
    clearInterval(this.refresher);
  }

  async register(input: { email: string; username: string; password: string; publicKey?: string }) {
    const { db } = this.ctx;
    const hash = await hashPassword(input.password);
    // The account and its user.registered event commit together (transactional outbox).
    const user = await db.tx(async (q) => {
      const u = await q.one<UserRow>(
        `INSERT INTO auth.users (email, username, password_hash, public_keys) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING *`,
        [input.email.toLowerCase(), input.username, hash, JSON.stringify(input.publicKey ? { identity: input.publicKey } : {})],
      );
      if (u) await this.ctx.emit('user.registered', { userId: u.id, username: u.username, email: u.email }, q);
      return u;
    });
    if (!user) throw conflict('email or username already registered');
    return publicUser(user);
  }

  async login(input: { username: string; password: string }) {
    const user = await this.ctx.db.one<UserRow>('SELECT * FROM auth.users WHERE username = $1 OR email = lower($1)', [input.username]);
    // The same answer and (nearly) the same work whether the user exists or not.
    const ok = await checkPassword(input.password, user?.password_hash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!user || !ok || !user.is_active) throw unauthorized('invalid credentials');
    return this.issue(user);
  }

  async me(userId: string) {
    const user = await this.ctx.db.one<UserRow>('SELECT * FROM auth.users WHERE id = $1', [userId]);
    if (!user) throw notFound('user');
    return publicUser(user);
  }

  async refresh(refreshToken: string) {
    const claims = await this.verify(refreshToken, 'refresh');
    const user = await this.ctx.db.tx(async (q) => {
      // Rotation: the presented token is revoked in the same statement that checks it.
      const s = await q.one<{ user_id: string }>(
        `UPDATE auth.sessions SET revoked_at = now() WHERE jti = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING user_id`,
        [claims.jti, claims.sub],
      );
      if (!s) return undefined;
      return q.one<UserRow>('SELECT * FROM auth.users WHERE id = $1 AND is_active', [s.user_id]);
    });
    if (!user) throw unauthorized('refresh token revoked or expired');
    return this.issue(user);
  }

  async logout(who: Principal, refreshToken: string | undefined) {
    const userId = who.userId;
    // The access token used to log out stops working now, not when it expires.
    if (who.tokenId && who.expiresAt) {
      await this.ctx.db.query('INSERT INTO auth.revoked_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING', [who.tokenId, who.expiresAt]);
      this.revoked.set(who.tokenId, who.expiresAt);
    }
    if (refreshToken) {
      const claims = await this.verify(refreshToken, 'refresh');
      if (claims.sub !== userId) throw unauthorized('refresh token belongs to another user');
      await this.ctx.db.query('UPDATE auth.sessions SET revoked_at = now() WHERE jti = $1 AND revoked_at IS NULL', [claims.jti]);
    } else {
      await this.ctx.db.query('UPDATE auth.sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
    }
  }

  async verifyToken(token: string): Promise<Principal> {
    const claims = await this.verify(token, 'access');
    await this.ensureRevokedLoaded();
    if (typeof claims.jti === 'string' && this.revoked.has(claims.jti)) throw unauthorized('access token revoked (logged out)');
    return { userId: claims.sub, username: String(claims.usr ?? ''), ...(typeof claims.jti === 'string' ? { tokenId: claims.jti } : {}), ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}) };
  }

  async userExists(userId: string): Promise<boolean> {
    // Called with ids from other units' requests: anything that is not a uuid simply is no user.
    if (typeof userId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return false;
    return !!(await this.ctx.db.one('SELECT 1 FROM auth.users WHERE id = $1 AND is_active', [userId]));
  }

  async createUser(input: { email: string }) {
    const base = input.email.split('@')[0]!.replace(/[^a-zA-Z0-9_.-]/g, '').slice(0, 20) || 'user';
    // A new account only: an address that already has one is refused, never updated.
    const user = await this.ctx.db.tx(async (q) => {
      const u = await q.one<UserRow>(
        `INSERT INTO auth.users (email, username, is_verified) VALUES (lower($1), $2, true)
         ON CONFLICT DO NOTHING RETURNING *`,
        [input.email, `${base}_${randomBytes(4).toString('hex')}`],
      );
      if (u) await this.ctx.emit('user.registered', { userId: u.id, username: u.username, email: u.email }, q);
      return u;
    });
    if (!user) throw conflict('an account already exists for that address');
    return { id: user.id, username: user.username };
  }

  private async issue(user: UserRow) {
    const { accessTtlSeconds, refreshTtlSeconds } = this.ctx.config;
    const key = await this.key();
    const jti = randomUUID();
    const accessToken = await new SignJWT({ typ: 'access', usr: user.username })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${accessTtlSeconds}s`)
      .sign(key);
    const refreshToken = await new SignJWT({ typ: 'refresh' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(`${refreshTtlSeconds}s`)
      .sign(key);
    await this.ctx.db.query(`INSERT INTO auth.sessions (jti, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [jti, user.id, refreshTtlSeconds]);
    return { accessToken, refreshToken, tokenType: 'bearer', expiresIn: accessTtlSeconds, user: publicUser(user) };
  }

  private async verify(token: string, typ: 'access' | 'refresh') {
    // Outside the try: a key that cannot be imported is our failure (500), not the caller's token (401).
    const key = await this.key();
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      if (payload.typ !== typ || typeof payload.sub !== 'string') throw new Error('wrong token type');
      return payload as typeof payload & { sub: string };
    } catch {
      throw unauthorized(`invalid or expired ${typ} token`);
    }
  }
}
