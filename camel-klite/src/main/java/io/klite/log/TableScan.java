package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tables of the file at one moment, read from {@code sqlite_master}: the topics, and every other table, which a
 * partition table may not take.
 *
 * <p>Invariants: a topic's partitions are the {@code <topic>_<n>} tables that exist and have an {@code id} and a
 * {@code data} column; any other table is another application's. Topics are keyed by their lower-cased name, as
 * SQLite compares table names, so two topics that differ only in case are one key and the second is refused.
 *
 * @param byLowerName the topics, by lower-cased name
 * @param otherTables the lower-cased names of the tables that are not partitions
 */
record TableScan(Map<String, TopicTables> byLowerName, Set<String> otherTables) {

    /** Every table, and whether it has the columns of a partition table. */
    private static final String TABLES = "SELECT m.name,"
            + " EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'id')"
            + " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'data')"
            + " FROM sqlite_master m WHERE m.type = 'table'";
    /** The same for one topic's tables only: LIKE ignores ASCII case, so case clashes are still found. */
    private static final String TOPIC_TABLES = TABLES + " AND m.name LIKE ? ESCAPE '\\'";

    /** A topic as found in the file: its spelling and the partition numbers that have a table. */
    record TopicTables(String topic, TreeSet<Integer> partitions) {

        int partitionCount() {
            return partitions.isEmpty() ? 0 : partitions.last() + 1;
        }
    }

    /** Reads every table name. */
    static TableScan all(Conn conn) throws SQLException {
        return scan(conn.prepare(TABLES));
    }

    /**
     * Reads the names of the tables that may belong to {@code topic} ({@code <topic>_*}, in any case): enough to
     * answer {@link #find} and {@link #hasTable} for that topic, without listing every table of the file.
     */
    static TableScan ofTopic(Conn conn, String topic) throws SQLException {
        PreparedStatement statement = conn.prepare(TOPIC_TABLES);
        // a validated topic has no LIKE wildcard but '_'
        statement.setString(1, topic.replace("_", "\\_") + "\\_%");
        return scan(statement);
    }

    Collection<TopicTables> topics() {
        return byLowerName.values();
    }

    /**
     * The topic spelled exactly {@code topic}, or null where the file has none.
     *
     * @throws InvalidTopicException where the file has a topic of that name in another case
     */
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

    /** Whether a table of this name, in any case, exists and is not a partition table. */
    boolean isOtherTable(String tableName) {
        return otherTables.contains(lower(tableName));
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static TableScan scan(PreparedStatement statement) throws SQLException {
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
        return new TableScan(topics, others);
    }
}
