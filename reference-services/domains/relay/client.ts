// The relay domain is called by no other domain: it only consumes message.sent (relay.enqueue).
export type RelayClient = Record<string, never>;
