package io.klite.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * One JDBC connection to the file and its prepared statements, reused across calls.
 *
 * <p>Invariants: used by one thread at a time; a statement is prepared once per connection and never closed by
 * its users; at most {@value #STATEMENT_CACHE_SIZE} statements are kept, the least recently used closed first;
 * after a failure {@link #forgetStatements} leaves no statement the driver may have closed.
 */
final class Conn {

    private static final int STATEMENT_CACHE_SIZE = 1024;

    private final Connection connection;
    private final Map<String, PreparedStatement> statements =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                    if (size() > STATEMENT_CACHE_SIZE) {
                        closeQuietly(eldest.getValue());
                        return true;
                    }
                    return false;
                }
            };
    /** The busy timeout SQLite applies on this connection now, in milliseconds. */
    private int busyTimeoutMillis;

    Conn(Connection connection, int busyTimeoutMillis) {
        this.connection = connection;
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    /** A prepared statement for this SQL, prepared once per connection. Do not close it. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Closes and forgets the cached statements: after a failure the driver may have closed one of them. */
    void forgetStatements() {
        statements.values().forEach(Conn::closeQuietly);
        statements.clear();
    }

    void exec(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** How long SQLite waits for another connection's lock from now on; no call into SQLite where it is unchanged. */
    void busyTimeout(int millis) throws SQLException {
        if (millis != busyTimeoutMillis) {
            connection.unwrap(SQLiteConnection.class).setBusyTimeout(millis);
            busyTimeoutMillis = millis;
        }
    }

    void close() {
        forgetStatements();
        closeQuietly(connection);
    }

    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // closing is best effort: the file is consistent after every committed transaction
        }
    }
}
