package io.klite.log;

import io.klite.log.Catalog.PartitionState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Consumer groups' progress: the {@code consumer_offsets} table, where {@code commit_offset} is the offset of the
 * last message a group processed on a partition.
 *
 * <p>Invariants: a commit never moves a group backwards and never past the partition's end; the end is read in
 * the same {@code BEGIN IMMEDIATE} transaction that writes the commit, so no writer can slip in between. Only a
 * reset moves a group back. A commit on a topic that does not exist, or a partition beyond its count, writes
 * nothing. A commit deletes the group's failed-delivery rows it passes (a reset all of the partition's) in the same
 * transaction, so a count of attempts never outlives its message. A reset of several partitions is one transaction
 * that also decides whether live members consume the topic, so no member joins between the check and the write.
 */
final class ConsumerOffsets {

    private static final String UPSERT_OFFSET = "INSERT INTO consumer_offsets"
            + " (consumer_group, topic, partition, commit_offset, updated_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)"
            + " ON CONFLICT (consumer_group, topic, partition) DO UPDATE"
            + " SET commit_offset = excluded.commit_offset, updated_at = excluded.updated_at";
    private static final String COMMIT_FORWARD = UPSERT_OFFSET
            + " WHERE excluded.commit_offset > consumer_offsets.commit_offset";
    private static final String DELETE_GROUP = "DELETE FROM consumer_offsets WHERE consumer_group = ?";
    private static final String GROUPS = "SELECT consumer_group, topic, partition, commit_offset"
            + " FROM consumer_offsets ORDER BY consumer_group, topic, partition";

    private final Database db;
    private final Catalog catalog;

    ConsumerOffsets(Database db, Catalog catalog) {
        this.db = db;
        this.catalog = catalog;
    }

    void commit(String group, TopicPartition tp, long offset) {
        store(group, tp, offset, false, null);
    }

    /** A commit that is refused where {@code memberId} does not hold the partition's lease (fencing). */
    void commit(String group, TopicPartition tp, long offset, String memberId) {
        store(group, tp, offset, false, Objects.requireNonNull(memberId, "memberId"));
    }

    /** See {@link KliteLog#commitEndIfAbsent}. */
    long commitEndIfAbsent(String group, TopicPartition tp) {
        validateGroup(group);
        long deadline = db.deadline();
        PartitionState state = catalog.prepareForRead(tp, deadline);
        if (state == PartitionState.UNKNOWN_TOPIC) {
            throw new UnknownTopicException("Cannot start group '" + group + "' at the end of " + tp + ": topic '"
                    + tp.topic() + "' does not exist");
        }
        return catalog.table(tp).write(deadline, conn -> {
            PreparedStatement statement = conn.prepare(PartitionTable.COMMITTED);
            statement.setString(1, group);
            statement.setString(2, tp.topic());
            statement.setInt(3, tp.partition());
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
            boolean exists = state == PartitionState.READY
                    || TableScan.ofTopic(conn, tp.topic()).hasTable(tp.topic(), tp.partition());
            long end = exists ? catalog.table(tp).endOffset(conn) : 0;
            upsert(conn, group, tp, end, false);
            return end;
        });
    }

    void reset(String group, TopicPartition tp, long offset) {
        store(group, tp, offset, true, null);
    }

