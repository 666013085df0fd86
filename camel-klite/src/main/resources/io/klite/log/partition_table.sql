-- One table per topic-partition, named <topic>_<partition>: the seed klite's columns, plus Klite's two nullable
-- columns key and headers (added to tables other programs created without them).
-- {table} is replaced by the quoted name of a validated TopicPartition; nothing else is ever substituted.
CREATE TABLE IF NOT EXISTS {table} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data BLOB NOT NULL,
  created DATETIME DEFAULT CURRENT_TIMESTAMP,
  key TEXT,
  headers TEXT
)
