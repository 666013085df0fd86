package io.klite.log;

import io.klite.log.Database.Work;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One partition's table: its SQL, built once, and every statement on its rows.
 *
 * <p>Invariants: the table name comes only from a validated {@link TopicPartition} and is always quoted; every value
 * is a parameter. Offsets are the row ids: a batch goes in with multi-row inserts in one transaction, and its
 * offsets are contiguous, in list order, or nothing is written. Where a statement on the table fails in SQLite (other
 * than busy: a lock says nothing about the table), the catalog forgets the table (another program may have dropped
 * or recreated it), so the next call looks at the file again. The catalog hands a table out only once it exists
 * with Klite's columns.
 */
final class PartitionTable {

    /** The row counts of {@link #insertRows}, largest first; a batch is written in as few statements as they allow. */
    static final int[] ROWS_PER_INSERT = {1000, 100, 10, 1};
    /** The parameter number of the first row's data in {@link #insertRows}. */
    private static final int FIRST_DATA_PARAMETER = 3;
    /**
     * The columns of a message, and flags that spare reading three of them: {@link #KEY_IS_NULL} where the key is
     * null, {@link #CREATED_AS_HINT} where {@code created} is text equal to the parameter (the {@link #createdHint}),
     * byte for byte whatever collation another program gave the column, {@link #HEADERS_ARE_NULL} where the message
     * has no headers.
     */
    private static final String SELECT = "SELECT id, data, key, created, headers,"
            + " (key IS NULL) + 2 * coalesce(typeof(created) = 'text' AND created = ? COLLATE BINARY, 0)"
            + " + 4 * (headers IS NULL), octet_length(data) FROM %s";
    private static final int KEY_IS_NULL = 1;
    private static final int CREATED_AS_HINT = 2;
    private static final int HEADERS_ARE_NULL = 4;
    static final String COMMITTED = "SELECT commit_offset FROM consumer_offsets"
            + " WHERE consumer_group = ? AND topic = ? AND partition = ?";
    private static final String LAST_ROWID = "SELECT last_insert_rowid()";

    /** Sets the parameters of a select after the created hint. */
    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private final TopicPartition tp;
    private final Database db;
    private final GroupCommit writes;
    /** Whether SQLite's {@code sqlite_sequence} table exists yet, which {@link #endOffset} needs. */
    private final Work<Boolean> sequenceExists;
    /** Makes the catalog forget that this table is ready. */
    private final Runnable forget;
    /**
     * Inserts of {@link #ROWS_PER_INSERT} rows each (parameters: 1 the key and 2 the headers, shared by every row;
     * from 3 on the data of each row): one statement per 1000 rows costs far less than 1000 executions of a one-row
     * insert.
     */
    private final String[] insertRows;
    /** Parameters: the created hint, group, topic, partition, limit. Columns: see {@link #SELECT}. */
    private final String fetch;
    /** Parameters: the created hint, after offset, limit. Columns: see {@link #SELECT}. */
    private final String read;
    /** Parameter: the unquoted table name. Needs {@code sqlite_sequence} to exist. */
    private final String endOffset;
    /** Parameter: the unquoted table name. Needs {@code sqlite_sequence} to exist. */
    private static final String SEQUENCE_ROW = "SELECT 1 FROM sqlite_sequence WHERE name = ?";
    /** No parameters: the end offset of a table whose rows were never deleted from the end. */
    private final String maxId;
    /** No parameters: the lowest offset still stored, null where the table is empty. */
    private final String minId;
    /**
     * No parameters: {@link #minId} and {@link #maxId}, each its own subquery, so that each is one index lookup (a
     * query of both aggregates would scan the table).
     */
    private final String minAndMaxId;
    /**
     * Parameters: a UTC time as SQLite reads dates, an offset. The first row at or after the offset: its id, and 1
     * where its {@code created} is at or after the time, else 0 (also for no time, or one that is not a date).
     */
    private final String firstAtOrAfter;
    /**
     * Parameter: the cutoff time. The oldest {@link Retention#CHUNK} rows' ids, each with 1 where its {@code created}
     * is a time before the cutoff, else 0 (no time, or one SQLite cannot read as a date).
     */
    private final String oldest;
    /** Parameter: the highest offset that may go. Deletes the oldest {@link Retention#CHUNK} rows up to it. */
    private final String deleteOldest;
    /**
     * The {@code created} text of the last row read from this table, which the next read passes to SQLite: rows
     * written in the same second share it, and reading the same text over and over would cost more than the rest
     * of the row. Only a hint: a wrong one costs a read of the text, nothing else.
     */
    private volatile String createdHint;

