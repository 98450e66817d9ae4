// The outbox: every notification, its delivery attempts and their outcome. (event_id,
// channel, recipient) is unique so a redelivered event records nothing twice.
export const migrations = [
  `CREATE TABLE IF NOT EXISTS notifications.email_queue (
     id bigserial PRIMARY KEY,
     event_id uuid,
     event text NOT NULL,
     channel text NOT NULL CHECK (channel IN ('email', 'push')),
     recipient text NOT NULL,
     subject text NOT NULL,
     payload jsonb NOT NULL DEFAULT '{}'::jsonb,
     requested_by uuid,
     status text NOT NULL DEFAULT 'queued',
     attempts int NOT NULL DEFAULT 0,
     last_attempt_at timestamptz,
     outcome text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (event_id, channel, recipient))`,
  // Each user's own address, from user.registered: the only address the email route sends to.
  `CREATE TABLE IF NOT EXISTS notifications.addresses (
     user_id uuid PRIMARY KEY,
     email text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,
];
