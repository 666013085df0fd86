package io.klite.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of every command: the database file, the output's form and {@code --help}; and how a command opens the
 * file and writes its answer. Invariants: {@link #openExisting()} never creates a file and writes nothing to a file that
 * is not a Klite one (a read command, or a change that needs something in the file, fails naming the path instead);
 * an answer is either the table (for people) or one
 * JSON document (for scripts), never both.
 */
final class CommonOptions {

    /** What an answer looks like. */
    enum Format { table, json }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--database", paramLabel = "<file>",
            description = "The SQLite file; default the service's, as it finds it in the working directory:"
                          + " $CAMEL_COMPONENT_KLITE_DATABASE, else camel.component.klite.database in"
                          + " ./application.properties, else data/klite.db.")
    Path database;

    @Option(names = "--output", paramLabel = "table|json", defaultValue = "table",
            description = "table (default): aligned columns for people; json: one JSON document for scripts, with"
                          + " the HTTP API's field names.")
    Format output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help and exits.")
    boolean help;

    /**
     * Opens the log of a file that must exist and be a Klite file (it has the {@code consumer_offsets} table, as every
     * Klite or seed klite file has), checked with a read-only connection first, so that a file that is not one is
     * refused with nothing written to it.
     *
     * @throws CliFailure naming the path (and where it came from) where there is no file, or not a Klite one
     */
    KliteLog openExisting() {
        DatabaseFile file = databaseFile();
        if (!Files.exists(file.path())) {
            throw new CliFailure("Database file '" + file.path().toAbsolutePath().normalize() + "' does not exist ("
                    + file.source() + "); give the service's file with --database");
        }
        if (!Files.isDirectory(file.path())) {
            file.requireKlite();
        }
        return KliteLog.open(file.path());
    }

    /**
     * Opens the log of the file, creating it (and its folder) where missing, and Klite's tables where the file lacks
     * them, as the service does: for the commands that create topics ({@code topics create}, {@code produce}).
     */
    KliteLog openOrCreate() {
        return KliteLog.open(databaseFile().path());
    }

    /** The database file: {@code --database}, else the service's ({@link DatabaseFile#ofService}). */
    DatabaseFile databaseFile() {
        return database != null ? new DatabaseFile(database, "from --database")
                : DatabaseFile.ofService(System.getenv(), Path.of(""));
    }

    boolean json() {
        return output == Format.json;
    }

    /** Writes the answer: {@code json} as one JSON document, or {@code table} (any text, each line ended). */
    void print(Object json, String table) {
        PrintWriter out = out();
        if (json()) {
            try {
                out.println(JSON.writeValueAsString(json));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the answer as JSON", e);
            }
        } else {
            out.print(table);
        }
        out.flush();
    }

    /** A JSON object of the names and values given in turn, in that order. */
    static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            json.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return json;
    }

    CommandLine commandLine() {
        return command.commandLine();
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