    PartitionTable(TopicPartition tp, Database db, GroupCommit writes, Work<Boolean> sequenceExists, Runnable forget) {
        this.tp = tp;
        this.db = db;
        this.writes = writes;
        this.sequenceExists = sequenceExists;
        this.forget = forget;
        String table = tp.table();
        insertRows = new String[ROWS_PER_INSERT.length];
        for (int i = 0; i < ROWS_PER_INSERT.length; i++) {
            StringBuilder insert = new StringBuilder("INSERT INTO ").append(table)
                    .append(" (data, key, headers) VALUES");
            for (int row = 0; row < ROWS_PER_INSERT[i]; row++) {
                insert.append(row == 0 ? " (?" : ", (?").append(FIRST_DATA_PARAMETER + row).append(", ?1, ?2)");
            }
            insertRows[i] = insert.toString();
        }
        String select = String.format(SELECT, table);
        fetch = select + " WHERE id > coalesce((" + COMMITTED + "), 0) ORDER BY id LIMIT ?";
        read = select + " WHERE id > ? ORDER BY id LIMIT ?";
        maxId = "SELECT coalesce(max(id), 0) FROM " + table;
        minId = "SELECT min(id) FROM " + table;
        minAndMaxId = "SELECT (" + minId + "), (" + maxId + ")";
        firstAtOrAfter = "SELECT id, coalesce(julianday(created) >= julianday(?), 0) FROM " + table
                + " WHERE id >= ? ORDER BY id LIMIT 1";
        oldest = "SELECT id, coalesce(julianday(created) < julianday(?), 0) FROM " + table + " ORDER BY id LIMIT "
                 + Retention.CHUNK;
        deleteOldest = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE id <= ?"
                + " ORDER BY id LIMIT " + Retention.CHUNK + ")";
        endOffset = "SELECT max((" + maxId + "), coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))";
    }

    /**
     * Appends the rows in one grouped transaction, with multi-row inserts as large as {@link #ROWS_PER_INSERT}
     * allows.
     *
     * @param headers the {@code headers} column of every row, or null
     */
    BatchResult append(String key, String headers, List<byte[]> data, long deadline) {
        return write(deadline, conn -> appendIn(conn, key, headers, data));
    }

    /**
     * Appends the rows inside a transaction the caller runs (on the writer), as {@link #append} does: for work that
     * writes to several tables at once. The table must be ready for writing.
     */
    BatchResult appendIn(Conn conn, String key, String headers, List<byte[]> data) throws SQLException {
        int written = 0;
        for (int i = 0; i < ROWS_PER_INSERT.length; i++) {
            int rows = ROWS_PER_INSERT[i];
            for (; data.size() - written >= rows; written += rows) {
                PreparedStatement statement = conn.prepare(insertRows[i]);
                statement.setString(1, key);
                statement.setString(2, headers);
                int parameter = FIRST_DATA_PARAMETER;
                for (byte[] bytes : data.subList(written, written + rows)) {
                    statement.setBytes(parameter++, bytes);
                }
                int rowsWritten = statement.executeUpdate();
                // the cached statement would otherwise hold on to the payloads until its next use
                statement.clearParameters();
                checkWritten(rowsWritten, rows);
            }
        }
        try (ResultSet rs = conn.prepare(LAST_ROWID).executeQuery()) {
            rs.next();
            return new BatchResult(rs.getLong(1) - data.size() + 1, data.size());
        }
    }

