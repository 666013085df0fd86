-- Per-topic settings every process on the file shares: Klite's own table, beside the seed's.
-- NULL retention_ms / retention_messages: no limit; retention_keep_unconsumed 1: never past the slowest group.
CREATE TABLE IF NOT EXISTS klite_topic_config (
  topic TEXT NOT NULL PRIMARY KEY,
  retention_ms INTEGER,
  retention_messages INTEGER,
  retention_keep_unconsumed INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
)
