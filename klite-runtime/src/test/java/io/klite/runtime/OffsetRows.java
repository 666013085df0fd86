package io.klite.runtime;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a file's {@code consumer_offsets} table, read with plain JDBC as another program would, each as
 * {@code group|topic|partition|commit_offset|updated_at}: the independent view the tests check the service's writes
 * (and that a refused or dry-run request wrote nothing) against.
 */
public final class OffsetRows {

    private OffsetRows() {
    }

    /** Every row, by group, topic and partition. */
    public static List<String> of(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                ResultSet rs = connection.createStatement().executeQuery("SELECT consumer_group, topic, partition,"
                        + " commit_offset, updated_at FROM consumer_offsets ORDER BY consumer_group, topic, partition")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getInt(3) + "|" + rs.getLong(4) + "|"
                        + rs.getString(5));
            }
            return rows;
        }
    }

    /** The rows of one group, without their times: {@code topic|partition|commit_offset}. */
    public static List<String> ofGroup(Path database, String group) throws SQLException {
        List<String> rows = new ArrayList<>();
        for (String row : of(database)) {
            String[] columns = row.split("\\|");
            if (columns[0].equals(group)) {
                rows.add(columns[1] + "|" + columns[2] + "|" + columns[3]);
            }
        }
        return rows;
    }
}
