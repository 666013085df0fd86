package io.klite.runtime.jar;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while batches are in flight: the jar exits within its shutdown timeout; a batch the sink accepts during
 * the shutdown is committed, one it never answers is not, and nothing the sink did not accept is committed.
 */
class KliteRuntimeStopsCleanlyOnSigtermIT {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void anInFlightBatchEitherCompletesAndCommitsOrStaysUncommitted() throws Exception {
        CountDownLatch releasePartition0 = new CountDownLatch(1);
        AtomicIntegerArray requests = new AtomicIntegerArray(2);
        // each partition gets two batches accepted; then partition 0's third waits for the test, and partition 1's
        // third and later ones are never answered
        try (HttpSink sink = HttpSink.start(request -> {
            int partition = request.partition();
            int attempt = requests.incrementAndGet(partition);
            if (attempt < 3 || partition == 0 && attempt > 3) {
                return 200;
            }
            if (partition == 0) {
                releasePartition0.await(60, SECONDS);
                return 200;
            }
            return HttpSink.holdUntilClosed(request);
        })) {
            Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      events:
                        consumerGroups:
                          hook: { partitions: [0, 1], endpoint: "%s", batchSize: 100, interval: 200ms }
                    """.formatted(sink.url("/events")));
            try (KliteLog log = KliteLog.open(dir.resolve("data/klite.db"))) {
                log.createTopic("events", 2);
                for (int partition = 0; partition <= 1; partition++) {
                    List<String> messages = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        messages.add("{\"n\":" + i + "}");
                    }
                    log.sendBatch("events", partition, messages);
                }
            }

            List<HttpSink.Request> answeredBeforeExit;
            try (KliteProcess klite = KliteProcess.start(dir, "--klite.worker.timeout=3s")) {
                klite.awaitRunning();
                await().atMost(30, SECONDS).until(() -> requests.get(0) >= 3 && requests.get(1) >= 3);

                long signalled = System.nanoTime();
                klite.terminate();
                // partition 0's batch is accepted once the shutdown has begun, while it waits for batches in flight
                await().atMost(10, SECONDS).until(() -> klite.output().contains("is shutting down"));
                releasePartition0.countDown();
                klite.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(5));
                System.out.printf("SIGTERM to exit with a batch in flight: %d ms%n", (System.nanoTime() - signalled) / 1_000_000);
                answeredBeforeExit = sink.received().stream().filter(HttpSink.Request::accepted).toList();
                assertThat(klite.output()).contains("Apache Camel (Main) 4.18.0 is shutdown");
            }

            try (KliteLog log = KliteLog.open(dir.resolve("data/klite.db"))) {
                long committed0 = log.committed("hook", "events", 0).orElse(0);
                long committed1 = log.committed("hook", "events", 1).orElse(0);
                // partition 0's in-flight batch (offsets 201..300) was accepted during the shutdown: committed
                assertThat(committed0).isGreaterThanOrEqualTo(300);
                // partition 1's was never answered: its commit stays at the last accepted batch
                assertThat(committed1).isEqualTo(200);
                for (int partition = 0; partition <= 1; partition++) {
                    long committed = partition == 0 ? committed0 : committed1;
                    int p = partition;
                    assertThat(answeredBeforeExit).as("a commit is the end of a batch the sink accepted")
                            .anyMatch(r -> r.partition() == p && r.offsets().get(r.offsets().size() - 1) == committed);
                }
            }
        }
    }
}
