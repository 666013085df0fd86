package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code klite_idempotency_keys} table: which sends were made with which {@link IdempotencyKey}.
 *
 * <p>Invariants: a key's row is written in the transaction that writes its send's messages, so a send is in the file
 * with its key or not at all, whenever the process dies; a key is looked up inside that same write transaction (time
 * read there too), so two sends with one key, in one process or two, write once. A row whose {@code expires_at} has
 * passed counts as absent and is replaced by the next send with its key; the retention cleaner deletes such rows.
 */
final class IdempotencyKeys {

    static final String DDL = Catalog.resource("idempotency_keys.sql");
    /** The most expired rows one transaction deletes. */
    static final int CHUNK = 5000;
    private static final String SELECT = "SELECT fingerprint, topic, partition, first_offset, count, created_at"
            + " FROM klite_idempotency_keys WHERE idempotency_key = ? AND expires_at > ?";
    private static final String UPSERT = "INSERT OR REPLACE INTO klite_idempotency_keys (idempotency_key,"
            + " fingerprint, topic, partition, first_offset, count, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * Parameter: now. The oldest {@link #CHUNK} rows, each with 1 where it has expired: rows go in in time order, so
     * the expired keys are a prefix, but where a key with a longer window came before them, which holds them until it
     * expires too (a lookup ignores them meanwhile).
     */
    private static final String OLDEST = "SELECT rowid, expires_at <= ? FROM klite_idempotency_keys ORDER BY rowid"
            + " LIMIT " + CHUNK;
    /** Parameter: the highest rowid to delete. */
    private static final String DELETE_UP_TO = "DELETE FROM klite_idempotency_keys WHERE rowid <= ?";

    /** What a key's lookup found: nothing (write), the same send (answer it) or another send (refuse). */
    sealed interface Found {
    }

    record Absent() implements Found {
    }

    /** The send: written now, or found with the same fingerprint ({@link IdempotentSend#replayed()}). */
    record Sent(IdempotentSend send) implements Found {
    }

    record Other(String topic, String createdAt) implements Found {
    }

    private final Database db;

    IdempotencyKeys(Database db) {
        this.db = db;
    }

    /** Looks the key up inside the caller's write transaction, at {@code nowMillis}. */
    Found findIn(Conn conn, IdempotencyKey once, long nowMillis) throws SQLException {
        PreparedStatement statement = conn.prepare(SELECT);
        statement.setString(1, once.key());
        statement.setLong(2, nowMillis);
        try (ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return new Absent();
            }
            if (!rs.getString(1).equals(once.fingerprint())) {
                return new Other(rs.getString(2), rs.getString(6));
            }
            return new Sent(new IdempotentSend(rs.getString(2), rs.getInt(3),
                    new BatchResult(rs.getLong(4), rs.getInt(5)), true));
        }
    }

    /** Remembers the key's send inside the caller's write transaction, until {@code nowMillis} + its window. */
    void storeIn(Conn conn, IdempotencyKey once, TopicPartition tp, BatchResult result, long nowMillis)
            throws SQLException {
        PreparedStatement statement = conn.prepare(UPSERT);
        statement.setString(1, once.key());
        statement.setString(2, once.fingerprint());
        statement.setString(3, tp.topic());
        statement.setInt(4, tp.partition());
        statement.setLong(5, result.firstOffset());
        statement.setInt(6, result.count());
        statement.setString(7, DeliveryAttemptsTable.text(Instant.ofEpochMilli(nowMillis)));
        statement.setLong(8, saturatedAdd(nowMillis, once.window().toMillis()));
        statement.executeUpdate();
    }

    /**
     * Deletes the keys whose window has passed, oldest first, {@link #CHUNK} rows per transaction.
     *
     * @return how many were deleted
     */
    long deleteExpired(Instant now) {
        long deleted = 0;
        int chunk;
        do {
            chunk = db.write(conn -> {
                PreparedStatement oldest = conn.prepare(OLDEST);
                oldest.setLong(1, now.toEpochMilli());
                long bound = 0;
                try (ResultSet rs = oldest.executeQuery()) {
                    while (rs.next() && rs.getInt(2) == 1) {
                        bound = rs.getLong(1);
                    }
                }
                if (bound == 0) {
                    return 0;
                }
                PreparedStatement delete = conn.prepare(DELETE_UP_TO);
                delete.setLong(1, bound);
                return delete.executeUpdate();
            });
            deleted += chunk;
        } while (chunk == CHUNK && !Thread.currentThread().isInterrupted());
        return deleted;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
