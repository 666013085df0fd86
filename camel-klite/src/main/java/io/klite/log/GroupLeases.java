package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Membership and partition leases of consumer groups across processes (DESIGN §9): the {@code klite_members} and
 * {@code klite_partition_leases} tables.
 *
 * <p>Invariants: at most one lease row per group, topic and partition; a lease is taken only where there is none, it
 * has expired, or the taker holds it already, decided inside the taking transaction ({@code BEGIN IMMEDIATE}), so two
 * members never both succeed; a heartbeat extends every lease of its member in the transaction that records it, so a
 * member whose heartbeats fail loses its leases no later than its session timeout after the last one that
 * succeeded; a fenced commit ({@link ConsumerOffsets}) checks the lease in the commit's own transaction. Times are the
 * machine's clock in milliseconds, shared by the processes on the file.
 */
final class GroupLeases {

    static final String MEMBERS_DDL = Catalog.resource("members.sql");
    static final String LEASES_DDL = Catalog.resource("partition_leases.sql");

    private static final String HEARTBEAT = "INSERT INTO klite_members (consumer_group, topic, member_id, description,"
            + " assigned, session_timeout_ms, joined_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?7)"
            + " ON CONFLICT (consumer_group, topic, member_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,"
            + " description = excluded.description, assigned = excluded.assigned,"
            + " session_timeout_ms = excluded.session_timeout_ms";
    private static final String EXTEND = "UPDATE klite_partition_leases SET expires_at = ?"
            + " WHERE consumer_group = ? AND topic = ? AND member_id = ? AND expires_at > ? RETURNING partition";
    /** Members dead past their session timeout, and leases expired, of the group on the topic: gone at a heartbeat. */
    private static final String FORGET_DEAD = "DELETE FROM klite_members WHERE consumer_group = ? AND topic = ?"
            + " AND heartbeat_at + session_timeout_ms <= ?";
    private static final String FORGET_EXPIRED = "DELETE FROM klite_partition_leases WHERE consumer_group = ?"
            + " AND topic = ? AND expires_at <= ?";
    private static final String MEMBERS = "SELECT consumer_group, topic, member_id, description, assigned,"
            + " session_timeout_ms, joined_at, heartbeat_at FROM klite_members WHERE heartbeat_at + session_timeout_ms > ?";
    private static final String LIVE_MEMBERS = MEMBERS + " AND consumer_group = ? AND topic = ?"
            + " ORDER BY member_id";
    private static final String ALL_LIVE_MEMBERS = MEMBERS + " ORDER BY consumer_group, topic, member_id";
    private static final String HELD = "SELECT consumer_group, topic, member_id, partition FROM klite_partition_leases"
            + " WHERE expires_at > ?";
    private static final String HELD_IN_GROUP = HELD + " AND consumer_group = ? AND topic = ?";
    private static final String LEASE = "SELECT member_id, expires_at FROM klite_partition_leases"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";
    private static final String TAKE = "INSERT INTO klite_partition_leases (consumer_group, topic, partition,"
            + " member_id, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (consumer_group, topic, partition)"
            + " DO UPDATE SET member_id = excluded.member_id, expires_at = excluded.expires_at";
    private static final String RELEASE = "DELETE FROM klite_partition_leases"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ? AND member_id = ?";
    private static final String RELEASE_ALL = "DELETE FROM klite_partition_leases"
            + " WHERE consumer_group = ? AND topic = ? AND member_id = ?";
    private static final String LEAVE = "DELETE FROM klite_members"
            + " WHERE consumer_group = ? AND topic = ? AND member_id = ?";
    private static final String LEASES = "SELECT partition, member_id, expires_at FROM klite_partition_leases"
            + " WHERE consumer_group = ? AND topic = ? ORDER BY partition";
    private static final String ALL_LEASES = "SELECT consumer_group, topic, partition, member_id, expires_at"
            + " FROM klite_partition_leases ORDER BY consumer_group, topic, partition";

    private final Database db;

    GroupLeases(Database db) {
        this.db = db;
    }

