package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compact succeeds (exit 0, sizes shown) once VACUUM did, also where another connection keeps the WAL from being
 * copied back into the file: it tries again until the busy timeout (10 s) has passed, then says so in a note.
 */
class KliteCliCompactsWhileAReaderHoldsTheWalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path database;
    Path wal;

    @BeforeEach
    void aFileOfThreeMegabytes() {
        database = dir.resolve("klite.db");
        wal = dir.resolve("klite.db-wal");
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            payloads.add(new byte[1024]);
        }
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, payloads);
        }
    }

    /** A connection reading the file in a transaction begun before the compaction: its snapshot pins the WAL. */
    private static Connection reader(Path database) throws Exception {
        Connection reader = DriverManager.getConnection("jdbc:sqlite:" + database);
        try (Statement statement = reader.createStatement()) {
            statement.execute("BEGIN");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM orders_0")) {
                assertThat(rs.next()).isTrue();
            }
        }
        return reader;
    }

    @Test
    void emptiesTheWalOnceTheReaderLetsGoWithinTheBusyTimeout() throws Exception {
        Cli.Run run;
        try (Connection reader = reader(database)) {
            CompletableFuture<Cli.Run> compact = CompletableFuture.supplyAsync(() -> Cli.on(database, "compact",
                    "--output", "json"));
            // the rebuild is in the WAL, which the reader's snapshot keeps from being copied back
            await().atMost(Duration.ofSeconds(8)).until(() -> Files.exists(wal) && Files.size(wal) > 1 << 20);
            try (Statement statement = reader.createStatement()) {
                statement.execute("COMMIT");
            }
            run = compact.get(20, TimeUnit.SECONDS);
        }

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("bytesAfter").asLong()).isPositive();
        assertThat(json.get("walBytesAfter").asLong()).isZero();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void succeedsWithANoteWhereTheReaderHoldsOnPastTheBusyTimeout() throws Exception {
        Cli.Run run;
        try (Connection reader = reader(database)) {
            run = CompletableFuture.supplyAsync(() -> Cli.on(database, "compact")).get(30, TimeUnit.SECONDS);
            assertThat(Files.size(wal)).isGreaterThan(1 << 20); // until the reader, the last connection, closes
        }

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("DATABASE ").containsPattern("\\nCompacted; the WAL still holds \\d+ bytes: ")
                .endsWith("nothing is lost.\n").hasLineCount(3);
        assertThat(run.err()).isEmpty();
    }
}
