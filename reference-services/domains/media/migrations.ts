// media_objects stands in for the object store's index (MinIO in the microservices layout):
// the bytes live in a local object directory, one file per object key.
export const migrations = [
  `CREATE TABLE IF NOT EXISTS media.media_objects (
     key text PRIMARY KEY,
     size bigint NOT NULL,
     sha256 text NOT NULL,
     storage text NOT NULL DEFAULT 'local',
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS media.media_attachments (
     id uuid PRIMARY KEY,
     owner_id uuid NOT NULL,
     message_id uuid,
     file_name text NOT NULL,
     file_type text NOT NULL,
     file_size bigint NOT NULL,
     file_url text NOT NULL REFERENCES media.media_objects(key),
     thumbnail_url text,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS media_attachments_owner ON media.media_attachments (owner_id)`,
  // Who else may read an attachment: the recipients of the messages it was attached to.
  `CREATE TABLE IF NOT EXISTS media.media_grants (
     media_id uuid NOT NULL REFERENCES media.media_attachments(id) ON DELETE CASCADE,
     user_id uuid NOT NULL,
     granted_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (media_id, user_id))`,
];
