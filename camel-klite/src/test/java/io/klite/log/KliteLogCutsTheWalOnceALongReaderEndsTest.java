package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Another connection keeps one read transaction open, so no checkpoint can start the WAL over: sends go on all the
 * same, none waiting anywhere near the 10 s busy timeout for a checkpoint, and the WAL grows past the size at which
 * the writer checkpoints. Once the reader lets go, the next sends cut the {@code -wal} file back to almost nothing.
 */
class KliteLogCutsTheWalOnceALongReaderEndsTest extends LogTestSupport {

    private static final long MIB = 1 << 20;
    /** Well past the size at which the writer checkpoints ({@link WalLimit#LIMIT_BYTES}). */
    private static final long GROWN = WalLimit.LIMIT_BYTES + 8 * MIB;
    /** A checkpoint waits 100 ms for readers, then copies: far below the busy timeout, with room for a loaded VM. */
    private static final Duration SLOWEST_SEND = Duration.ofSeconds(2);

    @Test
    void sendsGoOnWhileAReaderHoldsItsSnapshotAndTheWalIsCutOnceItLetsGo() throws Exception {
        log.createTopic("events", 1);
        List<byte[]> batch = Collections.nCopies(64, filled(1024));
        long sent = 0;
        long slowestNanos = 0;
        try (Jdbc reader = new Jdbc(log.path())) {
            reader.exec("BEGIN");
            assertThat(reader.count("SELECT count(*) FROM \"events_0\"")).isZero();

            while (walSize() <= GROWN) {
                long start = System.nanoTime();
                sent += log.sendBatch("events", 0, batch).count();
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
            }
            assertThat(reader.count("SELECT count(*) FROM \"events_0\"")).as("the reader's snapshot").isZero();
            reader.exec("COMMIT");
        }
        assertThat(Duration.ofNanos(slowestNanos)).as("the slowest of %d sends", sent / batch.size())
                .isLessThan(SLOWEST_SEND);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            log.send("events", 0, "after the reader");
            assertThat(walSize()).isLessThan(MIB);
        });
        assertThat(log.endOffset("events", 0)).isGreaterThan(sent);
        assertThat(log.read("events", 0, sent - 1, 10)).extracting(Message::offset).startsWith(sent, sent + 1);
    }

    private long walSize() throws IOException {
        Path wal = log.path().resolveSibling(log.path().getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    private static byte[] filled(int bytes) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }
}
