export interface UsersClient {
  /** users.check-contact: is b a contact of a (either direction)? */
  checkContact(a: string, b: string): Promise<boolean>;
  /** users.set-presence: online flag and last-seen time, from the realtime domain. */
  setPresence(userId: string, online: boolean): Promise<void>;
}
