package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that only read take no write lock and write nothing: they answer at once while another connection holds
 * the file's write lock (BEGIN IMMEDIATE), where opening the log used to wait for it (up to the busy timeout of 10 s);
 * and they refuse a file that is not a Klite file (an empty file, another application's SQLite file), naming the path,
 * with the file's bytes left as they were and no file beside it.
 */
class KliteCliReadsWithoutTheWriteLockTest {

    @TempDir
    Path dir;

    @Test
    void readCommandsAnswerWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b"));
            log.commit("billing", "orders", 0, 1);
        }
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = writer.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO consumer_offsets (consumer_group, topic, partition, commit_offset)"
                              + " VALUES ('other', 'orders', 0, 1)");

            for (String command : List.of("topics list", "groups describe --group billing",
                    "consume --topic orders --from-beginning --timeout-ms 0")) {
                // well within the 10 s busy timeout a write lock would have made it wait
                Cli.Run run = CompletableFuture.supplyAsync(() -> Cli.on(database, command.split(" ")))
                        .get(5, TimeUnit.SECONDS);
                assertThat(run.exit()).as(run.toString()).isZero();
            }
            assertThat(Cli.on(database, "consume", "--topic", "orders", "--from-beginning", "--timeout-ms", "0")
                    .out()).isEqualTo("a\nb\n");
            statement.execute("ROLLBACK");
        }
    }

    @Test
    void anEmptyFileIsRefusedAndLeftEmpty() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.db"));

        for (String command : List.of("topics list", "groups list", "consume --topic orders --from-beginning",
                "dlq list --topic orders.dlq", "compact")) {
            Cli.Run run = Cli.on(empty, command.split(" "));

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("Database file '" + empty + "' (from --database) is not a Klite database:"
                    + " it is empty; nothing was written; give the service's file with --database\n");
            assertThat(Files.size(empty)).isZero();
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(empty);
        }
    }

    @Test
    void anotherApplicationsSqliteFileIsRefusedAndLeftAsItWas() throws Exception {
        Path foreign = dir.resolve("inventory.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + foreign);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (name TEXT)");
            statement.execute("INSERT INTO items VALUES ('bolt')");
        }
        byte[] before = Files.readAllBytes(foreign);

        for (String command : List.of("topics list", "topics describe --topic orders", "groups list",
                "groups reset-offsets --group billing --all-topics --to-earliest", "dlq list --topic orders.dlq")) {
            Cli.Run run = Cli.on(foreign, command.split(" "));

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("Database file '" + foreign + "' (from --database) is not a Klite"
                    + " database: a SQLite file without Klite's consumer_offsets table; nothing was written; give the"
                    + " service's file with --database\n");
            assertThat(Files.readAllBytes(foreign)).isEqualTo(before);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(foreign);
        }
    }
}
