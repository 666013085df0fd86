package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code klite_delivery_attempts} table: failed deliveries each group has not committed past yet, so that a
 * restart, or another process, continues a message's count of attempts rather than starting it again.
 *
 * <p>Invariants: one row per group, partition and first offset of the failing message (batch); an attempt is recorded
 * by its number and the count only grows ({@code max}), so an attempt recorded as it starts and again as it fails
 * counts once; an attempt recorded as it starts never replaces the row's last error and its time, so these stay
 * those of the latest failure (a new row's error says what it means if the process stops during the attempt); a commit deletes the rows it passes, and a reset every row of the group's partition, in the commit's own
 * transaction ({@link #DELETE_UP_TO}, {@link #DELETE_ALL}); deleting the group deletes all of its rows.
 */
final class DeliveryAttemptsTable {

    static final String DDL = Catalog.resource("delivery_attempts.sql");
    private static final String COLUMNS = "SELECT consumer_group, topic, partition, first_offset, last_offset,"
            + " attempts, last_error, first_failed_at, last_failed_at FROM klite_delivery_attempts";
    private static final String ATTEMPTED = "INSERT INTO klite_delivery_attempts (consumer_group, topic, partition,"
            + " first_offset, last_offset, attempts, last_error, first_failed_at, last_failed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8)"
            + " ON CONFLICT (consumer_group, topic, partition, first_offset) DO UPDATE"
            + " SET attempts = max(attempts, excluded.attempts), last_offset = excluded.last_offset,"
            + " last_error = excluded.last_error, last_failed_at = excluded.last_failed_at"
            + " RETURNING attempts";
    /**
     * {@link #ATTEMPTED} for an attempt counted as it starts: a new row takes the given error (what it means if the
     * process stops during the attempt); an existing one keeps its last error and its time, those of a failure.
     */
    private static final String STARTED = "INSERT INTO klite_delivery_attempts (consumer_group, topic, partition,"
            + " first_offset, last_offset, attempts, last_error, first_failed_at, last_failed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8)"
            + " ON CONFLICT (consumer_group, topic, partition, first_offset) DO UPDATE"
            + " SET attempts = max(attempts, excluded.attempts), last_offset = excluded.last_offset"
            + " RETURNING attempts";
    private static final String OF_TOPIC = COLUMNS + " WHERE consumer_group = ? AND topic = ?"
            + " ORDER BY partition, first_offset";
    private static final String ALL = COLUMNS + " ORDER BY consumer_group, topic, partition, first_offset";
    /** Parameters: group, topic, partition, committed offset. */
    static final String DELETE_UP_TO = "DELETE FROM klite_delivery_attempts"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ? AND first_offset <= ?";
    private static final String DELETE_GROUP = "DELETE FROM klite_delivery_attempts WHERE consumer_group = ?";
    /** Parameters: group, topic, partition. */
    static final String DELETE_ALL = "DELETE FROM klite_delivery_attempts"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";

    private final Database db;
    private final Catalog catalog;

    DeliveryAttemptsTable(Database db, Catalog catalog) {
        this.db = db;
        this.catalog = catalog;
    }

    /**
     * Records attempt number {@code attempt} of the message (batch) {@code first..last} of the partition to the
     * group: its count becomes at least {@code attempt}, so recording the same attempt twice (as it starts, then as
     * it fails) counts it once.
     *
     * @param started whether the attempt is recorded as it starts: then an existing row keeps its last error and
     *                its time
     * @return the attempts the row holds now
     */
    int attempted(String group, TopicPartition tp, long first, long last, int attempt, String error,
            boolean started) {
        ConsumerOffsets.validateGroup(group);
        if (attempt < 1 || first < 1 || last < first) {
            throw new IllegalArgumentException("Invalid attempt " + attempt + " of offsets " + first + ".." + last
                    + " of " + tp + ": attempts are numbered from 1, offsets from 1, the last not before the first");
        }
        long deadline = db.deadline();
        if (catalog.prepareForRead(tp, deadline) != Catalog.PartitionState.READY) {
            throw new UnknownTopicException("Cannot count attempt " + attempt + " of offsets " + first + ".." + last
                    + " of " + tp + ": the partition holds no messages");
        }
        String now = text(Instant.now());
        return catalog.table(tp).write(deadline, conn -> {
            PreparedStatement statement = conn.prepare(started ? STARTED : ATTEMPTED);
            statement.setString(1, group);
            statement.setString(2, tp.topic());
            statement.setInt(3, tp.partition());
            statement.setLong(4, first);
            statement.setLong(5, last);
            statement.setInt(6, attempt);
            statement.setString(7, error);
            statement.setString(8, now);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** The group's pending failures on the topic, by partition and offset. */
    List<DeliveryAttempts> ofTopic(String group, String topic) {
        ConsumerOffsets.validateGroup(group);
        return db.read(conn -> {
            PreparedStatement statement = conn.prepare(OF_TOPIC);
            statement.setString(1, group);
            statement.setString(2, topic);
            return rows(statement);
        });
    }

    /** Every group's pending failures. */
    List<DeliveryAttempts> all() {
        return db.read(DeliveryAttemptsTable::allIn);
    }

    /** Every group's pending failures, read inside other work. */
    static List<DeliveryAttempts> allIn(Conn conn) throws SQLException {
        return rows(conn.prepare(ALL));
    }

    /** Deletes the rows a commit (or, with {@code reset}, a reset) of the group's partition passes. */
    static void deleteCommitted(Conn conn, String group, TopicPartition tp, long offset, boolean reset)
            throws SQLException {
        PreparedStatement statement = conn.prepare(reset ? DELETE_ALL : DELETE_UP_TO);
        statement.setString(1, group);
        statement.setString(2, tp.topic());
        statement.setInt(3, tp.partition());
        if (!reset) {
            statement.setLong(4, offset);
        }
        statement.executeUpdate();
    }

    /** Deletes every row of the group, inside the transaction of {@link ConsumerOffsets#delete}. */
    static void deleteGroup(Conn conn, String group) throws SQLException {
        PreparedStatement statement = conn.prepare(DELETE_GROUP);
        statement.setString(1, group);
        statement.executeUpdate();
    }

    /** A time as the table stores it: ISO-8601 UTC with milliseconds. */
    static String text(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static List<DeliveryAttempts> rows(PreparedStatement statement) throws SQLException {
        List<DeliveryAttempts> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                rows.add(new DeliveryAttempts(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5), rs.getInt(6), rs.getString(7), instant(rs.getString(8)),
                        instant(rs.getString(9))));
            }
        }
        return rows;
    }

    /** A stored time, or null where another program wrote something else. */
    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
