// Accounts and tokens. Passwords: scrypt with a per-user salt (node:crypto). Tokens: HS256
// JWTs via jose; access tokens are short-lived and checked without the database, refresh
// tokens are recorded in auth.sessions so logout can revoke them.
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, jwtVerify } from 'jose';
import type { DomainContext } from '../../runtime/context.js';
import { conflict, notFound, unauthorized } from '../../runtime/errors.js';
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
  constructor(private readonly ctx: DomainContext) {}

  async register(input: { email: string; username: string; password: string; publicKey?: string }) {
    const { db } = this.ctx;
    const hash = await hashPassword(input.password);
    const user = await db.one<UserRow>(
      `INSERT INTO auth.users (email, username, password_hash, public_keys) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING *`,
      [input.email.toLowerCase(), input.username, hash, JSON.stringify(input.publicKey ? { identity: input.publicKey } : {})],
    );
    if (!user) throw conflict('email or username already registered');
    await this.ctx.emit('user.registered', { userId: user.id, username: user.username, email: user.email });
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

  async logout(userId: string, refreshToken: string | undefined) {
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
    return { userId: claims.sub, username: String(claims.usr ?? '') };
  }

  async createUser(input: { email: string }) {
    const base = input.email.split('@')[0]!.replace(/[^a-zA-Z0-9_.-]/g, '').slice(0, 20) || 'user';
    const user = await this.ctx.db.one<UserRow>(
      `INSERT INTO auth.users (email, username, is_verified) VALUES (lower($1), $2, true)
       ON CONFLICT (email) DO UPDATE SET is_verified = true RETURNING *`,
      [input.email, `${base}_${randomBytes(3).toString('hex')}`],
    );
    await this.ctx.emit('user.registered', { userId: user!.id, username: user!.username, email: user!.email });
    return { id: user!.id, username: user!.username };
  }

  private async issue(user: UserRow) {
    const { jwtSecret, accessTtlSeconds, refreshTtlSeconds } = this.ctx.config;
    const jti = randomUUID();
    const accessToken = await new SignJWT({ typ: 'access', usr: user.username })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${accessTtlSeconds}s`)
      .sign(jwtSecret);
    const refreshToken = await new SignJWT({ typ: 'refresh' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(`${refreshTtlSeconds}s`)
      .sign(jwtSecret);
    await this.ctx.db.query(`INSERT INTO auth.sessions (jti, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`, [jti, user.id, refreshTtlSeconds]);
    return { accessToken, refreshToken, tokenType: 'bearer', expiresIn: accessTtlSeconds, user: publicUser(user) };
  }

  private async verify(token: string, typ: 'access' | 'refresh') {
    try {
      const { payload } = await jwtVerify(token, this.ctx.config.jwtSecret, { algorithms: ['HS256'] });
      if (payload.typ !== typ || typeof payload.sub !== 'string') throw new Error('wrong token type');
      return payload as typeof payload & { sub: string };
    } catch {
      throw unauthorized(`invalid or expired ${typ} token`);
    }
  }
}
