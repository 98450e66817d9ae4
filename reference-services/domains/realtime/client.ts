// No other domain calls realtime directly: it consumes message.sent (realtime.broadcast) and
// group.message-posted (realtime.broadcast-group) and pushes them to connected sockets.
export type RealtimeClient = Record<string, never>;
