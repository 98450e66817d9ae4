export interface GroupsClient {
  /** groups.list-members: the user ids of a group's members (empty if the group is gone). */
  listMembers(groupId: string): Promise<string[]>;
}
