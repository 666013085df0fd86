-- Which member of a group consumes a partition (DESIGN §9): at most one row per partition; a lease whose
-- expires_at (milliseconds since the epoch) has passed is free to take.
CREATE TABLE IF NOT EXISTS klite_partition_leases (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  member_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition)
)
