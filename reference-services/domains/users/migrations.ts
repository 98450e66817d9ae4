export const migrations = [
  `CREATE TABLE IF NOT EXISTS users.user_profiles (
     user_id uuid PRIMARY KEY,
     username text NOT NULL,
     full_name text,
     avatar_url text,
     bio text,
     online boolean NOT NULL DEFAULT false,
     last_seen timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS user_profiles_username ON users.user_profiles (lower(username) text_pattern_ops)`,
  `CREATE TABLE IF NOT EXISTS users.contacts (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     user_id uuid NOT NULL,
     contact_user_id uuid NOT NULL,
     status text NOT NULL DEFAULT 'accepted',
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, contact_user_id))`,
  `CREATE INDEX IF NOT EXISTS contacts_reverse ON users.contacts (contact_user_id, user_id)`,
  `CREATE TABLE IF NOT EXISTS users.invitations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     inviter_id uuid NOT NULL,
     invitee_email text NOT NULL,
     token text NOT NULL UNIQUE,
     status text NOT NULL DEFAULT 'pending',
     accepted_user_id uuid,
     expires_at timestamptz NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  // sha256 of the account's address (from user.registered): lets invitations skip registered
  // addresses without this domain keeping anyone's email.
  `ALTER TABLE users.user_profiles ADD COLUMN IF NOT EXISTS email_sha256 text`,
  `CREATE INDEX IF NOT EXISTS user_profiles_email ON users.user_profiles (email_sha256)`,
];
