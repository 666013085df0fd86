package io.klite.runtime;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a file's {@code klite_topic_config} table, read with plain JDBC as another program would, each as
 * {@code topic|retention_ms|retention_messages|retention_keep_unconsumed} ({@code null} where a column is NULL):
 * the independent view the tests check the service's writes against.
 */
public final class TopicConfigRows {

    private TopicConfigRows() {
    }

    /** Every row, by topic; none where the table does not exist yet. */
    public static List<String> of(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                ResultSet tables = connection.createStatement().executeQuery(
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'klite_topic_config'")) {
            List<String> rows = new ArrayList<>();
            if (!tables.next()) {
                return rows;
            }
            try (ResultSet rs = connection.createStatement().executeQuery("SELECT topic, retention_ms,"
                    + " retention_messages, retention_keep_unconsumed FROM klite_topic_config ORDER BY topic")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
                }
            }
            return rows;
        }
    }
}
