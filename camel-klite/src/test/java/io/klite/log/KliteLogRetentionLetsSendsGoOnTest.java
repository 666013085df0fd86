package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retention deleting a large backlog leaves the writer free between its chunks: a producer on the same partition goes
 * on at its own pace instead of getting one send in per chunk, and a cleaner that is stopped (interrupted) stops after
 * the chunk it is in.
 */
class KliteLogRetentionLetsSendsGoOnTest extends LogTestSupport {

    private static final int BACKLOG = 200_000;
    private static final int CHUNKS = BACKLOG / Retention.CHUNK;

    @Test
    void aProducerGoesOnWhileTheCleanerDeletesABacklog() throws Exception {
        backlogKeepingOne();
        AtomicBoolean deleting = new AtomicBoolean(true);
        AtomicInteger sentWhileDeleting = new AtomicInteger();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            while (deleting.get()) {
                log.send("orders", 0, "new");
                sentWhileDeleting.incrementAndGet();
            }
        });

        long deleted = log.applyRetention("orders");
        deleting.set(false);
        producer.get(10, TimeUnit.SECONDS);

        assertThat(deleted).isGreaterThanOrEqualTo(BACKLOG - 1);
        // without the pauses the producer's send joined the next chunk's transaction: one or two sends per chunk
        assertThat(sentWhileDeleting.get()).isGreaterThan(5 * CHUNKS);
    }

    @Test
    void anInterruptedCleanerStopsAfterTheChunkItIsIn() throws Exception {
        backlogKeepingOne();
        long[] deleted = new long[1];
        Thread cleaner = new Thread(() -> deleted[0] = log.applyRetention("orders"), "cleaner");
        cleaner.start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> log.read("orders", 0, 0, 1).get(0).offset() > 1);

        cleaner.interrupt();
        cleaner.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(cleaner.isAlive()).isFalse();
        assertThat(deleted[0]).isPositive().isLessThan(BACKLOG - 1);
        assertThat(deleted[0] % Retention.CHUNK).isZero();
        assertThat(log.read("orders", 0, 0, 1).get(0).offset()).isEqualTo(deleted[0] + 1);
    }

    private void backlogKeepingOne() {
        List<String> payloads = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            payloads.add("m" + i);
        }
        for (int batch = 0; batch < BACKLOG / payloads.size(); batch++) {
            log.sendBatch("orders", 0, payloads);
        }
        log.configureTopic("orders", new TopicConfig(null, 1L, false));
    }
}
