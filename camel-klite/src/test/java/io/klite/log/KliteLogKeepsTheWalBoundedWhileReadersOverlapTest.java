package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One thread sends batches of 1 KiB messages without pause while three read the same partition in tight loops, 500
 * messages a read (two tail readers, one group that fetches and commits), so that their read transactions overlap and
 * some snapshot of the WAL is held nearly all the time: the checkpoint starvation under which SQLite's automatic
 * checkpoints never start the WAL over, and the {@code -wal} file grows with everything written (before the fix, past
 * 64 MiB within 10 s and to 296 MiB in 15 s on a 2-core VM). The log keeps it below DESIGN.md's 64 MiB all the same,
 * sampled every 10 ms while twice that much payload is written.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteLogKeepsTheWalBoundedWhileReadersOverlapTest extends LogTestSupport {

    private static final long MIB = 1 << 20;
    /** DESIGN.md §8's target for the WAL. */
    private static final long WAL_BOUND = 64 * MIB;
    /** Payload written in all: a WAL never started over holds every byte of it, twice the bound. */
    private static final long TO_WRITE = 2 * WAL_BOUND;
    private static final int MESSAGE_BYTES = 1024;
    private static final int BATCH = 32;
    /** Messages per read: a read of this many holds its snapshot for milliseconds, so the three overlap. */
    private static final int READ_MESSAGES = 500;
    /** Room for a loaded machine; about 15 s here. */
    private static final Duration MOST = Duration.ofSeconds(90);

    @Test
    void theWalStaysBelow64MiBWhileReadTransactionsOverlap() throws Exception {
        log.createTopic("events", 1);
        List<byte[]> batch = Collections.nCopies(BATCH, filled(MESSAGE_BYTES));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        AtomicLong end = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<Callable<Void>> loops = new ArrayList<>();
        loops.add(() -> {
            BatchResult sent = log.sendBatch("events", 0, batch);
            end.set(sent.firstOffset() + sent.count() - 1);
            written.addAndGet((long) BATCH * MESSAGE_BYTES);
            return null;
        });
        for (int reader = 0; reader < 2; reader++) {
            loops.add(() -> {
                log.read("events", 0, Math.max(0, end.get() - READ_MESSAGES), READ_MESSAGES);
                reads.incrementAndGet();
                return null;
            });
        }
        loops.add(() -> {
            List<Message> fetched = log.fetch("followers", "events", 0, READ_MESSAGES);
            if (!fetched.isEmpty()) {
                log.commit("followers", "events", 0, fetched.get(fetched.size() - 1).offset());
            }
            reads.incrementAndGet();
            return null;
        });

        ExecutorService threads = Executors.newFixedThreadPool(loops.size());
        List<Future<?>> loopsRunning = new ArrayList<>();
        long start = System.nanoTime();
        try (FileSizeSampler sizes = FileSizeSampler.start(log.path(), Duration.ofMillis(10))) {
            try {
                for (Callable<Void> loop : loops) {
                    loopsRunning.add(threads.submit(() -> {
                        while (running.get()) {
                            loop.call();
                        }
                        return null;
                    }));
                }
                await().atMost(MOST).pollInterval(Duration.ofMillis(20)).until(() -> written.get() >= TO_WRITE
                        || sizes.maxWal() >= WAL_BOUND || loopsRunning.stream().anyMatch(Future::isDone));
            } finally {
                running.set(false);
                threads.shutdown();
            }
            for (Future<?> loop : loopsRunning) {
                loop.get(30, TimeUnit.SECONDS);
            }
            System.out.printf("WAL under overlapping reads: max %.1f MiB while %d MiB were written in %.1f s,"
                    + " %d reads%n", sizes.maxWal() / (double) MIB, written.get() / MIB,
                    (System.nanoTime() - start) / 1e9, reads.get());
            assertThat(sizes.maxWal()).as("the largest -wal file sampled, in bytes, while %d MiB were written",
                    written.get() / MIB).isLessThan(WAL_BOUND);
            assertThat(written.get()).as("payload bytes written").isGreaterThanOrEqualTo(TO_WRITE);
        }
    }

    private static byte[] filled(int bytes) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }
}
