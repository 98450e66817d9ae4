export interface GroupMessage {
  id: string;
  groupId: string;
  senderId: string;
  createdAt: string;
}

export interface MessagesClient {
  /** messages.deliver-group: fan a group message out to its members (emits group.message-posted). */
  deliverGroup(message: GroupMessage, memberIds: string[]): Promise<{ recipients: number }>;
}
