package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
 * Opening a file that has Klite's tables, and reading partitions whose tables have Klite's columns, take no write
 * lock: both answer while another connection holds the file's write lock, where they used to wait for it (up to the
 * busy timeout, 10 s). A file without the tables still gets them when opened.
 */
class KliteLogOpensAndReadsWithoutTheWriteLockTest {

    @TempDir
    Path dir;

    @Test
    void opensAndReadsWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(database)) {
            log.sendBatch("orders", 0, List.of("a", "b"));
            log.commit("billing", "orders", 0, 1);
        }
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = writer.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("DELETE FROM consumer_offsets");

            List<String> read = CompletableFuture.supplyAsync(() -> {
                try (KliteLog log = KliteLog.open(database)) {
                    return log.read("orders", 0, 0, 10).stream()
                            .map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
                }
            }).get(5, TimeUnit.SECONDS);

            assertThat(read).containsExactly("a", "b");
            statement.execute("ROLLBACK");
        }
    }

    @Test
    void aFileWithoutKlitesTablesGetsThemWhenOpened() throws Exception {
        Path database = dir.resolve("other.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (name TEXT)");
        }

        try (KliteLog log = KliteLog.open(database)) {
            assertThat(log.topics()).isEmpty();
        }
        assertThat(Files.size(database)).isPositive();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE name IN ('consumer_offsets',"
                     + " 'klite_delivery_attempts', 'klite_topic_config', 'klite_members', 'klite_partition_leases',"
                     + " 'klite_idempotency_keys')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(6);
        }
    }
}
