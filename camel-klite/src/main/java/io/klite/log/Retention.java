package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Deleting what a topic's {@link TopicConfig} no longer keeps, oldest first.
 *
 * <p>Invariants: only a prefix of a partition is ever deleted (the oldest messages), in transactions of at most
 * {@value #CHUNK} rows, so a producer waits for one chunk at most; each chunk decides its bound inside its own
 * transaction (the newest messages by count, a group's commit with {@code keepUnconsumed}, the age of the oldest
 * rows), so several processes may run it at once and each row is deleted once; offsets are never reused, as the
 * partition tables' {@code AUTOINCREMENT} sequence keeps the highest even when a partition is emptied, and a table
 * another program created without it keeps its newest row.
 */
final class Retention {

    /** The most rows one transaction deletes. */
    static final int CHUNK = 5000;
    private static final DateTimeFormatter SQLITE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String SLOWEST_GROUP = "SELECT min(commit_offset) FROM consumer_offsets"
            + " WHERE topic = ? AND partition = ?";

    private final Database db;
    private final Catalog catalog;

    Retention(Database db, Catalog catalog) {
        this.db = db;
        this.catalog = catalog;
    }

    /**
     * Deletes what the settings no longer keep from every partition of the topic.
     *
     * @return how many messages were deleted
     */
    long apply(String topic, TopicConfig config, Instant now) {
        if (!config.deletes()) {
            return 0;
        }
        long deleted = 0;
        int partitions = catalog.partitionCount(topic);
        for (int partition = 0; partition < partitions; partition++) {
            PartitionTable table = catalog.forRead(new TopicPartition(topic, partition));
            if (table != null) {
                deleted += apply(new TopicPartition(topic, partition), config, now);
            }
        }
        return deleted;
    }

    private long apply(TopicPartition tp, TopicConfig config, Instant now) {
        PartitionTable table = catalog.table(tp);
        String cutoff = config.retentionAge() == null ? null : SQLITE_TIME.format(now.minus(config.retentionAge()));
        long deleted = 0;
        while (true) {
            int chunk = table.write(db.deadline(), conn -> {
                long bound = bound(conn, tp, table, config, cutoff);
                return bound <= 0 ? 0 : table.deleteOldestIn(conn, bound);
            });
            deleted += chunk;
            if (chunk < CHUNK) {
                return deleted;
            }
        }
    }

    /**
     * The highest offset the settings let go now, 0 where none; read inside the deleting transaction. A message goes
     * where either limit lets it go (older than the age, or not among the newest {@code messages}), unless a group
     * still needs it ({@code keepUnconsumed}).
     */
    private static long bound(Conn conn, TopicPartition tp, PartitionTable table, TopicConfig config, String cutoff)
            throws SQLException {
        long newest = table.maxIdIn(conn);
        long bound = 0;
        if (config.retentionMessages() != null) {
            bound = Math.max(bound, newest - config.retentionMessages());
        }
        if (cutoff != null) {
            bound = Math.max(bound, table.oldestBeforeIn(conn, cutoff));
        }
        if (bound > 0 && !table.remembersEndIn(conn)) {
            // a table without AUTOINCREMENT would give its deleted offsets again: its newest row stays
            bound = Math.min(bound, newest - 1);
        }
        if (bound > 0 && config.keepUnconsumed()) {
            PreparedStatement statement = conn.prepare(SLOWEST_GROUP);
            statement.setString(1, tp.topic());
            statement.setInt(2, tp.partition());
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    long slowest = rs.getLong(1);
                    if (!rs.wasNull()) {
                        bound = Math.min(bound, slowest);
                    }
                }
            }
        }
        return Math.max(bound, 0);
    }
}
