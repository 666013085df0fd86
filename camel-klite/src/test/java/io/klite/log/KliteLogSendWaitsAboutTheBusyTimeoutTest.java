package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A send waits for another connection's lock about as long as the busy timeout in all, then fails with a clear error
 * and writes nothing: also where it must create its topic's table first, and where an earlier send failed on the
 * same lock. Twice the timeout (a wait for the table, then another for the rows) fails these tests.
 */
class KliteLogSendWaitsAboutTheBusyTimeoutTest {

    private static final Duration BUSY_TIMEOUT = Duration.ofMillis(500);
    /** SQLite's busy handler sleeps in steps of up to 100 ms, and this machine is shared: room, but below 2x. */
    private static final Duration MOST = BUSY_TIMEOUT.multipliedBy(8).dividedBy(5);

    @TempDir
    Path dir;

    @Test
    void aSendToAnExistingTopicFailsSoonAfterTheBusyTimeout() throws Exception {
        try (KliteLog log = open(); Jdbc other = new Jdbc(file())) {
            log.createTopic("orders", 1);
            other.exec("BEGIN IMMEDIATE");

            assertFailsWithinTheBusyTimeout(log, "orders");

            other.exec("ROLLBACK");
            assertThat(log.endOffset("orders", 0)).isZero();
        }
    }

    @Test
    void aFirstSendThatCreatesItsTopicWaitsOneBusyTimeoutInAll() throws Exception {
        try (KliteLog log = open(); Jdbc other = new Jdbc(file())) {
            other.exec("BEGIN IMMEDIATE");

            assertFailsWithinTheBusyTimeout(log, "payments");

            other.exec("ROLLBACK");
            assertThat(log.partitionCount("payments")).as("no table was created").isZero();
        }
    }

    @Test
    void aSendAfterAnotherFailedOnTheSameLockWaitsOneBusyTimeoutToo() throws Exception {
        try (KliteLog log = open(); Jdbc other = new Jdbc(file())) {
            log.createTopic("orders", 1);
            other.exec("BEGIN IMMEDIATE");

            assertFailsWithinTheBusyTimeout(log, "orders");
            assertFailsWithinTheBusyTimeout(log, "orders");

            other.exec("ROLLBACK");
            assertThat(log.endOffset("orders", 0)).isZero();
            assertThat(log.send("orders", 0, "after")).as("the lock is free again").isEqualTo(1);
        }
    }

    private void assertFailsWithinTheBusyTimeout(KliteLog log, String topic) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> log.send(topic, 0, "waits"))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("Cannot write Klite database '" + file() + "': it was busy")
                .hasMessageContaining("past the busy timeout of 500 ms; nothing was written");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).isBetween(BUSY_TIMEOUT.minusMillis(50), MOST);
    }

    private KliteLog open() {
        return KliteLog.open(file(), LogOptions.DEFAULTS.withBusyTimeout(BUSY_TIMEOUT));
    }

    private Path file() {
        return dir.resolve("klite.db");
    }
}