    /**
     * The messages after the group's committed offset (after 0 where it has none), in offset order: at most
     * {@code maxMessages}, and no more than {@code maxBytes} of payload, but at least one.
     */
    List<Message> fetch(String group, int maxMessages, long maxBytes) {
        return select(fetch, maxMessages, maxBytes, statement -> {
            statement.setString(2, group);
            statement.setString(3, tp.topic());
            statement.setInt(4, tp.partition());
            statement.setInt(5, maxMessages);
        });
    }

    /** The messages after {@code afterOffset}, in offset order, as many as {@link #fetch} would take. */
    List<Message> read(long afterOffset, int maxMessages, long maxBytes) {
        return select(read, maxMessages, maxBytes, statement -> {
            statement.setLong(2, afterOffset);
            statement.setInt(3, maxMessages);
        });
    }

    /** The highest offset ever written; see {@link #endOffset(Conn)}. */
    long endOffset() {
        return forgetOnFailure(() -> db.read(this::endOffset));
    }

    /**
     * The highest offset ever written, inside other work: {@code sqlite_sequence} remembers it after the newest rows
     * were deleted, {@code max(id)} covers tables another program created without AUTOINCREMENT.
     */
    long endOffset(Conn conn) throws SQLException {
        PreparedStatement statement;
        if (sequenceExists.run(conn)) {
            statement = conn.prepare(endOffset);
            statement.setString(1, tp.tableName());
        } else {
            statement = conn.prepare(maxId);
        }
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The partition's start and end offsets inside other work, as {@link #startOffset} and {@link #endOffset} read
     * them, with {@code sqlite_sequence} read once for every table ({@link Catalog#sequences}) rather than looked up,
     * without an index, per table.
     */
    PartitionInfo info(Conn conn, Map<String, Long> sequences) throws SQLException {
        try (ResultSet rs = conn.prepare(minAndMaxId).executeQuery()) {
            rs.next();
            long min = rs.getLong(1);
            long end = Math.max(rs.getLong(2), sequences.getOrDefault(tp.tableName(), 0L));
            return new PartitionInfo(tp.partition(), min > 0 ? min : end + 1, end);
        }
    }

    /**
     * The lowest offset still stored (retention deletes the oldest), or {@link #endOffset} + 1 where the table holds
     * no row: the offset a reader from the start gets first.
     */
    long startOffset() {
        return forgetOnFailure(() -> db.read(conn -> {
            try (ResultSet rs = conn.prepare(minId).executeQuery()) {
                long min = rs.next() ? rs.getLong(1) : 0;
                return min > 0 ? min : endOffset(conn) + 1;
            }
        }));
    }

    /**
     * The offset of the first message whose {@code created} is at or after {@code time} (a UTC time as SQLite reads
     * dates), or {@link #endOffset} + 1 where none is. A binary search over the offsets, O(log n) lookups by row id:
     * exact where the times do not go backwards along the offsets, which holds for rows written with SQLite's
     * {@code CURRENT_TIMESTAMP} on one machine unless its clock is set back. A row without a time, or with one that is
     * not a date, counts as before any time.
     */
    long offsetAtOrAfter(String time) {
        return forgetOnFailure(() -> db.read(conn -> {
            long end = endOffset(conn);
            PreparedStatement statement = conn.prepare(firstAtOrAfter);
            statement.setString(1, time);
            // the smallest x in [low, end + 1] whose first row at or after x is at or after the time (or absent)
            long low = 0;
            long high = end + 1;
            while (low < high) {
                long middle = low + (high - low) / 2;
                statement.setLong(2, middle);
                try (ResultSet rs = statement.executeQuery()) {
                    if (!rs.next() || rs.getInt(2) == 1) {
                        high = middle;
                    } else {
                        low = rs.getLong(1) + 1;
                    }
                }
            }
            statement.setLong(2, low);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : end + 1;
            }
        }));
    }

    /**
     * Whether SQLite remembers the table's highest offset apart from its rows, inside other work: true for an
     * {@code AUTOINCREMENT} table that ever held a row; false for a table another program created without it, whose
     * next offset would be its highest remaining id + 1.
     */
    boolean remembersEndIn(Conn conn) throws SQLException {
        if (!sequenceExists.run(conn)) {
            return false;
        }
        PreparedStatement statement = conn.prepare(SEQUENCE_ROW);
        statement.setString(1, tp.tableName());
        try (ResultSet rs = statement.executeQuery()) {
            return rs.next();
        }
    }

    /** The highest id in the table, 0 where it is empty, inside other work. */
    long maxIdIn(Conn conn) throws SQLException {
        try (ResultSet rs = conn.prepare(maxId).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The offset of the last of the oldest rows (at most {@link Retention#CHUNK}) written before {@code cutoff}, a
     * UTC time as SQLite writes {@code created}; 0 where the oldest row is not that old. Times are compared as
     * SQLite's dates ({@code julianday}), so another program's {@code 2026-12-01T10:00:00} counts as well as
     * {@code 2026-12-01 10:00:00}; a row with no time, or one that is not a date, is never old. Only a prefix counts:
     * the first row not old enough ends it.
     */
    long oldestBeforeIn(Conn conn, String cutoff) throws SQLException {
        long old = 0;
        PreparedStatement statement = conn.prepare(oldest);
        statement.setString(1, cutoff);
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next() && rs.getInt(2) == 1) {
                old = rs.getLong(1);
            }
        }
        return old;
    }

    /** Deletes the oldest rows up to offset {@code bound}, {@link Retention#CHUNK} at most, inside other work. */
    int deleteOldestIn(Conn conn, long bound) throws SQLException {
        PreparedStatement statement = conn.prepare(deleteOldest);
        statement.setLong(1, bound);
        return statement.executeUpdate();
    }

    /** Runs work on this table in a grouped write transaction (see {@link GroupCommit#write}). */
    <T> T write(long deadline, Work<T> work) {
        return forgetOnFailure(() -> writes.write(deadline, work));
    }

    private <T> T forgetOnFailure(Supplier<T> work) {
        try {
            return work.get();
        } catch (KliteStorageException e) {
            if (Database.mayConcernTable(e)) {
                forget.run();
            }
            throw e;
        }
    }

    /**
     * The rows of a fetch or read; the flag column spares reading a null key, a repeated created text, no headers.
     * The payload's size is read before the payload, so a row that would take the batch past {@code maxBytes} ends
     * it without its payload being copied into the heap.
     */
    private List<Message> select(String sql, int maxMessages, long maxBytes, Parameters parameters) {
        return forgetOnFailure(() -> db.read(conn -> {
            PreparedStatement statement = conn.prepare(sql);
            String hint = createdHint;
            statement.setString(1, hint);
            parameters.set(statement);
            List<Message> messages = new ArrayList<>(Math.min(maxMessages, 1024));
            String created = hint;
            long bytes = 0;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    bytes += rs.getLong(7);
                    if (bytes > maxBytes && !messages.isEmpty()) {
                        break;
                    }
                    int flags = rs.getInt(6);
                    long offset = rs.getLong(1);
                    byte[] data = rs.getBytes(2);
                    String key = (flags & KEY_IS_NULL) != 0 ? null : rs.getString(3);
                    created = (flags & CREATED_AS_HINT) != 0 ? hint : rs.getString(4);
                    Map<String, String> headers = (flags & HEADERS_ARE_NULL) != 0 ? Map.of()
                            : Headers.fromColumn(rs.getString(5), tp, offset);
                    messages.add(new Message(offset, data == null ? new byte[0] : data, key, created, headers));
                }
            }
            if (created != null) {
                createdHint = created;
            }
            return messages;
        }));
    }

    /**
     * Offsets are read back from SQLite's last row id, which is right only where every row was inserted: a trigger of
     * another program that drops rows ({@code RAISE(IGNORE)}) would shift them. The transaction then rolls back.
     */
    private void checkWritten(int written, int rows) {
        if (written != rows) {
            throw new KliteStorageException("Cannot append to " + tp + ": SQLite inserted " + written + " of " + rows
                    + " rows into table " + tp.table() + " (a trigger on it?); nothing was written", null);
        }
    }
}
