// Issue "Reference services": cold start of each layout, and the cost of an extra hop.
import os from 'node:os';
import { Pool } from 'undici';
import { fmtMs, median, ROOT } from './lib.mjs';

export const title = 'Reference services: cold start per layout and per-hop overhead';
export const method = [
  'Cold start: `startLayout` (what `archsim up` runs) from nothing to every unit answering /ready: a fresh embedded PostgreSQL cluster (initdb, start, one database per datastore), every unit its own Node process (migrations included) and the gateway. One start per layout, run one after another.',
  'Per-hop overhead: `POST /api/v1/messages/send` through the entry point (the gateway in microservices, the single unit in the monolith), one request at a time over a keep-alive connection with a 10 ms pause between requests (low load: the event consumers finish before the next send), 300 warm-up requests then 1,500 measured; p50 of microservices minus p50 of monolith, divided by the extra hops a send makes in microservices: the gateway, the auth.verify-token call, the users.check-contact call (3 HTTP hops) and the message.sent publish to the PostgreSQL queue standing in for the broker (1) = 4.',
].join('\n\n');

const BP = `${ROOT}blueprints/quantchat.yaml`;
const LAYOUTS = ['monolith', 'modular-monolith', 'strangler-relay', 'microservices'];

async function sendLatencies(L, n, warm) {
  const pool = new Pool(L.gatewayUrl, { connections: 1, keepAliveTimeout: 60_000 });
  const req = async (method, path, body, token) => {
    const r = await pool.request({ method, path, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.body.text();
    if (r.statusCode >= 400) throw new Error(`${method} ${path} → ${r.statusCode} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const users = [];
  for (const name of ['benchA', 'benchB']) {
    await req('POST', '/api/v1/auth/register', { email: `${name}@example.test`, username: name, password: 'password123' });
    const l = await req('POST', '/api/v1/auth/login', { username: name, password: 'password123' });
    users.push({ id: l.user.id, token: l.accessToken });
  }
  const [a, b] = users;
  for (let i = 0; i < 100; i++) {
    try {
      await req('POST', '/api/v1/contacts', { contactId: b.id }, a.token);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50)); // profile created by an event
    }
  }
  const body = { recipientId: b.id, encryptedContent: 'x'.repeat(300), encryptedSessionKey: 'k'.repeat(64) };
  const times = [];
  for (let i = 0; i < warm + n; i++) {
    const t0 = performance.now();
    await req('POST', '/api/v1/messages/send', body, a.token);
    if (i >= warm) times.push(performance.now() - t0);
    // Low load: a pause between sends lets the event consumers finish, as at a low arrival rate.
    await new Promise((r) => setTimeout(r, 10));
  }
  await pool.close();
  return { times: times.sort((x, y) => x - y), token: a.token };
}

/** p50 of one request repeated at concurrency 1 over keep-alive (100 warm-up, n measured). */
async function p50Of(origin, opts, n = 1000) {
  const pool = new Pool(origin, { connections: 1, keepAliveTimeout: 60_000 });
  const times = [];
  for (let i = 0; i < 100 + n; i++) {
    const t0 = performance.now();
    const r = await pool.request(opts);
    await r.body.text();
    if (i >= 100) times.push(performance.now() - t0);
  }
  await pool.close();
  return median(times);
}

export async function run({ log }) {
  const { startLayout } = await import('../dist/src/run/layout.js');
  const rows = [];
  const p50 = {};
  for (const [i, layout] of LAYOUTS.entries()) {
    const t0 = performance.now();
    const L = await startLayout(BP, layout, { portOffset: 47000 + i * 100, logLevel: 'warn' });
    const ms = performance.now() - t0;
    log(`${layout}: ready in ${fmtMs(ms)} (${L.units.length} units)`);
    rows.push({ name: `cold start, ${layout} (${L.units.length} unit${L.units.length > 1 ? 's' : ''}${L.gateway ? ' + gateway' : ''})`, value: fmtMs(ms) });
    try {
      if (layout === 'monolith' || layout === 'microservices') {
        const { times: t, token } = await sendLatencies(L, 1500, 300);
        if (layout === 'microservices') {
          // The hops in isolation: a gateway hop (auth.me through the gateway minus straight to
          // the auth unit) and an internal call (auth.verify-token as another unit makes it).
          const auth = L.units.find((u) => u.domains.includes('auth')).url;
          const me = { method: 'GET', path: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } };
          const viaGw = await p50Of(L.gatewayUrl, me);
          const direct = await p50Of(auth, me);
          const internal = await p50Of(auth, { method: 'POST', path: '/internal/auth/verify-token', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: [token] }) });
          log(`gateway hop ${fmtMs(viaGw - direct)}, internal call ${fmtMs(internal)}`);
          rows.push({ name: 'gateway hop alone (auth.me via gateway − direct, p50)', value: `${(viaGw - direct).toFixed(3)} ms`, goal: '< 1 ms', pass: viaGw - direct < 1 });
          rows.push({ name: 'internal call alone (POST /internal/auth/verify-token round trip, p50)', value: `${internal.toFixed(3)} ms`, goal: '< 1 ms', pass: internal < 1 });
        }
        p50[layout] = median(t);
        const p99 = t[Math.floor(t.length * 0.99)];
        log(`${layout}: messages.send p50 ${fmtMs(p50[layout])}, p99 ${fmtMs(p99)}`);
        rows.push({ name: `messages.send p50 at concurrency 1, ${layout}`, value: `${p50[layout].toFixed(2)} ms (p99 ${p99.toFixed(2)} ms)` });
      }
    } finally {
      await L.stop();
    }
  }
  const perHop = (p50.microservices - p50.monolith) / 4;
  rows.push({ name: 'per-hop overhead ((microservices − monolith) p50 / 4 extra hops)', value: `${perHop.toFixed(3)} ms`, goal: '< 1 ms', pass: perHop < 1 });
  rows.push({ name: 'machine load average (1 min) at the end of the run, 2 cores shared', value: os.loadavg()[0].toFixed(1) });
  return rows;
}
