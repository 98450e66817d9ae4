export interface UsersClient {
  /** users.check-contact: are a and b each other's contacts (both added the other)? */
  checkContact(a: string, b: string): Promise<boolean>;
  /** users.set-presence: online flag and last-seen time, from the realtime domain. */
  setPresence(userId: string, online: boolean): Promise<void>;
}
