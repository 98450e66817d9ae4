// The bundled reference services (a messaging system) as a load-test scenario: setup() seeds realistic data
// through the public API (users, contacts, groups, conversations, relay queues, media), and
// each operation of the blueprint's workload builds its requests from that data.
//
// Operations that consume what they touch (a refresh token is single-use, an ack deletes its
// relay message) get a pool sized from the expected request count, so a run never turns into
// a stream of 401s or 404s that would measure the error path instead of the work.
import type { RequestContext, RequestSpec, Scenario } from '../scenario.js';

export interface ReferenceOptions {
  /** operation id → weight (the plan's mix) */
  mix: Record<string, number>;
  /** operation id → how many requests the run is expected to send (pools are sized from it) */
  expected?: Record<string, number>;
  users?: number;
  uploadBytes?: number;
}

interface SeedUser {
  id: string;
  username: string;
  token: string;
  contacts: string[];
  group: string;
}

interface Seed {
  users: SeedUser[];
  /** recipient index → message ids they received */
  inbox: string[][];
  refresh: string[];
  relay: { token: string; id: string }[];
  media: { token: string; id: string }[];
  upload: Uint8Array;
}

const PASSWORD = 'correct horse battery staple';

async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; raw?: Uint8Array } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.raw) {
    body = opts.raw;
    headers['content-type'] = 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(base + path, { method, headers, body: body as never, signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`seeding: ${method} ${path} → ${r.status} ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

/** Run `f` over `items` with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!, i);
      }
    }),
  );
  return out;
}

async function waitForProfile(base: string, u: SeedUser) {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${base}/api/v1/users/${u.id}`, { headers: { authorization: `Bearer ${u.token}` } });
    await r.arrayBuffer();
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`seeding: the profile of ${u.username} never appeared (is the user.registered consumer running?)`);
}

async function seed(base: string, o: ReferenceOptions): Promise<Seed> {
  const n = Math.max(4, o.users ?? 16);
  // Capped: a refresh token costs a login (scrypt, tens of ms of CPU) to mint. A run that sends
  // more than the cap reuses spent tokens, and those requests count as errors.
  const need = (id: string, cap: number) => Math.min(cap, Math.ceil((o.expected?.[id] ?? 0) * 1.3 + 10));
  const run = Date.now().toString(36);
  const users: SeedUser[] = await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
    const username = `lt${run}u${i}`;
    await call(base, 'POST', '/api/v1/auth/register', { body: { email: `${username}@example.test`, username, password: PASSWORD } });
    const login = await call(base, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
    return { id: login.user.id as string, username, token: login.accessToken as string, contacts: [], group: '' };
  });
  await pool(users, 4, (u) => waitForProfile(base, u));
  // Each user has the next three as contacts (both ways), so any of them can be messaged.
  await pool(users, 4, async (u, i) => {
    for (let k = 1; k <= 3; k++) {
      const c = users[(i + k) % n]!;
      await call(base, 'POST', '/api/v1/contacts', { token: u.token, body: { contactId: c.id } });
      await call(base, 'POST', '/api/v1/contacts', { token: c.token, body: { contactId: u.id } }).catch(() => undefined);
      u.contacts.push(c.id);
    }
  });
  // A group per user, with its contacts as members.
  await pool(users, 4, async (u) => {
    const g = await call(base, 'POST', '/api/v1/groups', { token: u.token, body: { name: `${u.username}-group` } });
    u.group = g.id as string;
    for (const c of u.contacts) await call(base, 'POST', `/api/v1/groups/${u.group}/members`, { token: u.token, body: { userId: c } });
  });
  // Conversations: ten messages from each user to each contact.
  const inbox: string[][] = users.map(() => []);
  await pool(users, 4, async (u, i) => {
    for (let k = 1; k <= 3; k++) {
      const to = (i + k) % n;
      for (let m = 0; m < 10; m++) {
        const r = await call(base, 'POST', '/api/v1/messages/send', { token: u.token, body: { recipientId: users[to]!.id, encryptedContent: `seed-${i}-${m}`, encryptedSessionKey: 'sk' } });
        inbox[to]!.push(r.id as string);
      }
    }
  });
  // Single-use refresh tokens, one per expected refresh.
  const refresh = await pool(Array.from({ length: o.mix['auth.refresh'] ? need('auth.refresh', 400) : 0 }, (_, i) => users[i % n]!), 4, async (u) => {
    const l = await call(base, 'POST', '/api/v1/auth/login', { body: { username: u.username, password: PASSWORD } });
    return l.refreshToken as string;
  });
  // Relay messages waiting to be acknowledged, one per expected ack.
  const relay = await pool(Array.from({ length: o.mix['relay.ack'] ? need('relay.ack', 2000) : 0 }, (_, i) => i), 8, async (i) => {
    const from = users[i % n]!;
    const to = users[(i + 1) % n]!;
    const r = await call(base, 'POST', '/api/v1/relay/queue', { token: from.token, body: { recipientId: to.id, encryptedContent: `relay-${i}`, ttlSeconds: 3600 } });
    return { token: to.token, id: r.id as string };
  });
  const upload = new Uint8Array(o.uploadBytes ?? 64 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
  const media = await pool(users.slice(0, Math.min(n, 8)), 4, async (u) => {
    const r = await call(base, 'POST', '/api/v1/media/upload', { token: u.token, raw: upload });
    return { token: u.token, id: r.id as string };
  });
  return { users, inbox, refresh, relay, media, upload };
}

