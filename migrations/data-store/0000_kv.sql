-- A key-value store's one table (kind "kv" only; a "sqlite" store holds only its user's tables).
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
