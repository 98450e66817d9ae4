// WebSocket connections: authenticate (token in the query string or as the first message),
// record the connection, set presence, and push events to the user's open sockets.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DomainContext, EventEnvelope, Principal } from '../../runtime/context.js';

export class RealtimeService {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly sockets = new Map<string, Set<WebSocket>>();
  constructor(private readonly ctx: DomainContext) {}

  /** HTTP upgrade on /ws: a bad token in the query is refused with 401 before the upgrade. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    let who: Principal | undefined;
    if (token !== null) {
      try {
        who = await this.ctx.clients.auth.verifyToken(token);
      } catch (e) {
        const status = (e as { status?: number }).status === 503 ? '503 Service Unavailable' : '401 Unauthorized';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (who) void this.open(ws, who);
      else this.awaitAuth(ws);
    });
  }

  private awaitAuth(ws: WebSocket) {
    const timer = setTimeout(() => ws.close(4401, 'authentication timeout'), 5000);
    ws.once('message', async (data) => {
      clearTimeout(timer);
      try {
        const msg = JSON.parse(String(data)) as { type?: string; token?: string };
        if (msg.type !== 'auth' || typeof msg.token !== 'string') throw new Error('expected {type:"auth",token}');
        await this.open(ws, await this.ctx.clients.auth.verifyToken(msg.token));
      } catch {
        ws.close(4401, 'unauthorized');
      }
    });
  }

  private async open(ws: WebSocket, who: Principal) {
    const id = randomUUID();
    const set = this.sockets.get(who.userId) ?? new Set();
    set.add(ws);
    this.sockets.set(who.userId, set);
    ws.on('close', () => void this.close(id, who.userId, ws));
    ws.on('message', (data) => {
      if (String(data) === '{"type":"ping"}') ws.send('{"type":"pong"}');
    });
    ws.on('error', () => undefined);
    try {
      await this.ctx.db.query('INSERT INTO realtime.websocket_connections (id, user_id, unit, pid) VALUES ($1, $2, $3, $4)', [id, who.userId, this.ctx.unit, process.pid]);
      await this.ctx.clients.users.setPresence(who.userId, true);
    } catch (e) {
      // Presence is best effort: a down users unit must not refuse the connection.
      this.ctx.log.warn({ err: (e as Error).message }, 'presence update failed');
    }
    ws.send(JSON.stringify({ type: 'ready', userId: who.userId, connectionId: id }));
  }

  private async close(id: string, userId: string, ws: WebSocket) {
    const set = this.sockets.get(userId);
    set?.delete(ws);
    if (set && set.size === 0) this.sockets.delete(userId);
    try {
      await this.ctx.db.query('UPDATE realtime.websocket_connections SET disconnected_at = now() WHERE id = $1', [id]);
      if (!this.sockets.has(userId)) await this.ctx.clients.users.setPresence(userId, false);
    } catch {
      /* best effort, as in open() */
    }
  }

  private push(userId: string, msg: object): number {
    const set = this.sockets.get(userId);
    if (!set) return 0;
    const text = JSON.stringify(msg);
    for (const ws of set) if (ws.readyState === ws.OPEN) ws.send(text);
    return set.size;
  }

  async broadcast(e: EventEnvelope) {
    const p = e.payload as { recipientId: string };
    this.push(p.recipientId, { type: 'message.new', eventId: e.id, message: e.payload });
  }

  async broadcastGroup(e: EventEnvelope) {
    const p = e.payload as { groupId: string; senderId: string };
    const members = await this.ctx.clients.groups.listMembers(p.groupId);
    for (const m of members) if (m !== p.senderId) this.push(m, { type: 'group.message', eventId: e.id, message: e.payload });
  }

  connectedUsers() {
    return this.sockets.size;
  }

  async shutdown() {
    for (const set of this.sockets.values()) for (const ws of set) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}
