package io.klite.log;

import io.klite.log.TableScan.TopicTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What topics and partitions the file holds, read from the tables themselves (see {@link TableScan}), so that a file
 * written by another program needs no metadata; the only code that creates, alters or drops partition tables; and where
 * the log gets a {@link PartitionTable} ready for reading or writing.
 *
 * <p>Invariants: partition counts only grow; tables other than partition tables are other applications' and are
 * never altered. A table is in {@link #ready} only once a transaction that left it with Klite's {@code key} and
 * {@code headers} columns has committed, so getting a table for a send or fetch is one set lookup; a table whose
 * statement failed is forgotten, and looked at again. A topic that differs from an existing one only in case is
 * refused, as SQLite would give both the same tables.
 */
final class Catalog {

    static final String CONSUMER_OFFSETS_DDL = resource("consumer_offsets.sql");
    private static final String PARTITION_TABLE_DDL = resource("partition_table.sql");
    private static final String COLUMNS = "SELECT name FROM pragma_table_info(?)";
    private static final String SEQUENCE_EXISTS =
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'";
    private static final String SEQUENCES = "SELECT name, seq FROM sqlite_sequence";
    /** SQLite's count of the file's schema changes, which any table created, dropped or altered moves on. */
    private static final String SCHEMA_VERSION = "PRAGMA schema_version";

    /** Every row keyed by a topic, in Klite's tables and the seed's: what goes with the topic. Parameter: the topic. */
    private static final List<String> TOPIC_ROWS = List.of(
            "DELETE FROM consumer_offsets WHERE topic = ?",
            "DELETE FROM klite_topic_config WHERE topic = ?",
            "DELETE FROM klite_delivery_attempts WHERE topic = ?",
            "DELETE FROM klite_partition_leases WHERE topic = ?",
            "DELETE FROM klite_members WHERE topic = ?",
            // a retry of a send to the deleted topic writes again, to the topic created afresh
            "DELETE FROM klite_idempotency_keys WHERE topic = ?");

    private final Database db;
    private final GroupCommit writes;
    /** Tables known to exist with Klite's columns (exact, validated names). */
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<String, PartitionTable> tables = new ConcurrentHashMap<>();
    private volatile boolean sequenceExists;
    /** The last scan of every table, with the schema version it was read at. */
    private volatile ScanAt lastScan;

    /** A scan of every table, and the schema version it holds for. */
    private record ScanAt(int schemaVersion, TableScan scan) {
    }

    Catalog(Database db, GroupCommit writes) {
        this.db = db;
        this.writes = writes;
    }

    /** What a partition is, seen from a reader. */
    enum PartitionState {
        /** Its table exists, with Klite's columns. */
        READY,
        /** Its topic exists and the number is in range, but no table was created yet: an empty partition. */
        EMPTY,
        /** Its topic does not exist. */
        UNKNOWN_TOPIC
    }

    /** Whether this catalog holds the partition's table ready: a write to it creates nothing. No I/O. */
    boolean isReady(TopicPartition tp) {
        return ready.contains(tp.tableName());
    }

    /**
     * The partition's table, ready for writing: creates its topic with {@code partitionsIfNew} partitions where
     * there is none, creates the partition's table where it is a gap, adds missing columns to a table another
     * program created.
     *
     * @throws InvalidTopicException     where the topic clashes in case with an existing one, or one of its
     *                                   tables would take the name of another application's table
     * @throws InvalidPartitionException where the partition is beyond the topic's (or the new topic's) count;
     *                                   nothing is written then
     */
    PartitionTable forWrite(TopicPartition tp, int partitionsIfNew, long deadline) {
        if (!ready.contains(tp.tableName())) {
            commitThenMarkReady(deadline, conn -> {
                TableScan scan = TableScan.ofTopic(conn, tp.topic());
                TopicTables existing = scan.find(tp.topic());
                int count = existing == null ? partitionsIfNew : existing.partitionCount();
                if (tp.partition() >= count) {
                    throw tp.outOfRange(existing != null, count);
                }
                return existing == null ? ensureTables(conn, scan, tp.topic(), count)
                        : ensureTables(conn, scan, List.of(tp));
            });
        }
        return table(tp);
    }

    /**
     * The partition's table, ready for reading, or null where it has none: its topic does not exist, or nothing was
     * written to the partition yet.
     *
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    PartitionTable forRead(TopicPartition tp) {
        return prepareForRead(tp, db.deadline()) == PartitionState.READY ? table(tp) : null;
    }

    /**
     * Makes an existing partition table readable with Klite's columns, and says what the partition is. A table that
     * has them is looked at with reads only; where adding them takes a write, it waits for another connection's lock
     * until {@code deadline} at most.
     *
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    PartitionState prepareForRead(TopicPartition tp, long deadline) {
        if (ready.contains(tp.tableName())) {
            return PartitionState.READY;
        }
        TableScan scan = db.read(conn -> TableScan.ofTopic(conn, tp.topic()));
        TopicTables existing = scan.find(tp.topic());
        if (existing == null) {
            return PartitionState.UNKNOWN_TOPIC;
        }
        if (tp.partition() >= existing.partitionCount()) {
            throw tp.outOfRange(true, existing.partitionCount());
        }
        if (!existing.partitions().contains(tp.partition())) {
            return PartitionState.EMPTY;
        }
        if (db.read(conn -> kliteColumns(conn, tp))) {
            // committed with Klite's columns already (the usual case): a read takes no write lock and writes nothing
            ready.add(tp.tableName());
        } else {
            commitThenMarkReady(deadline, conn -> ensureTables(conn, scan, List.of(tp)));
        }
        return PartitionState.READY;
    }

    /** Whether the partition's table has Klite's {@code key} and {@code headers} columns. */
    private static boolean kliteColumns(Conn conn, TopicPartition tp) throws SQLException {
        return columns(conn, tp).containsAll(List.of("key", "headers"));
    }

    /**
     * The partition's table, whether or not it exists in the file: for work inside a transaction that decides that
     * itself, and for end offsets of tables a scan has just found.
     */
    PartitionTable table(TopicPartition tp) {
        return tables.computeIfAbsent(tp.tableName(), name -> new PartitionTable(tp, db, writes,
                this::sequenceExists, () -> ready.remove(name)));
    }

    /**
     * Gives the topic at least {@code partitions} partitions, creating the missing tables; never shrinks it.
     *
     * @return the topic's partition count afterwards
     */
    int createTopic(String topic, int partitions) {
        return commitThenMarkReady(db.deadline(), conn -> {
            TableScan scan = TableScan.ofTopic(conn, topic);
            TopicTables existing = scan.find(topic);
            return ensureTables(conn, scan, topic,
                    Math.max(partitions, existing == null ? 0 : existing.partitionCount()));
        }).size();
    }

    /**
     * Creates the topic with {@code partitions} partitions where the file has no such topic; leaves an existing
     * topic as it is.
     *
     * @return the topic's partition count afterwards
     */
    int createTopicIfAbsent(String topic, int partitions) {
        int count = partitionCount(topic);
        if (count > 0) {
            return count;
        }
        int[] after = new int[1];
        commitThenMarkReady(db.deadline(), conn -> {
            TableScan scan = TableScan.ofTopic(conn, topic);
            TopicTables existing = scan.find(topic);
            after[0] = existing == null ? partitions : existing.partitionCount();
            return existing == null ? ensureTables(conn, scan, topic, partitions) : List.of();
        });
        return after[0];
    }

    /**
     * Deletes the topic in one write transaction: drops every partition table it has (seed-made ones too) and deletes
     * its rows from every Klite table keyed by topic; then forgets its tables here. Another log of the file still
     * holding them ready forgets them at the first statement that fails on them.
     *
     * @return the partition count the topic had
     * @throws UnknownTopicException where the file has no such topic; nothing is written then
     * @throws IllegalStateException where live members of a group consume the topic, naming them; nothing is
     *                               written then
     */
    int deleteTopic(String topic) {
        int count = db.write(conn -> {
            TopicTables existing = TableScan.ofTopic(conn, topic).find(topic);
            if (existing == null) {
                throw new UnknownTopicException("Cannot delete topic '" + topic + "': it does not exist");
            }
            GroupLeases.refuseWhileTopicConsumedIn(conn, topic);
            for (int partition : existing.partitions()) {
                conn.exec("DROP TABLE " + new TopicPartition(topic, partition).table());
            }
            for (String sql : TOPIC_ROWS) {
                PreparedStatement statement = conn.prepare(sql);
                statement.setString(1, topic);
                statement.executeUpdate();
            }
            return existing.partitionCount();
        });
        forgetTopic(topic);
        return count;
    }

    /** Forgets every table of the topic this catalog holds ready or cached. */
    private void forgetTopic(String topic) {
        Predicate<String> ofTopic = name -> TopicPartition.parseTable(name)
                .map(tp -> tp.topic().equals(topic)).orElse(false);
        ready.removeIf(ofTopic);
        tables.keySet().removeIf(ofTopic);
    }

    /** The partition count of a topic, 0 where the file has no such topic. */
    int partitionCount(String topic) {
        TopicTables existing = db.read(conn -> TableScan.ofTopic(conn, topic)).find(topic);
        return existing == null ? 0 : existing.partitionCount();
    }

    /**
     * Every table of the file, inside other work: {@link TableScan#all}, read again only where the schema changed
     * since the last scan (the scan reads each table's columns, the schema version is one number).
     */
    TableScan scanAll(Conn conn) throws SQLException {
        int version;
        try (ResultSet rs = conn.prepare(SCHEMA_VERSION).executeQuery()) {
            rs.next();
            version = rs.getInt(1);
        }
        ScanAt last = lastScan;
        if (last != null && last.schemaVersion() == version) {
            return last.scan();
        }
        TableScan scan = TableScan.all(conn);
        lastScan = new ScanAt(version, scan);
        return scan;
    }

    /**
     * SQLite's memory of each AUTOINCREMENT table's highest id ({@code sqlite_sequence}, which has no index), by table
     * name, read inside other work: empty where it does not exist yet. For {@link PartitionTable#info}.
     */
    Map<String, Long> sequences(Conn conn) throws SQLException {
        Map<String, Long> sequences = new HashMap<>();
        if (sequenceExists(conn)) {
            try (ResultSet rs = conn.prepare(SEQUENCES).executeQuery()) {
                while (rs.next()) {
                    sequences.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return sequences;
    }

    /** Whether SQLite's {@code sqlite_sequence} table exists yet: from the first AUTOINCREMENT table on, for good. */
    private boolean sequenceExists(Conn conn) throws SQLException {
        if (!sequenceExists) {
            try (ResultSet rs = conn.prepare(SEQUENCE_EXISTS).executeQuery()) {
                sequenceExists = rs.next();
            }
        }
        return sequenceExists;
    }

    /**
     * Runs table work in one write transaction, waiting for another connection's lock until {@code deadline} at
     * most; once it has committed, its tables are ready.
     */
    private List<String> commitThenMarkReady(long deadline, Database.Work<List<String>> work) {
        List<String> names = db.write(deadline, work);
        ready.addAll(names);
        return names;
    }

    private static List<String> ensureTables(Conn conn, TableScan scan, String topic, int count)
            throws SQLException {
        List<TopicPartition> all = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return ensureTables(conn, scan, all);
    }

    /** Creates the missing tables and adds missing columns to the existing ones; returns their names. */
    private static List<String> ensureTables(Conn conn, TableScan scan, List<TopicPartition> tps)
            throws SQLException {
        List<String> names = new ArrayList<>(tps.size());
        for (TopicPartition tp : tps) {
            if (scan.hasTable(tp.topic(), tp.partition())) {
                addMissingColumns(conn, tp);
            } else if (scan.isOtherTable(tp.tableName())) {
                throw new InvalidTopicException("Topic '" + tp.topic() + "' cannot use partition " + tp.partition()
                        + ": table \"" + tp.tableName() + "\" exists and is not a partition table (it lacks an id or"
                        + " a data column); rename that table or choose another topic name");
            } else {
                conn.exec(PARTITION_TABLE_DDL.replace("{table}", tp.table()));
            }
            names.add(tp.tableName());
        }
        return names;
    }

    /** Adds {@code key} and {@code headers} to a partition table another program created with the seed's DDL. */
    private static void addMissingColumns(Conn conn, TopicPartition tp) throws SQLException {
        Set<String> columns = columns(conn, tp);
        for (String column : List.of("key", "headers")) {
            if (!columns.contains(column)) {
                conn.exec("ALTER TABLE " + tp.table() + " ADD COLUMN " + column + " TEXT");
            }
        }
    }

    /** The columns of the partition's table, in lower case. */
    private static Set<String> columns(Conn conn, TopicPartition tp) throws SQLException {
        Set<String> columns = new HashSet<>();
        PreparedStatement info = conn.prepare(COLUMNS);
        info.setString(1, tp.tableName());
        try (ResultSet rs = info.executeQuery()) {
            while (rs.next()) {
                columns.add(TableScan.lower(rs.getString(1)));
            }
        }
        return columns;
    }

    static String resource(String name) {
        try (InputStream in = Catalog.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource io/klite/log/" + name + " in the Klite jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
