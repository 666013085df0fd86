package io.klite.log;

/**
 * The SQL of one partition table, built once per table rather than on every call. The table name comes only from
 * a validated {@link TopicPartition} and is quoted; every value is a parameter.
 */
final class TableSql {

    /** The row counts of {@link #insertRows}, largest first; a batch is written in as few statements as they allow. */
    static final int[] ROWS_PER_INSERT = {1000, 100, 10, 1};
    /** The parameter number of the first row's data in {@link #insertRows}. */
    static final int FIRST_DATA_PARAMETER = 3;

    /**
     * The columns of a message, and flags that spare reading three of them: {@link #KEY_IS_NULL} where the key is
     * null, {@link #CREATED_AS_HINT} where {@code created} is text equal to the parameter (the {@link #createdHint}),
     * byte for byte whatever collation another program gave the column, {@link #HEADERS_ARE_NULL} where the message
     * has no headers.
     */
    static final String SELECT = "SELECT id, data, key, created, headers,"
            + " (key IS NULL) + 2 * coalesce(typeof(created) = 'text' AND created = ? COLLATE BINARY, 0)"
            + " + 4 * (headers IS NULL) FROM %s";
    static final int KEY_IS_NULL = 1;
    static final int CREATED_AS_HINT = 2;
    static final int HEADERS_ARE_NULL = 4;

    static final String COMMITTED = "SELECT commit_offset FROM consumer_offsets"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";

    /**
     * Inserts of {@link #ROWS_PER_INSERT} rows each (parameters: 1 the key and 2 the headers, shared by every row;
     * from 3 on the data of each row): one statement per 1000 rows costs far less than 1000 executions of a one-row
     * insert.
     */
    final String[] insertRows;
    /** Parameters: the created hint, group, topic, partition, limit. Columns: see {@link #SELECT}. */
    final String fetch;
    /** Parameters: the created hint, after offset, limit. Columns: see {@link #SELECT}. */
    final String read;
    /**
     * The {@code created} text of the last row read from this table, which the next read passes to SQLite: rows
     * written in the same second share it, and reading the same text over and over would cost more than the rest
     * of the row. Only a hint: a wrong one costs a read of the text, nothing else.
     */
    volatile String createdHint;
    /** Parameter: the unquoted table name. Needs {@code sqlite_sequence} to exist. */
    final String endOffset;
    /** No parameters: the end offset of a table whose rows were never deleted from the end. */
    final String maxId;

    TableSql(TopicPartition tp) {
        String table = tp.table();
        String select = String.format(SELECT, table);
        insertRows = new String[ROWS_PER_INSERT.length];
        for (int i = 0; i < ROWS_PER_INSERT.length; i++) {
            StringBuilder insert = new StringBuilder("INSERT INTO ").append(table).append(" (data, key, headers) VALUES");
            for (int row = 0; row < ROWS_PER_INSERT[i]; row++) {
                insert.append(row == 0 ? " (?" : ", (?").append(FIRST_DATA_PARAMETER + row).append(", ?1, ?2)");
            }
            insertRows[i] = insert.toString();
        }
        fetch = select + " WHERE id > coalesce((" + COMMITTED + "), 0) ORDER BY id LIMIT ?";
        read = select + " WHERE id > ? ORDER BY id LIMIT ?";
        maxId = "SELECT coalesce(max(id), 0) FROM " + table;
        endOffset = "SELECT max((" + maxId + "), coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))";
    }
}