    /**
     * Records the member's heartbeat (registering it where new) and extends its unexpired leases to
     * {@code now + sessionTimeout}, in one transaction; members of the group on the topic dead past their own session
     * timeout, and expired leases, are forgotten in it.
     *
     * @param assigned the partitions given to the member by hand, or empty where it takes its share
     * @return the partitions whose leases it still holds, in order
     */
    List<Integer> heartbeat(String group, String topic, String memberId, String description, List<Integer> assigned,
            Duration sessionTimeout) {
        check(group, topic, memberId, sessionTimeout);
        Objects.requireNonNull(assigned, "assigned (empty where the member takes its share)");
        assigned.forEach(partition -> Limits.partition("Invalid assigned partition for topic '" + topic + "': ",
                partition));
        String assignedText = assigned.stream().map(String::valueOf).collect(Collectors.joining(","));
        return db.write(conn -> {
            // the time once the write lock is held: a lease that expired while the heartbeat waited is not renewed
            long now = System.currentTimeMillis();
            for (String sql : List.of(FORGET_DEAD, FORGET_EXPIRED)) {
                PreparedStatement forget = conn.prepare(sql);
                bindMember(forget, group, topic, now);
                forget.executeUpdate();
            }
            PreparedStatement beat = conn.prepare(HEARTBEAT);
            bindMember(beat, group, topic, memberId);
            beat.setString(4, description == null ? "" : description);
            beat.setString(5, assignedText);
            beat.setLong(6, sessionTimeout.toMillis());
            beat.setLong(7, now);
            beat.executeUpdate();
            PreparedStatement extend = conn.prepare(EXTEND);
            extend.setLong(1, now + sessionTimeout.toMillis());
            extend.setString(2, group);
            extend.setString(3, topic);
            extend.setString(4, memberId);
            extend.setLong(5, now);
            List<Integer> held = new ArrayList<>();
            try (ResultSet rs = extend.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getInt(1));
                }
            }
            held.sort(null);
            return held;
        });
    }

    /**
     * The group's members on the topic whose last heartbeat is within their own session timeout, by member id, each
     * with the partitions it holds.
     */
    List<Member> liveMembers(String group, String topic) {
        check(group, topic, "-", Duration.ofMillis(1));
        return members(LIVE_MEMBERS, group, topic);
    }

    /** Every live member of every group, by group, topic and member id, each with the partitions it holds. */
    List<Member> liveMembers() {
        long now = System.currentTimeMillis();
        return db.read(conn -> liveMembersIn(conn, now));
    }

    /** {@link #liveMembers()} as of {@code now} (epoch ms), read inside other work. */
    static List<Member> liveMembersIn(Conn conn, long now) throws SQLException {
        return membersIn(conn, ALL_LIVE_MEMBERS, null, null, now);
    }

    private List<Member> members(String sql, String group, String topic) {
        long now = System.currentTimeMillis();
        return db.read(conn -> membersIn(conn, sql, group, topic, now));
    }

    private static List<Member> membersIn(Conn conn, String sql, String group, String topic, long now)
            throws SQLException {
        Map<List<String>, List<Integer>> held = new HashMap<>();
        PreparedStatement leases = conn.prepare(group == null ? HELD : HELD_IN_GROUP);
        leases.setLong(1, now);
        if (group != null) {
            leases.setString(2, group);
            leases.setString(3, topic);
        }
        try (ResultSet rs = leases.executeQuery()) {
            while (rs.next()) {
                held.computeIfAbsent(List.of(rs.getString(1), rs.getString(2), rs.getString(3)),
                        k -> new ArrayList<>()).add(rs.getInt(4));
            }
        }
        held.values().forEach(partitions -> partitions.sort(null));
        PreparedStatement statement = conn.prepare(sql);
        statement.setLong(1, now);
        if (group != null) {
            statement.setString(2, group);
            statement.setString(3, topic);
        }
        List<Member> members = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                List<String> key = List.of(rs.getString(1), rs.getString(2), rs.getString(3));
                members.add(new Member(key.get(0), key.get(1), key.get(2), rs.getString(4),
                        partitionList(rs.getString(5)), Duration.ofMillis(rs.getLong(6)),
                        Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                        held.getOrDefault(key, List.of())));
            }
        }
        return members;
    }

    private static List<Integer> partitionList(String text) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
    }

    /**
     * Takes (or renews) the partition's lease for the member until {@code now + sessionTimeout}, where no other member
     * holds it unexpired.
     *
     * @return whether the member holds the lease now
     */
    boolean acquire(String group, TopicPartition tp, String memberId, Duration sessionTimeout) {
        check(group, tp.topic(), memberId, sessionTimeout);
        return db.write(conn -> {
            long now = System.currentTimeMillis();
            String holder = holderIn(conn, group, tp, now);
            if (holder != null && !holder.equals(memberId)) {
                return false;
            }
            PreparedStatement take = conn.prepare(TAKE);
            take.setString(1, group);
            take.setString(2, tp.topic());
            take.setInt(3, tp.partition());
            take.setString(4, memberId);
            take.setLong(5, now + sessionTimeout.toMillis());
            take.executeUpdate();
            return true;
        });
    }

    /** Gives up the member's lease of the partition at once, where it holds it. */
    void release(String group, TopicPartition tp, String memberId) {
        check(group, tp.topic(), memberId, Duration.ofMillis(1));
        db.write(conn -> {
            PreparedStatement release = conn.prepare(RELEASE);
            bindMember(release, group, tp.topic(), tp.partition());
            release.setString(4, memberId);
            return release.executeUpdate();
        });
    }

    /** A clean stop: the member and every lease it holds go, in one transaction. */
    void leave(String group, String topic, String memberId) {
        check(group, topic, memberId, Duration.ofMillis(1));
        db.write(conn -> {
            for (String sql : List.of(RELEASE_ALL, LEAVE)) {
                PreparedStatement statement = conn.prepare(sql);
                bindMember(statement, group, topic, memberId);
                statement.executeUpdate();
            }
            return null;
        });
    }

    /** Every group's leases, expired ones too, by group, topic and partition, read inside other work. */
    static List<PartitionLease> leasesIn(Conn conn) throws SQLException {
        List<PartitionLease> leases = new ArrayList<>();
        try (ResultSet rs = conn.prepare(ALL_LEASES).executeQuery()) {
            while (rs.next()) {
                leases.add(new PartitionLease(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        return leases;
    }

    /** The group's leases on the topic, expired ones too, by partition. */
    List<PartitionLease> leases(String group, String topic) {
        check(group, topic, "-", Duration.ofMillis(1));
        return db.read(conn -> {
            PreparedStatement statement = conn.prepare(LEASES);
            statement.setString(1, group);
            statement.setString(2, topic);
            List<PartitionLease> leases = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    leases.add(new PartitionLease(group, topic, rs.getInt(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
            return leases;
        });
    }

    /**
     * Refuses a commit, inside its transaction, where the member does not hold the partition's lease unexpired.
     *
     * @throws LeaseLostException naming the partition, the member and who holds the lease
     */
    static void requireLeaseIn(Conn conn, String group, TopicPartition tp, String memberId, long offset)
            throws SQLException {
        long now = System.currentTimeMillis();
        String holder = holderIn(conn, group, tp, now);
        if (!memberId.equals(holder)) {
            throw new LeaseLostException("Cannot commit offset " + offset + " for group '" + group + "' on topic '"
                    + tp.topic() + "' partition " + tp.partition() + ": member " + memberId + " does not hold the partition's lease any more ("
                    + (holder == null ? "it expired, or a forced reset of the group's offsets revoked it"
                    : "member " + holder + " holds it") + "); nothing was written;"
                    + " the lease's holder delivers from the last commit");
        }
    }

    /**
     * Refuses, inside the transaction of {@link ConsumerOffsets#delete}, to delete a group that has live members: they
     * would start it again with their next commit.
     *
     * @throws GroupNotEmptyException naming the live members
     */
    static void refuseWhileLiveIn(Conn conn, String group) throws SQLException {
        List<String> live = liveIn(conn, group, null);
        if (!live.isEmpty()) {
            throw new GroupNotEmptyException("Cannot delete group '" + group + "': " + live.size() + " live member(s)"
                    + " consume with it: " + String.join(", ", live) + "; stop them first (a stopped member leaves"
                    + " at once; a killed one counts as live until its session timeout has passed)");
        }
    }

    /**
     * Refuses, inside the transaction of {@link ConsumerOffsets#reset(String, String, Map, boolean)}, to reset the
     * group's offsets on a topic that live members of the group consume: they would commit over the reset.
     *
     * @throws GroupNotEmptyException naming the live members
     */
    static void refuseResetWhileLiveIn(Conn conn, String group, String topic) throws SQLException {
        List<String> live = liveIn(conn, group, topic);
        if (!live.isEmpty()) {
            throw new GroupNotEmptyException("Cannot reset the offsets of group '" + group + "' on topic '" + topic
                    + "': " + live.size() + " live member(s) consume it with the group: " + String.join(", ", live)
                    + "; stop them first (a stopped member leaves at once; a killed one counts as live until its session"
                    + " timeout has passed), or force the reset, which revokes their leases of the partitions reset:"
                    + " the holder's next commit is refused and it delivers again from the new offset");
        }
    }

    /**
     * The group's live members, by topic and member id, each as {@code "<id> (<description>) on topic '<topic>'"}:
     * on one topic, or on every topic where {@code topic} is null. The time is read inside the caller's transaction.
     */
    private static List<String> liveIn(Conn conn, String group, String topic) throws SQLException {
        PreparedStatement statement = conn.prepare("SELECT topic, member_id, description FROM klite_members"
                + " WHERE consumer_group = ?1 AND heartbeat_at + session_timeout_ms > ?2 AND (?3 IS NULL OR topic = ?3)"
                + " ORDER BY topic, member_id");
        statement.setString(1, group);
        statement.setLong(2, System.currentTimeMillis());
        statement.setString(3, topic);
        List<String> live = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                live.add(rs.getString(2) + " (" + rs.getString(3) + ") on topic '" + rs.getString(1) + "'");
            }
        }
        return live;
    }

    /**
     * Deletes the group's leases of the partitions inside a caller's transaction (a forced reset): the holder's next
     * fenced commit is refused, and whoever takes the partition next places it at the committed offset.
     */
    static void revokeIn(Conn conn, String group, String topic, Collection<Integer> partitions) throws SQLException {
        PreparedStatement statement = conn.prepare("DELETE FROM klite_partition_leases"
                + " WHERE consumer_group = ? AND topic = ? AND partition = ?");
        for (int partition : partitions) {
            bindMember(statement, group, topic, partition);
            statement.executeUpdate();
        }
    }

    /**
     * Refuses, inside the transaction of {@link Catalog#deleteTopic}, to delete a topic that live members of a group
     * consume: their next fetch would find it gone, and their next send or commit start it again. The time is read
     * inside the transaction, so no heartbeat slips in between the check and the delete.
     *
     * @throws IllegalStateException naming the live members and their groups
     */
    static void refuseWhileTopicConsumedIn(Conn conn, String topic) throws SQLException {
        PreparedStatement statement = conn.prepare("SELECT consumer_group, member_id, description FROM klite_members"
                + " WHERE topic = ? AND heartbeat_at + session_timeout_ms > ? ORDER BY consumer_group, member_id");
        statement.setString(1, topic);
        statement.setLong(2, System.currentTimeMillis());
        List<String> live = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                live.add(rs.getString(2) + " (" + rs.getString(3) + ") of group '" + rs.getString(1) + "'");
            }
        }
        if (!live.isEmpty()) {
            throw new GroupNotEmptyException("Cannot delete topic '" + topic + "': " + live.size() + " live member(s)"
                    + " consume it: " + String.join(", ", live) + "; stop them first (a stopped member leaves at once;"
                    + " a killed one counts as live until its session timeout has passed); nothing was deleted");
        }
    }

    /** Deletes the group's members and leases on every topic, inside the transaction of {@link ConsumerOffsets#delete}. */
    static void deleteGroupIn(Conn conn, String group) throws SQLException {
        for (String sql : List.of("DELETE FROM klite_partition_leases WHERE consumer_group = ?",
                "DELETE FROM klite_members WHERE consumer_group = ?")) {
            PreparedStatement statement = conn.prepare(sql);
            statement.setString(1, group);
            statement.executeUpdate();
        }
    }

    /** The member holding the partition's unexpired lease, or null. */
    private static String holderIn(Conn conn, String group, TopicPartition tp, long now) throws SQLException {
        PreparedStatement lease = conn.prepare(LEASE);
        lease.setString(1, group);
        lease.setString(2, tp.topic());
        lease.setInt(3, tp.partition());
        try (ResultSet rs = lease.executeQuery()) {
            return rs.next() && rs.getLong(2) > now ? rs.getString(1) : null;
        }
    }

    private static void bindMember(PreparedStatement statement, String group, String topic, Object third)
            throws SQLException {
        statement.setString(1, group);
        statement.setString(2, topic);
        statement.setObject(3, third);
    }

    private static void check(String group, String topic, String memberId, Duration sessionTimeout) {
        ConsumerOffsets.validateGroup(group);
        TopicPartition.validateTopic(topic);
        if (memberId == null || memberId.isBlank()) {
            throw new IllegalArgumentException("Invalid member id " + (memberId == null ? "null" : "'" + memberId
                    + "'") + ": a member id must not be empty or blank");
        }
        if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("Invalid session timeout " + sessionTimeout + ": at least 1 ms");
        }
    }
}
