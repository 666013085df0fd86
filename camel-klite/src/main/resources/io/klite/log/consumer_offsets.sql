-- Committed offsets of every consumer group: the seed klite's table, unchanged.
-- commit_offset is the offset of the LAST message the group processed; a fetch returns id > commit_offset.
CREATE TABLE IF NOT EXISTS consumer_offsets (
  consumer_group VARCHAR NOT NULL,
  topic VARCHAR NOT NULL,
  partition INTEGER NOT NULL,
  commit_offset INTEGER NOT NULL,
  updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (consumer_group, topic, partition)
)
