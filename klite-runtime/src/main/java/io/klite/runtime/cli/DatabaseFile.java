package io.klite.runtime.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The database file a command works on, and where its path came from (for messages). Without {@code --database} it is
 * the service's, found as the service finds it when run in the same working directory: the environment variable
 * {@value #VARIABLE}, else {@value #SETTING} in {@code ./application.properties}, else {@value #DEFAULT} (the bundled
 * default); a relative path is relative to the working directory, as for the service. Invariant: finding the file and
 * {@link #requireKlite()} write nothing.
 *
 * @param path   the file
 * @param source where the path came from, such as {@code from --database}
 */
record DatabaseFile(Path path, String source) {

    static final String VARIABLE = "CAMEL_COMPONENT_KLITE_DATABASE";
    static final String SETTING = "camel.component.klite.database";
    static final String DEFAULT = "data/klite.db";

    /** The service's file, for a service run in {@code workingDirectory} with this environment. */
    static DatabaseFile ofService(Map<String, String> environment, Path workingDirectory) {
        String variable = environment.get(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return of(workingDirectory, variable.strip(), "from " + VARIABLE);
        }
        Path properties = workingDirectory.resolve("application.properties");
        if (Files.isRegularFile(properties)) {
            Properties settings = new Properties();
            try (Reader reader = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
                settings.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new CliFailure("Cannot read '" + properties.toAbsolutePath().normalize() + "' for the service's"
                        + " " + SETTING + ": " + e.getMessage() + "; give the file with --database");
            }
            String value = settings.getProperty(SETTING);
            if (value != null && !value.isBlank()) {
                if (value.contains("{{") || value.contains("${")) {
                    throw new CliFailure(SETTING + " in '" + properties.toAbsolutePath().normalize() + "' is '"
                            + value.strip() + "', a placeholder the CLI does not resolve; give the file with"
                            + " --database");
                }
                return of(workingDirectory, value.strip(), "from " + SETTING + " in ./application.properties");
            }
        }
        return of(workingDirectory, DEFAULT, "the default, " + DEFAULT + " relative to the working directory");
    }

    private static DatabaseFile of(Path workingDirectory, String path, String source) {
        return new DatabaseFile(workingDirectory.resolve(path), source);
    }

    /**
     * Refuses a file that is not a Klite file: one without the {@code consumer_offsets} table that every Klite and
     * seed klite file has (an empty file, another application's SQLite file) or not SQLite at all. Looks with a
     * read-only connection, which writes nothing and waits for no writer.
     *
     * @throws CliFailure naming the path and what it is
     */
    void requireKlite() {
        Path file = path.toAbsolutePath().normalize();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        boolean klite;
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                     + " AND name = 'consumer_offsets'")) {
            klite = rs.next() && rs.getInt(1) == 1;
        } catch (SQLException e) {
            boolean notSqlite = String.valueOf(e.getMessage()).contains("NOTADB");
            throw new CliFailure("Cannot open Klite database '" + file + "' (" + source + "): "
                    + (notSqlite ? "the file exists but is not a SQLite database" : e.getMessage())
                    + "; nothing was written");
        }
        if (!klite) {
            throw new CliFailure("Database file '" + file + "' (" + source + ") is not a Klite database: "
                    + (isEmpty(file) ? "it is empty" : "a SQLite file without Klite's consumer_offsets table")
                    + "; nothing was written; give the service's file with --database");
        }
    }

    private static boolean isEmpty(Path file) {
        try {
            return Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
