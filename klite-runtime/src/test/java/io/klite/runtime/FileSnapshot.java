package io.klite.runtime;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every table of a file and its rows, read with plain JDBC as another program would: two snapshots are equal where
 * nothing was written in between. Rows as text, each column's value ({@code byte[]} as hex), sorted.
 */
public final class FileSnapshot {

    private FileSnapshot() {
    }

    public static Map<String, List<String>> of(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = connection.createStatement()
                    .executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            Map<String, List<String>> tables = new TreeMap<>();
            for (String name : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = connection.createStatement()
                        .executeQuery("SELECT * FROM \"" + name.replace("\"", "\"\"") + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>(columns);
                        for (int i = 1; i <= columns; i++) {
                            Object value = rs.getObject(i);
                            row.add(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes)
                                    : String.valueOf(value));
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                tables.put(name, rows);
            }
            return tables;
        }
    }
}
