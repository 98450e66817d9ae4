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
