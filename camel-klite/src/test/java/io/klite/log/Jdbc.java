package io.klite.log;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC on a SQLite file, as another program would use it: the independent view the tests check against. */
final class Jdbc implements AutoCloseable {

    private final Connection connection;

    /** Creates a partition table with the seed klite's own DDL: unquoted name, no key or headers column. */
    void createSeedPartition(String table) throws SQLException {
        exec("CREATE TABLE IF NOT EXISTS " + table + " (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " data BLOB NOT NULL, created DATETIME DEFAULT CURRENT_TIMESTAMP)");
    }

    Jdbc(Path file) throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        connection.createStatement().execute("PRAGMA busy_timeout = 10000");
    }

    void exec(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepared(sql, params)) {
            statement.execute();
        }
    }

    List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepared(sql, params); ResultSet rs = statement.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    List<String> strings(String sql, Object... params) throws SQLException {
        List<String> values = new ArrayList<>();
        for (Map<String, Object> row : rows(sql, params)) {
            Object value = row.values().iterator().next();
            values.add(value == null ? null : value.toString());
        }
        return values;
    }

    long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(strings(sql, params).get(0));
    }

    private PreparedStatement prepared(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
