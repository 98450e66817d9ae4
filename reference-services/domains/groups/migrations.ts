export const migrations = [
  `CREATE TABLE IF NOT EXISTS groups.groups (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     description text,
     creator_id uuid NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS groups.group_members (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     group_id uuid NOT NULL REFERENCES groups.groups(id) ON DELETE CASCADE,
     user_id uuid NOT NULL,
     role text NOT NULL DEFAULT 'member',
     joined_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (group_id, user_id))`,
  `CREATE INDEX IF NOT EXISTS group_members_user ON groups.group_members (user_id)`,
  `CREATE TABLE IF NOT EXISTS groups.group_messages (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     group_id uuid NOT NULL REFERENCES groups.groups(id) ON DELETE CASCADE,
     sender_id uuid NOT NULL,
     encrypted_content text NOT NULL,
     encrypted_session_keys jsonb NOT NULL DEFAULT '{}'::jsonb,
     created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `CREATE INDEX IF NOT EXISTS group_messages_group ON groups.group_messages (group_id, created_at DESC)`,
];