const json = (method: string, path: string, token: string | undefined, body?: unknown): RequestSpec => ({
  method,
  path,
  headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
});

type Builder = (s: Seed, ctx: RequestContext) => RequestSpec;

const pick = <T>(xs: T[], ctx: RequestContext): T => xs[Math.floor(ctx.random() * xs.length)]!;

const BUILDERS: Record<string, Builder> = {
  'auth.login': (s, ctx) => json('POST', '/api/v1/auth/login', undefined, { username: pick(s.users, ctx).username, password: PASSWORD }),
  'auth.me': (s, ctx) => json('GET', '/api/v1/auth/me', pick(s.users, ctx).token),
  'auth.refresh': (s, ctx) => json('POST', '/api/v1/auth/refresh', undefined, { refreshToken: s.refresh[ctx.opSeq % Math.max(1, s.refresh.length)] ?? 'none' }),
  'users.search': (s, ctx) => json('GET', `/api/v1/users/search?q=${pick(s.users, ctx).username.slice(0, 6)}`, pick(s.users, ctx).token),
  'users.get': (s, ctx) => json('GET', `/api/v1/users/${pick(s.users, ctx).id}`, pick(s.users, ctx).token),
  'users.update': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('PUT', `/api/v1/users/${u.id}`, u.token, { bio: `bio ${ctx.seq}` });
  },
  'users.list-contacts': (s, ctx) => json('GET', '/api/v1/contacts', pick(s.users, ctx).token),
  'messages.send': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('POST', '/api/v1/messages/send', u.token, { recipientId: pick(u.contacts, ctx), encryptedContent: `ct-${ctx.seq}`.padEnd(300, '.'), encryptedSessionKey: 'sk' });
  },
  'messages.conversation': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('GET', `/api/v1/messages/conversation/${pick(u.contacts, ctx)}?limit=50`, u.token);
  },
  'messages.mark-read': (s, ctx) => {
    const i = Math.floor(ctx.random() * s.users.length);
    const box = s.inbox[i]!;
    return json('PUT', `/api/v1/messages/${box[ctx.opSeq % box.length]}/read`, s.users[i]!.token);
  },
  'groups.list': (s, ctx) => json('GET', '/api/v1/groups', pick(s.users, ctx).token),
  'groups.get': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('GET', `/api/v1/groups/${u.group}`, u.token);
  },
  'groups.post-message': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('POST', `/api/v1/groups/${u.group}/messages`, u.token, { encryptedContent: `g-${ctx.seq}`.padEnd(300, '.') });
  },
  'relay.pending': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('GET', `/api/v1/relay/pending/${u.id}`, u.token);
  },
  'relay.ack': (s, ctx) => {
    const r = s.relay[ctx.opSeq % Math.max(1, s.relay.length)];
    return json('DELETE', `/api/v1/relay/${r?.id ?? '00000000-0000-4000-8000-000000000000'}`, r?.token ?? s.users[0]!.token);
  },
  'relay.queue': (s, ctx) => {
    const u = pick(s.users, ctx);
    return json('POST', '/api/v1/relay/queue', u.token, { recipientId: pick(u.contacts, ctx), encryptedContent: `r-${ctx.seq}`, ttlSeconds: 3600 });
  },
  'media.upload': (s, ctx) => ({ method: 'POST', path: '/api/v1/media/upload', headers: { authorization: `Bearer ${pick(s.users, ctx).token}`, 'content-type': 'application/octet-stream' }, body: s.upload }),
  'media.download': (s, ctx) => {
    const m = pick(s.media, ctx);
    return json('GET', `/api/v1/media/${m.id}`, m.token);
  },
};

export const SUPPORTED_OPERATIONS = Object.keys(BUILDERS);

/** Operations that use up what they touch (a refresh token, a relay message to acknowledge). */
export const SINGLE_USE_OPERATIONS = ['auth.refresh', 'relay.ack'];

export function createScenario(options: ReferenceOptions): Scenario {
  const unsupported = Object.keys(options.mix).filter((id) => !BUILDERS[id]);
  if (unsupported.length) throw new Error(`the reference services' scenario cannot build requests for ${unsupported.join(', ')}; it can for ${SUPPORTED_OPERATIONS.join(', ')}`);
  return {
    name: 'reference-services',
    setup: (base) => seed(base, options),
    operations: Object.entries(options.mix).map(([id, weight]) => ({
      id,
      weight,
      build: (ctx: RequestContext) => BUILDERS[id]!(ctx.data as Seed, ctx),
    })),
  };
}
