-- Idempotency keys of sends (Klite's own table, beside the seed's): a send with a key stored here, whose fingerprint
-- matches and whose expires_at (epoch ms) has not passed, answers the stored result and writes nothing. Written in
-- the same transaction as the send's messages; the retention cleaner deletes expired rows.
CREATE TABLE IF NOT EXISTS klite_idempotency_keys (
  idempotency_key TEXT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  count INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS klite_idempotency_keys_by_expiry ON klite_idempotency_keys (expires_at)
