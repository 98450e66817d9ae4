export interface GroupMessage {
  id: string;
  groupId: string;
  senderId: string;
  createdAt: string;
}

/**
 * No other domain calls messages directly: groups hand their posts over by an event
 * (group.message-stored → messages.deliver-group, which emits group.message-posted).
 */
export type MessagesClient = Record<string, never>;
