package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A send waits for another connection's lock about as long as the busy timeout, then fails with a clear error and
 * writes nothing.
 */
class KliteLogSendWaitsAboutTheBusyTimeoutTest {

    private static final Duration BUSY_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    @Test
    void aSendFailsSoonAfterTheBusyTimeoutWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
        Path file = dir.resolve("klite.db");
        try (KliteLog log = KliteLog.open(file, LogOptions.DEFAULTS.withBusyTimeout(BUSY_TIMEOUT));
                Jdbc other = new Jdbc(file)) {
            log.createTopic("orders", 1);
            other.exec("BEGIN IMMEDIATE");

            long start = System.nanoTime();
            assertThatThrownBy(() -> log.send("orders", 0, "waits"))
                    .isInstanceOf(KliteStorageException.class)
                    .hasMessageContaining("Cannot write Klite database '" + file + "': it was busy")
                    .hasMessageContaining("past the busy timeout of 500 ms; nothing was written");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            other.exec("ROLLBACK");
            assertThat(waited).isBetween(BUSY_TIMEOUT.minusMillis(50), BUSY_TIMEOUT.multipliedBy(3));
            assertThat(log.endOffset("orders", 0)).isZero();
        }
    }
}
