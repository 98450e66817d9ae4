// What other domains may ask of auth. Implemented in-process by the auth service, or over
// HTTP (POST /internal/auth/<op>) when auth runs in another unit.
export interface Principal {
  userId: string;
  username: string;
  /** The access token's id and expiry (epoch seconds), so logout can revoke exactly it. */
  tokenId?: string;
  expiresAt?: number;
}

export interface AuthClient {
  /** auth.verify-token: signature, type and expiry of an access token; 401 if any is wrong. */
  verifyToken(token: string): Promise<Principal>;
  /**
   * auth.create-user: the account of an accepted invitation (no password until the user sets
   * one). 409 if the address already has an account: an invitation never touches an existing one.
   */
  createUser(input: { email: string }): Promise<{ id: string; username: string }>;
  /** auth.user-exists: is there an active account with this id? (relay and notifications refuse envelopes for anyone else) */
  userExists(userId: string): Promise<boolean>;
}
