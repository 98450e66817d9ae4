import type { IncomingMessage } from 'node:http';

// Request body limits, shared by the units (Fastify's bodyLimit) and the gateway (which answers
// 413 itself, before proxying: a unit that refuses a body mid-stream closes the connection, and
// a proxy that is still sending then sees a reset, not the unit's 413).

/** Parsed (JSON) bodies: every route but the streamed ones. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Routes whose body is streamed to the domain rather than parsed, with their own limit, by
 * operation id. Only the media upload of the reference services; its limit is the run's.
 */
export function streamedBodyLimits(mediaMaxBytes: number): Record<string, number> {
  return { 'media.upload': mediaMaxBytes };
}

/**
 * How much of a refused body a server reads and discards before giving up on the client: a
 * client still sending when the 413 goes out must be read (or its connection reset, and with
 * it possibly the answer); one that sends more than this is cut off.
 */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * After refusing a body: read and drop the rest of it (up to DRAIN_MAX_BYTES, then the socket
 * is cut), so the connection answers and stays usable. Returns false when the declared length
 * is beyond that bound: nothing is read, the caller answers with `connection: close`.
 */
export function drainRefused(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > DRAIN_MAX_BYTES) return false;
  if (req.readableEnded) return true;
  let drained = 0;
  req.on('data', (c: Buffer) => {
    drained += c.length;
    if (drained > DRAIN_MAX_BYTES) req.socket.destroy();
  });
  req.resume();
  return true;
}

/**
 * Read a request's whole body, up to `limit` bytes: the body; 'over' as soon as it passes the
 * limit (the rest is left unread: the caller answers 413 and drains it); 'gone' when the client
 * closed before its end.
 */
export function readBounded(req: IncomingMessage, limit: number): Promise<Buffer | 'over' | 'gone'> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let seen = 0;
    let settled = false;
    const settle = (r: Buffer | 'over' | 'gone') => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(r);
    };
    const onData = (c: Buffer) => {
      seen += c.length;
      if (seen > limit) {
        req.pause();
        return settle('over');
      }
      parts.push(c);
    };
    const onEnd = () => settle(Buffer.concat(parts, seen));
    const onClose = () => settle(req.complete ? Buffer.concat(parts, seen) : 'gone');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
