package io.klite.log;

/**
 * The SQL of one partition table, built once per table rather than on every call. The table name comes only from
 * a validated {@link TopicPartition} and is quoted; every value is a parameter.
 */
final class TableSql {

    static final String COMMITTED = "SELECT commit_offset FROM consumer_offsets"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";

    /** Parameters: data, key. */
    final String insert;
    /** Parameters: group, topic, partition, limit. */
    final String fetch;
    /** Parameters: after offset, limit. */
    final String read;
    /** Parameter: the unquoted table name. Needs {@code sqlite_sequence} to exist. */
    final String endOffset;
    /** No parameters: the end offset of a table whose rows were never deleted from the end. */
    final String maxId;

    TableSql(TopicPartition tp) {
        String table = tp.table();
        String select = "SELECT id, data, key, created FROM " + table;
        insert = "INSERT INTO " + table + " (data, key) VALUES (?, ?)";
        fetch = select + " WHERE id > coalesce((" + COMMITTED + "), 0) ORDER BY id LIMIT ?";
        read = select + " WHERE id > ? ORDER BY id LIMIT ?";
        maxId = "SELECT coalesce(max(id), 0) FROM " + table;
        endOffset = "SELECT max((" + maxId + "), coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))";
    }
}
