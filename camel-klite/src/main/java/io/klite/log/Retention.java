package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.locks.LockSupport;

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
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String SLOWEST_GROUP = "SELECT min(commit_offset) FROM consumer_offsets"
            + " WHERE topic = ? AND partition = ?";

    private final Database db;
    private final Catalog catalog;
    private final LogListeners listeners;

    Retention(Database db, Catalog catalog, LogListeners listeners) {
        this.db = db;
        this.catalog = catalog;
        this.listeners = listeners;
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
        for (int partition = 0; partition < partitions && !Thread.currentThread().isInterrupted(); partition++) {
            PartitionTable table = catalog.forRead(new TopicPartition(topic, partition));
            if (table != null) {
                deleted += apply(new TopicPartition(topic, partition), config, now);
            }
        }
        return deleted;
    }

    /**
     * Deletes the partition's chunks one after the other. After each full chunk the thread leaves the writer alone for
     * as long as the chunk took, so that it holds the writer at most about half the time: the sends that queued behind
     * a chunk commit before the next chunk, and a producer falls behind by one chunk at most, not by the whole
     * deletion. An interrupted thread stops after the chunk it is in.
     */
    private long apply(TopicPartition tp, TopicConfig config, Instant now) {
        PartitionTable table = catalog.table(tp);
        String cutoff = config.retentionAge() == null ? null : SQLITE_TIME.format(now.minus(config.retentionAge()));
        long deleted = 0;
        while (true) {
            long started = System.nanoTime();
            int chunk = table.write(db.deadline(), conn -> {
                long bound = bound(conn, tp, table, config, cutoff);
                return bound <= 0 ? 0 : table.deleteOldestIn(conn, bound);
            });
            deleted += chunk;
            if (chunk > 0) {
                listeners.retentionDeleted(tp.topic(), chunk);
            }
            if (chunk < CHUNK || !pause(System.nanoTime() - started)) {
                return deleted;
            }
        }
    }

    /**
     * Waits {@code nanos} without holding the writer. Without this pause the next chunk would take the lock the moment
     * it is free and run the sends that queued meanwhile in its own transaction: a producer would get one send in per
     * chunk, and fall behind by the whole deletion.
     *
     * @return false where the thread was interrupted (a cleaner being stopped)
     */
    private static boolean pause(long nanos) {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(left);
        }
        return !Thread.currentThread().isInterrupted();
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
