// One error type crosses every boundary: a domain throws it, the HTTP layer turns it into a
// status and JSON body, and the HTTP client turns that body back into the same error, so a
// 403 from a remote unit is a 403 to the caller, whatever the layout.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fields?: string[]) => new HttpError(400, 'bad_request', message, fields);
export const unauthorized = (message = 'authentication required') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'forbidden') => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
/** A user id in the request names no (active) account: 404 naming the field. */
export const noSuchUser = (field: string) => new HttpError(404, 'unknown_user', `${field}: no such user`, [field]);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);
