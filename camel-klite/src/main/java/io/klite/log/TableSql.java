package io.klite.log;

/**
 * The SQL of one partition table, built once per table rather than on every call. The table name comes only from
 * a validated {@link TopicPartition} and is quoted; every value is a parameter.
 */
final class TableSql {

    /** The row counts of {@link #insertRows}, largest first; a batch is written in as few statements as they allow. */
    static final int[] ROWS_PER_INSERT = {1000, 100, 10, 1};

    static final String COMMITTED = "SELECT commit_offset FROM consumer_offsets"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";

    /** Parameters: data, key. */
    final String insert;
    /**
     * Multi-row inserts of {@link #ROWS_PER_INSERT} rows each (parameters: data, key of each row): one statement
     * per 1000 rows costs far less than 1000 executions of {@link #insert}.
     */
    final String[] insertRows;
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
        insertRows = new String[ROWS_PER_INSERT.length];
        for (int i = 0; i < ROWS_PER_INSERT.length; i++) {
            insertRows[i] = insert + ", (?, ?)".repeat(ROWS_PER_INSERT[i] - 1);
        }
        fetch = select + " WHERE id > coalesce((" + COMMITTED + "), 0) ORDER BY id LIMIT ?";
        read = select + " WHERE id > ? ORDER BY id LIMIT ?";
        maxId = "SELECT coalesce(max(id), 0) FROM " + table;
        endOffset = "SELECT max((" + maxId + "), coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))";
    }
}
