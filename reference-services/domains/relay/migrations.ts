export const migrations = [
  `CREATE TABLE IF NOT EXISTS relay.relay_messages (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     sender_id uuid NOT NULL,
     recipient_id uuid NOT NULL,
     message_id uuid UNIQUE,
     payload jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
     expires_at timestamptz NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS relay_recipient ON relay.relay_messages (recipient_id, created_at)`,
  `CREATE INDEX IF NOT EXISTS relay_expiry ON relay.relay_messages (expires_at)`,
];
