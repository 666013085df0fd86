-- Idempotency keys of sends (Klite's own table, beside the seed's): a send with a key stored here, whose fingerprint
-- matches and whose expires_at (epoch ms) has not passed, answers the stored result and writes nothing. Written in
-- the same transaction as the send's messages, in rowid order; the retention cleaner deletes the oldest rows while
-- they have expired (no index on expires_at: one B-tree less to write on every send).
CREATE TABLE IF NOT EXISTS klite_idempotency_keys (
  idempotency_key TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  count INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)
