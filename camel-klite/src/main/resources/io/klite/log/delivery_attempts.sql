-- Failed deliveries still pending, per consumer group: Klite's own table, beside the seed's.
-- first_offset..last_offset is the message (or batch) that failed; attempts counts its failed deliveries.
-- A row goes when the group commits past first_offset (or is reset); times are ISO-8601 UTC text.
CREATE TABLE IF NOT EXISTS klite_delivery_attempts (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  first_failed_at TEXT NOT NULL,
  last_failed_at TEXT NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition, first_offset)
)
