package io.klite.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What topics and partitions the file holds, read from the tables themselves, so that a file written by another
 * program needs no metadata; and the only code that creates or alters partition tables.
 *
 * <p>Invariants: a topic's partitions are the {@code <topic>_<n>} tables that exist, and its partition count is the
 * highest {@code n} + 1; counts only grow. A table is in {@link #ready} only once a transaction that left it with
 * Klite's {@code key} and {@code headers} columns has committed, so the hot path of a send or fetch is one set
 * lookup. Topics are compared ignoring case, as SQLite compares table names: two topics that differ only in case
 * would share tables, so the second one is refused.
 */
final class Catalog {

    static final String CONSUMER_OFFSETS_DDL = resource("consumer_offsets.sql");
    private static final String PARTITION_TABLE_DDL = resource("partition_table.sql");

    private static final String SEQUENCE_EXISTS =
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'";

    private final Database db;
    /** Tables known to exist with Klite's columns (exact, validated names). */
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    private final Map<String, TableSql> tableSql = new ConcurrentHashMap<>();
    private volatile boolean sequenceExists;

    Catalog(Database db) {
        this.db = db;
    }

    /** A topic as found in the file: its spelling and the partition numbers that have a table. */
    record TopicTables(String topic, TreeSet<Integer> partitions) {

        int partitionCount() {
            return partitions.isEmpty() ? 0 : partitions.last() + 1;
        }
    }

    boolean isReady(TopicPartition tp) {
        return ready.contains(tp.tableName());
    }

    /** Every topic in the file, by lower-cased name, read from {@code sqlite_master}. */
    static Map<String, TopicTables> scan(Database.Conn conn) throws SQLException {
        Map<String, TopicTables> topics = new TreeMap<>();
        try (ResultSet rs = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").executeQuery()) {
            while (rs.next()) {
                TopicPartition.parseTable(rs.getString(1)).ifPresent(tp -> topics
                        .computeIfAbsent(lower(tp.topic()), lower -> new TopicTables(tp.topic(), new TreeSet<>()))
                        .partitions().add(tp.partition()));
            }
        }
        return topics;
    }

    /** The topic spelled exactly {@code topic}, or null where the file has none. */
    static TopicTables find(Map<String, TopicTables> scan, String topic) {
        TopicTables found = scan.get(lower(topic));
        if (found != null && !found.topic().equals(topic)) {
            throw new InvalidTopicException("Topic '" + topic + "' clashes with existing topic '" + found.topic()
                    + "': SQLite table names ignore case, so topic names must differ in more than case");
        }
        return found;
    }

    /** Whether the scan holds the table of exactly this topic (same case) and partition. */
    static boolean hasTable(Map<String, TopicTables> scan, String topic, int partition) {
        TopicTables found = topic == null ? null : scan.get(lower(topic));
        return found != null && found.topic().equals(topic) && found.partitions().contains(partition);
    }

    /**
     * Makes {@code tp} writable: creates its topic with {@code partitionsIfNew} partitions where there is none,
     * creates the partition's table where it is a gap, adds missing columns to a table another program created.
     *
     * @throws InvalidTopicException     where the topic clashes in case with an existing one
     * @throws InvalidPartitionException where the partition is beyond the topic's (or the new topic's) count;
     *                                   nothing is written then
     */
    void prepareForWrite(TopicPartition tp, int partitionsIfNew) {
        if (isReady(tp)) {
            return;
        }
        commitThenMarkReady(conn -> {
            TopicTables existing = find(scan(conn), tp.topic());
            int count = existing == null ? partitionsIfNew : existing.partitionCount();
            if (tp.partition() >= count) {
                throw outOfRange(tp, existing == null ? "a new topic gets " : "it has ", count);
            }
            return existing == null
                    ? ensureTables(conn, tp.topic(), count, Set.of())
                    : ensureTables(conn, List.of(tp), existing.partitions());
        });
    }

    /**
     * Gives the topic at least {@code partitions} partitions, creating the missing tables; never shrinks it.
     *
     * @return the topic's partition count afterwards
     */
    int createTopic(String topic, int partitions) {
        return commitThenMarkReady(conn -> {
            TopicTables existing = find(scan(conn), topic);
            return existing == null
                    ? ensureTables(conn, topic, partitions, Set.of())
                    : ensureTables(conn, topic, Math.max(partitions, existing.partitionCount()), existing.partitions());
        }).size();
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

    /**
     * Makes an existing partition table readable with Klite's columns.
     *
     * @throws InvalidPartitionException where the topic exists and the partition is beyond its count
     */
    PartitionState prepareForRead(TopicPartition tp) {
        if (isReady(tp)) {
            return PartitionState.READY;
        }
        TopicTables existing = db.read(conn -> find(scan(conn), tp.topic()));
        if (existing == null) {
            return PartitionState.UNKNOWN_TOPIC;
        }
        if (tp.partition() >= existing.partitionCount()) {
            throw outOfRange(tp, "it has ", existing.partitionCount());
        }
        if (!existing.partitions().contains(tp.partition())) {
            return PartitionState.EMPTY;
        }
        commitThenMarkReady(conn -> ensureTables(conn, List.of(tp), existing.partitions()));
        return PartitionState.READY;
    }

    /**
     * Forgets what is known of a partition's table, after a statement on it failed: another program may have
     * dropped or recreated it, and the next call looks again.
     */
    void forget(TopicPartition tp) {
        ready.remove(tp.tableName());
    }

    /** The partition count of a topic, 0 where the file has no such topic. */
    int partitionCount(String topic) {
        TopicTables existing = db.read(conn -> find(scan(conn), topic));
        return existing == null ? 0 : existing.partitionCount();
    }

    /**
     * Runs work on a partition's table; where it fails in SQLite, the catalog forgets the table, so the next call
     * looks at the file again (another program may have dropped or recreated it).
     */
    <T> T onTable(TopicPartition tp, Supplier<T> work) {
        try {
            return work.get();
        } catch (KliteStorageException e) {
            forget(tp);
            throw e;
        }
    }

    /**
     * The highest offset ever written: {@code sqlite_sequence} remembers it after the newest rows were deleted,
     * {@code max(id)} covers tables another program created without AUTOINCREMENT.
     */
    long endOffset(Database.Conn conn, TopicPartition tp) throws SQLException {
        TableSql sql = sql(tp);
        PreparedStatement statement;
        if (sequenceExists(conn)) {
            statement = conn.prepare(sql.endOffset);
            statement.setString(1, tp.tableName());
        } else {
            statement = conn.prepare(sql.maxId);
        }
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Whether SQLite's {@code sqlite_sequence} table exists yet: from the first AUTOINCREMENT table on, for good. */
    private boolean sequenceExists(Database.Conn conn) throws SQLException {
        if (!sequenceExists) {
            try (ResultSet rs = conn.prepare(SEQUENCE_EXISTS).executeQuery()) {
                sequenceExists = rs.next();
            }
        }
        return sequenceExists;
    }

    /** The SQL of a partition table, built once. */
    TableSql sql(TopicPartition tp) {
        return tableSql.computeIfAbsent(tp.tableName(), name -> new TableSql(tp));
    }

    private static InvalidPartitionException outOfRange(TopicPartition tp, String has, int count) {
        return new InvalidPartitionException("Partition " + tp.partition() + " is out of range for topic '"
                + tp.topic() + "': " + has + (count == 1 ? "1 partition (valid: 0)"
                : count + " partitions (valid: 0.." + (count - 1) + ")"));
    }

    /** Runs table work in one write transaction; once it has committed, its tables are ready. */
    private List<String> commitThenMarkReady(Database.Work<List<String>> work) {
        List<String> tables = db.write(work);
        ready.addAll(tables);
        return tables;
    }

    private static List<String> ensureTables(Database.Conn conn, String topic, int count, Set<Integer> present)
            throws SQLException {
        List<TopicPartition> all = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return ensureTables(conn, all, present);
    }

    /** Creates the missing tables and adds missing columns to the existing ones; returns their names. */
    private static List<String> ensureTables(Database.Conn conn, List<TopicPartition> tps, Set<Integer> present)
            throws SQLException {
        List<String> names = new ArrayList<>(tps.size());
        for (TopicPartition tp : tps) {
            if (present.contains(tp.partition())) {
                addMissingColumns(conn, tp);
            } else {
                conn.exec(PARTITION_TABLE_DDL.replace("{table}", tp.table()));
            }
            names.add(tp.tableName());
        }
        return names;
    }

    /**
     * Adds {@code key} and {@code headers} to a table another program created with the seed's DDL, after checking
     * that it is a partition table at all (an {@code id} and a {@code data} column).
     */
    private static void addMissingColumns(Database.Conn conn, TopicPartition tp) throws SQLException {
        Set<String> columns = new TreeSet<>();
        PreparedStatement info = conn.prepare("SELECT name FROM pragma_table_info(?)");
        info.setString(1, tp.tableName());
        try (ResultSet rs = info.executeQuery()) {
            while (rs.next()) {
                columns.add(lower(rs.getString(1)));
            }
        }
        if (!columns.contains("id") || !columns.contains("data")) {
            throw new InvalidTopicException("Table \"" + tp.tableName() + "\" is not a partition table of topic '"
                    + tp.topic() + "': a partition table has the columns id and data, this one has " + columns
                    + "; rename the table or choose another topic name");
        }
        for (String column : List.of("key", "headers")) {
            if (!columns.contains(column)) {
                conn.exec("ALTER TABLE " + tp.table() + " ADD COLUMN " + column + " TEXT");
            }
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String resource(String name) {
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
