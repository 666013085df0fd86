-- Consumer instances of a group on a topic, across processes (DESIGN §9). Times are milliseconds since the epoch
-- by the clock of the machine that shares the file; a member whose heartbeat_at is older than its own
-- session_timeout_ms is dead. assigned: the partitions it was given by hand ('0,1'), or '' where it takes its share
-- (range assignment over the live members with '').
CREATE TABLE IF NOT EXISTS klite_members (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  member_id TEXT NOT NULL,
  description TEXT NOT NULL,
  assigned TEXT NOT NULL,
  session_timeout_ms INTEGER NOT NULL,
  joined_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, member_id)
)
