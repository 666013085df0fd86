package io.klite.log;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
 * <p>Invariants: a topic's partitions are the {@code <topic>_<n>} tables that exist and have an {@code id} and a
 * {@code data} column (other tables are other applications' and are never altered); its partition count is the
 * highest {@code n} + 1, and counts only grow. A table is in {@link #ready} only once a transaction that left it
 * with Klite's {@code key} and {@code headers} columns has committed, so the hot path of a send or fetch is one
 * set lookup; a table whose statement failed is forgotten, and looked at again. Topics are compared ignoring
 * case, as SQLite compares table names: two topics that differ only in case would share tables, so the second
 * one is refused.
 */
final class Catalog {

    static final String CONSUMER_OFFSETS_DDL = resource("consumer_offsets.sql");
    private static final String PARTITION_TABLE_DDL = resource("partition_table.sql");
    /** Every table, and whether it has the columns of a partition table. */
    private static final String TABLES = "SELECT m.name,"
            + " EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'id')"
            + " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'data')"
            + " FROM sqlite_master m WHERE m.type = 'table'";
    /** The same for one topic's tables only: LIKE ignores ASCII case, so case clashes are still found. */
    private static final String TOPIC_TABLES = TABLES + " AND m.name LIKE ? ESCAPE '\\'";
    private static final String COLUMNS = "SELECT name FROM pragma_table_info(?)";
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

    /**
     * The tables of the file at one moment: the topics (by lower-cased name), and the lower-cased names of every
     * other table, which a partition table may not take.
     */
    record Scan(Map<String, TopicTables> byLowerName, Set<String> otherTables) {

        Collection<TopicTables> topics() {
            return byLowerName.values();
        }

        /** The topic spelled exactly {@code topic}, or null where the file has none. */
        TopicTables find(String topic) {
            TopicTables found = byLowerName.get(lower(topic));
            if (found != null && !found.topic().equals(topic)) {
                throw new InvalidTopicException("Topic '" + topic + "' clashes with existing topic '" + found.topic()
                        + "': SQLite table names ignore case, so topic names must differ in more than case");
            }
            return found;
        }

        /** Whether the file holds the table of exactly this topic (same case) and partition. */
        boolean hasTable(String topic, int partition) {
            TopicTables found = topic == null ? null : byLowerName.get(lower(topic));
            return found != null && found.topic().equals(topic) && found.partitions().contains(partition);
        }
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

    /** Reads every table name from {@code sqlite_master}. */
    static Scan scan(Database.Conn conn) throws SQLException {
        return scan(conn.prepare(TABLES));
    }

    /**
     * Reads the names of the tables that may belong to {@code topic} ({@code <topic>_*}, in any case): enough to
     * answer {@link Scan#find} and {@link Scan#hasTable} for that topic, without listing every table of the file.
     */
    static Scan scan(Database.Conn conn, String topic) throws SQLException {
        PreparedStatement statement = conn.prepare(TOPIC_TABLES);
        // a validated topic has no LIKE wildcard but '_'
        statement.setString(1, topic.replace("_", "\\_") + "\\_%");
        return scan(statement);
    }

    private static Scan scan(PreparedStatement statement) throws SQLException {
        Map<String, TopicTables> topics = new TreeMap<>();
        Set<String> others = new HashSet<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                TopicPartition tp = rs.getBoolean(2) ? TopicPartition.parseTable(name).orElse(null) : null;
                if (tp == null) {
                    others.add(lower(name));
                } else {
                    topics.computeIfAbsent(lower(tp.topic()), lower -> new TopicTables(tp.topic(), new TreeSet<>()))
                            .partitions().add(tp.partition());
                }
            }
        }
        return new Scan(topics, others);
    }

    boolean isReady(TopicPartition tp) {
        return ready.contains(tp.tableName());
    }

    /**
     * Makes {@code tp} writable: creates its topic with {@code partitionsIfNew} partitions where there is none,
     * creates the partition's table where it is a gap, adds missing columns to a table another program created.
     *
     * @throws InvalidTopicException     where the topic clashes in case with an existing one, or one of its
     *                                   tables would take the name of another application's table
     * @throws InvalidPartitionException where the partition is beyond the topic's (or the new topic's) count;
     *                                   nothing is written then
     */
    void prepareForWrite(TopicPartition tp, int partitionsIfNew) {
        if (isReady(tp)) {
            return;
        }
        commitThenMarkReady(conn -> {
            Scan scan = scan(conn, tp.topic());
            TopicTables existing = scan.find(tp.topic());
            int count = existing == null ? partitionsIfNew : existing.partitionCount();
            if (tp.partition() >= count) {
                throw tp.outOfRange(existing != null, count);
            }
            return existing == null ? ensureTables(conn, scan, tp.topic(), count) : ensureTables(conn, scan, List.of(tp));
        });
    }

    /**
     * Gives the topic at least {@code partitions} partitions, creating the missing tables; never shrinks it.
     *
     * @return the topic's partition count afterwards
     */
    int createTopic(String topic, int partitions) {
        return commitThenMarkReady(conn -> {
            Scan scan = scan(conn, topic);
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
        commitThenMarkReady(conn -> {
            Scan scan = scan(conn, topic);
            TopicTables existing = scan.find(topic);
            after[0] = existing == null ? partitions : existing.partitionCount();
            return existing == null ? ensureTables(conn, scan, topic, partitions) : List.of();
        });
        return after[0];
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
        Scan scan = db.read(conn -> scan(conn, tp.topic()));
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
        commitThenMarkReady(conn -> ensureTables(conn, scan, List.of(tp)));
        return PartitionState.READY;
    }

    /** The partition count of a topic, 0 where the file has no such topic. */
    int partitionCount(String topic) {
        TopicTables existing = db.read(conn -> scan(conn, topic)).find(topic);
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
            ready.remove(tp.tableName());
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

    /** The SQL of a partition table, built once. */
    TableSql sql(TopicPartition tp) {
        return tableSql.computeIfAbsent(tp.tableName(), name -> new TableSql(tp));
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

    /** Runs table work in one write transaction; once it has committed, its tables are ready. */
    private List<String> commitThenMarkReady(Database.Work<List<String>> work) {
        List<String> tables = db.write(work);
        ready.addAll(tables);
        return tables;
    }

    private static List<String> ensureTables(Database.Conn conn, Scan scan, String topic, int count)
            throws SQLException {
        List<TopicPartition> all = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return ensureTables(conn, scan, all);
    }

    /** Creates the missing tables and adds missing columns to the existing ones; returns their names. */
    private static List<String> ensureTables(Database.Conn conn, Scan scan, List<TopicPartition> tps)
            throws SQLException {
        List<String> names = new ArrayList<>(tps.size());
        for (TopicPartition tp : tps) {
            if (scan.hasTable(tp.topic(), tp.partition())) {
                addMissingColumns(conn, tp);
            } else if (scan.otherTables().contains(lower(tp.tableName()))) {
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
    private static void addMissingColumns(Database.Conn conn, TopicPartition tp) throws SQLException {
        Set<String> columns = new HashSet<>();
        PreparedStatement info = conn.prepare(COLUMNS);
        info.setString(1, tp.tableName());
        try (ResultSet rs = info.executeQuery()) {
            while (rs.next()) {
                columns.add(lower(rs.getString(1)));
            }
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
