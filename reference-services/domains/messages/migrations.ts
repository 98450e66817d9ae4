export const migrations = [
  `CREATE TABLE IF NOT EXISTS messages.messages (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     sender_id uuid NOT NULL,
     recipient_id uuid NOT NULL,
     encrypted_content text NOT NULL,
     encrypted_session_key text NOT NULL,
     crypto_version text NOT NULL DEFAULT '1',
     encryption_algorithm text NOT NULL DEFAULT 'x25519-aes-256-gcm',
     media_ids uuid[] NOT NULL DEFAULT '{}',
     is_read boolean NOT NULL DEFAULT false,
     read_at timestamptz,
     deleted_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `CREATE INDEX IF NOT EXISTS messages_pair ON messages.messages (LEAST(sender_id, recipient_id), GREATEST(sender_id, recipient_id), created_at DESC)`,
];