    /**
     * Sets the group's committed offsets on several partitions of a topic in one transaction, refused where live
     * members of the group consume the topic unless {@code force}, which deletes those partitions' leases in it; see
     * {@link KliteLog#resetOffsets}.
     *
     * @return the committed offset each partition had before, 0 where the group had none, by partition
     */
    Map<Integer, Long> reset(String group, String topic, Map<Integer, Long> committedOffsets, boolean force) {
        validateGroup(group);
        TopicPartition.validateTopic(topic);
        Objects.requireNonNull(committedOffsets, "committedOffsets");
        if (committedOffsets.isEmpty()) {
            throw new IllegalArgumentException("Cannot reset the offsets of group '" + group + "' on topic '" + topic
                    + "': no partition given; give at least one partition and its offset");
        }
        long deadline = db.deadline();
        // partition -> whether its table is known to exist with Klite's columns
        Map<Integer, Boolean> ready = new TreeMap<>();
        for (Map.Entry<Integer, Long> entry : new TreeMap<>(committedOffsets).entrySet()) {
            TopicPartition tp = new TopicPartition(topic, entry.getKey());
            Objects.requireNonNull(entry.getValue(), () -> "the offset of partition " + tp.partition());
            PartitionState state = catalog.prepareForRead(tp, deadline);
            if (state == PartitionState.UNKNOWN_TOPIC) {
                throw new UnknownTopicException("Cannot reset the offsets of group '" + group + "' on topic '" + topic
                        + "': the topic does not exist");
            }
            ready.put(tp.partition(), state == PartitionState.READY);
        }
        return db.write(deadline, conn -> {
            if (!force) {
                GroupLeases.refuseResetWhileLiveIn(conn, group, topic);
            }
            Map<Integer, Long> before = new TreeMap<>();
            for (Map.Entry<Integer, Boolean> partition : ready.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, partition.getKey());
                before.put(tp.partition(), committedIn(conn, group, tp));
                storeIn(conn, group, tp, partition.getValue(), committedOffsets.get(tp.partition()), true);
            }
            if (force) {
                GroupLeases.revokeIn(conn, group, topic, ready.keySet());
            }
            return before;
        });
    }

    /** The group's committed offset on the partition, or empty where it has never committed there. */
    OptionalLong committed(String group, TopicPartition tp) {
        validateGroup(group);
        if (catalog.prepareForRead(tp, db.deadline()) == PartitionState.UNKNOWN_TOPIC) {
            return OptionalLong.empty();
        }
        return db.read(conn -> {
            PreparedStatement statement = conn.prepare(PartitionTable.COMMITTED);
            statement.setString(1, group);
            statement.setString(2, tp.topic());
            statement.setInt(3, tp.partition());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    /** A group's committed offset on a partition, as the {@code consumer_offsets} table holds it. */
    record Committed(String group, String topic, int partition, long offset) {
    }

    /**
     * Every group's committed offset per partition, with the partition's end offset and the lag, read in one read
     * transaction: a partition whose table another process drops meanwhile has its end offset of before or 0.
     */
    List<GroupOffset> groups() {
        return db.readTransaction(conn -> {
            // end offsets only once the rows are read: each prepares statements of its own
            List<Committed> committed = committedIn(conn);
            TableScan scan = TableScan.all(conn);
            List<GroupOffset> groups = new ArrayList<>(committed.size());
            for (Committed c : committed) {
                long end = scan.hasTable(c.topic(), c.partition())
                        ? catalog.table(new TopicPartition(c.topic(), c.partition())).endOffset(conn) : 0;
                groups.add(new GroupOffset(c.group(), c.topic(), c.partition(), c.offset(), end));
            }
            return groups;
        });
    }

    /** Every committed offset, by group, topic and partition, read inside other work. */
    static List<Committed> committedIn(Conn conn) throws SQLException {
        List<Committed> committed = new ArrayList<>();
        try (ResultSet rs = conn.prepare(GROUPS).executeQuery()) {
            while (rs.next()) {
                committed.add(new Committed(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
            }
        }
        return committed;
    }

    /**
     * Forgets the group: its committed offsets on every partition, its failed-delivery rows, its members and partition
     * leases, in one transaction.
     *
     * @return how many partitions' committed offsets were removed
     */
    int delete(String group) {
        validateGroup(group);
        return db.write(conn -> {
            GroupLeases.refuseWhileLiveIn(conn, group);
            PreparedStatement offsets = conn.prepare(DELETE_GROUP);
            offsets.setString(1, group);
            int removed = offsets.executeUpdate();
            DeliveryAttemptsTable.deleteGroup(conn, group);
            GroupLeases.deleteGroupIn(conn, group);
            return removed;
        });
    }

    private void store(String group, TopicPartition tp, long offset, boolean reset, String fencedBy) {
        validateGroup(group);
        long deadline = db.deadline();
        PartitionState state = catalog.prepareForRead(tp, deadline);
        if (state == PartitionState.UNKNOWN_TOPIC) {
            throw new UnknownTopicException("Cannot commit offset " + offset + " for group '" + group + "' on " + tp
                    + ": topic '" + tp.topic() + "' does not exist");
        }
        catalog.table(tp).write(deadline, conn -> {
            if (fencedBy != null) {
                GroupLeases.requireLeaseIn(conn, group, tp, fencedBy, offset);
            }
            storeIn(conn, group, tp, state == PartitionState.READY, offset, reset);
            return null;
        });
    }

    /**
     * Commits (or with {@code reset}, sets) the group's offset inside the write transaction of {@link #store}, checking
     * it against the partition's end, and deletes the failed-delivery rows it passes.
     *
     * @param ready whether the partition's table is known to exist with Klite's columns
     */
    private void storeIn(Conn conn, String group, TopicPartition tp, boolean ready, long offset, boolean reset)
            throws SQLException {
        // whether the table exists is decided again inside the transaction: it may have been created since
        boolean exists = ready || TableScan.ofTopic(conn, tp.topic()).hasTable(tp.topic(), tp.partition());
        long end = exists ? catalog.table(tp).endOffset(conn) : 0;
        if (offset < 0 || offset > end) {
            throw new InvalidOffsetException("Cannot commit offset " + offset + " for group '" + group + "' on "
                    + tp + ": an offset is that of the last message processed, 0.." + end
                    + " (the partition's end offset is " + end + ")");
        }
        upsert(conn, group, tp, offset, reset);
    }

    /**
     * Commits the group past a message it has just read, inside a write transaction the caller runs, and deletes the
     * failed-delivery rows the commit passes: the offset of a message read from the partition is within its end, so
     * the end is not read again.
     */
    void commitReadIn(Conn conn, String group, TopicPartition tp, long offsetOfReadMessage) throws SQLException {
        upsert(conn, group, tp, offsetOfReadMessage, false);
    }

    private static void upsert(Conn conn, String group, TopicPartition tp, long offset, boolean reset)
            throws SQLException {
        PreparedStatement statement = conn.prepare(reset ? UPSERT_OFFSET : COMMIT_FORWARD);
        statement.setString(1, group);
        statement.setString(2, tp.topic());
        statement.setInt(3, tp.partition());
        statement.setLong(4, offset);
        statement.executeUpdate();
        DeliveryAttemptsTable.deleteCommitted(conn, group, tp, offset, reset);
    }

    /** The group's committed offset, read inside a transaction the caller runs; 0 where it has none. */
    static long committedIn(Conn conn, String group, TopicPartition tp) throws SQLException {
        PreparedStatement statement = conn.prepare(PartitionTable.COMMITTED);
        statement.setString(1, group);
        statement.setString(2, tp.topic());
        statement.setInt(3, tp.partition());
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static void validateGroup(String group) {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("Invalid consumer group " + (group == null ? "null" : "'" + group + "'")
                    + ": a group name must not be empty or blank");
        }
    }
}
