export const migrations = [
  `CREATE TABLE IF NOT EXISTS auth.users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     email text NOT NULL UNIQUE,
     username text NOT NULL UNIQUE,
     password_hash text,
     public_keys jsonb NOT NULL DEFAULT '{}'::jsonb,
     is_active boolean NOT NULL DEFAULT true,
     is_verified boolean NOT NULL DEFAULT false,
     role text NOT NULL DEFAULT 'user',
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS auth.deleted_users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     user_id uuid NOT NULL,
     email text NOT NULL,
     reason text,
     deleted_at timestamptz NOT NULL DEFAULT now())`,
  // Refresh tokens: one row per issued token (its jti), revoked on logout or rotation.
  `CREATE TABLE IF NOT EXISTS auth.sessions (
     jti uuid PRIMARY KEY,
     user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     revoked_at timestamptz)`,
  `CREATE INDEX IF NOT EXISTS sessions_user ON auth.sessions (user_id)`,
  // Access tokens revoked by logout, kept until they would have expired anyway.
  `CREATE TABLE IF NOT EXISTS auth.revoked_tokens (
     jti uuid PRIMARY KEY,
     expires_at timestamptz NOT NULL,
     revoked_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  `CREATE INDEX IF NOT EXISTS revoked_tokens_at ON auth.revoked_tokens (revoked_at)`,
];
