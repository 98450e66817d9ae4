// The docs example's system (docs/examples/notes.yaml), really served: sign up, log in, notes
// owned by their writer. It counts every request by route and every rejection, and records the
// Host each request was sent to, so tests can prove what a driver sent and where.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export type NotesServer = {
  url: string;
  counts: Map<string, number>;
  rejected: Map<string, number>;
  hosts: Set<string>;
  stop(): Promise<void>;
};

async function json(req: IncomingMessage): Promise<any> {
  let s = '';
  for await (const c of req) s += c;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export async function startNotesServer(): Promise<NotesServer> {
  const users = new Map<string, string>();
  const tokens = new Map<string, string>();
  const notes = new Map<string, { owner: string; text: string }>();
  const counts = new Map<string, number>();
  const rejected = new Map<string, number>();
  const hosts = new Set<string>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = `${req.method} ${url.pathname.replace(/^\/notes\/[^/]+$/, '/notes/{id}')}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    hosts.add(req.headers.host ?? '');
    const send = (status: number, body: unknown) => {
      if (status >= 400) rejected.set(route, (rejected.get(route) ?? 0) + 1);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const who = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (route === 'POST /signup') {
      const b = await json(req);
      if (!b?.user || !b?.password || users.has(b.user)) return send(400, { error: 'bad signup' });
      users.set(b.user, b.password);
      return send(201, { user: b.user });
    }
    if (route === 'POST /login') {
      const b = await json(req);
      if (!b || users.get(b.user) !== b.password) return send(401, { error: 'bad login' });
      const token = randomUUID();
      tokens.set(token, b.user);
      return send(200, { token });
    }
    if (!who) return send(401, { error: 'no token' });
    if (route === 'POST /notes') {
      const b = await json(req);
      if (typeof b?.text !== 'string') return send(400, { error: 'text required' });
      const id = randomUUID();
      notes.set(id, { owner: who, text: b.text });
      return send(201, { id });
    }
    if (route === 'GET /notes/{id}') {
      const n = notes.get(decodeURIComponent(url.pathname.slice('/notes/'.length)));
      if (!n) return send(404, { error: 'no such note' });
      if (n.owner !== who) return send(403, { error: 'not yours' });
      return send(200, n);
    }
    send(404, { error: 'no route' });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    rejected,
    hosts,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
