export const migrations = [
  `CREATE TABLE IF NOT EXISTS realtime.websocket_connections (
     id uuid PRIMARY KEY,
     user_id uuid NOT NULL,
     unit text NOT NULL,
     pid int NOT NULL,
     connected_at timestamptz NOT NULL DEFAULT now(),
     disconnected_at timestamptz)`,
  `CREATE INDEX IF NOT EXISTS websocket_connections_user ON realtime.websocket_connections (user_id) WHERE disconnected_at IS NULL`,
];
