package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAL mode always; synchronous NORMAL by default and FULL on request, on the connection that writes. */
class KliteLogDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void defaultsToWalWithSynchronousNormal() {
        try (KliteLog log = KliteLog.open(dir.resolve("normal.db"))) {
            assertThat(writerPragma(log, "journal_mode")).isEqualTo("wal");
            assertThat(writerPragma(log, "synchronous")).isEqualTo("1");
            assertThat(writerPragma(log, "busy_timeout")).isEqualTo("10000");
        }
    }

    @Test
    void fullDurabilityRunsTheWriterWithSynchronousFull() {
        try (KliteLog log = KliteLog.open(dir.resolve("full.db"), LogOptions.DEFAULTS.withDurability(Durability.FULL)
                .withBusyTimeout(java.time.Duration.ofSeconds(3)))) {
            assertThat(writerPragma(log, "synchronous")).isEqualTo("2");
            assertThat(writerPragma(log, "busy_timeout")).isEqualTo("3000");
            assertThat(log.send("t", 0, "x")).isEqualTo(1);
        }
    }

    @Test
    void closingCheckpointsTheWalIntoTheDatabaseFile() throws Exception {
        Path file = dir.resolve("closed.db");
        try (KliteLog log = KliteLog.open(file)) {
            log.sendBatch("t", 0, java.util.List.of("a", "b"));
            assertThat(log.fetch("g", "t", 0, 10)).hasSize(2);
            assertThat(Path.of(file + "-wal")).exists();
        }
        assertThat(Path.of(file + "-wal")).doesNotExist();
        try (Jdbc jdbc = new Jdbc(file)) {
            assertThat(jdbc.count("SELECT count(*) FROM t_0")).isEqualTo(2);
        }
    }

    private static String writerPragma(KliteLog log, String pragma) {
        return log.database().write(conn -> {
            try (ResultSet rs = conn.prepare("PRAGMA " + pragma).executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}
