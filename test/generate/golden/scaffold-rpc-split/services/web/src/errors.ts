// The errors handlers and clients throw; app.ts maps them to HTTP answers.

/** An operation with no implementation yet: 501. */
export class NotImplemented extends Error {
  constructor(
    readonly operation: string,
    detail?: string,
  ) {
    super(detail ? `${operation} is not implemented: ${detail}` : `${operation} is not implemented`);
    this.name = 'NotImplemented';
  }
}

/** A call to another unit that failed: 503 when it could not be reached, 502 when it answered an error. */
export class RemoteError extends Error {
  constructor(
    readonly statusCode: number,
    readonly operation: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}
