// No other domain calls notifications directly: it consumes events (notifications.notify).
export type NotificationsClient = Record<string, never>;
