package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At-least-once to a webhook: an error status, no answer in time, and a refused connection each leave the batch
 * uncommitted, and the same offsets are posted again, in order, until one is accepted; another partition of the same
 * group is delivered meanwhile.
 */
class KliteHttpWorkerRetriesTheSameBatchTest {

    private static final List<Long> FIRST_BATCH = List.of(1L, 2L, 3L);

    @TempDir
    Path dir;

    @Test
    void errorStatusThenTimeoutThenRefusedConnectionBeforeSuccess() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 2);
            for (int i = 1; i <= 3; i++) {
                log.send("orders", 0, "{\"order\":" + i + "}");
                log.send("orders", 1, "{\"order\":" + (100 + i) + "}");
            }
        }
        AtomicInteger partition0Attempts = new AtomicInteger();
        HttpSink sink = HttpSink.start(request -> {
            if (request.partition() == 1) {
                return 200;
            }
            return switch (partition0Attempts.incrementAndGet()) {
                case 1 -> 500;
                case 2 -> HttpSink.holdUntilClosed(request);
                default -> 200;
            };
        });
        int port = sink.port();
        Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0, 1], endpoint: "%s", batchSize: 10, interval: 300ms }
                """.formatted(sink.url("/hook")));

        // the component's default reaches the workers
        try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                "klite.worker.timeout", "3s", "camel.component.klite.unhealthyAfterAttempts", "3"))) {
            // partition 0: the 500 has been answered and the second attempt is waiting for an answer that won't come
            await().atMost(10, SECONDS).until(() -> sink.received(0).size() == 2);
            assertThat(committed(klite, 0)).isEmpty();

            // partition 1 flows meanwhile, new messages too
            klite.file().send("orders", 1, "{\"order\":104}");
            await().atMost(10, SECONDS).until(() -> committed(klite, 1).orElse(0) == 4);
            assertThat(sink.received(0)).noneMatch(HttpSink.Request::accepted);
            assertThat(committed(klite, 0)).isEmpty();

            // after the timeout and the interval, the same batch again, accepted this time
            await().atMost(10, SECONDS).until(() -> committed(klite, 0).orElse(0) == 3);
            assertThat(sink.received(0)).extracting(HttpSink.Request::offsets)
                    .containsExactly(FIRST_BATCH, FIRST_BATCH, FIRST_BATCH);
            assertThat(sink.received(0).get(0).status).isEqualTo(500);
            assertThat(sink.received(0).get(2).status).isEqualTo(200);

            // the receiver goes away: connections are refused, nothing is committed, the batch waits
            sink.close();
            klite.file().sendBatch("orders", 0, List.of("{\"order\":4}", "{\"order\":5}"));
            // after 3 failed attempts, readiness and the overall health say which worker is stuck; liveness stays up
            await().atMost(20, SECONDS).until(() -> get(klite.api() + "/observe/health/ready").statusCode() == 503);
            assertThat(committed(klite, 0)).hasValue(3);
            HttpResponse<String> health = get(klite.api() + "/observe/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(health.body()).findValue("message").asText())
                    .startsWith("Topic 'orders' group 'billing' cannot deliver: partition 0 offsets 4..5, ")
                    .contains(" failed attempt(s) since ", "last error: ", "Connection refused");
            assertThat(get(klite.api() + "/observe/health/live").statusCode()).isEqualTo(200);

            // back on the same port: the waiting batch arrives, whole and in order, not grown by the message that came
            // meanwhile, and is committed; then the new message
            klite.file().send("orders", 0, "{\"order\":6}");
            try (HttpSink back = HttpSink.start(port, request -> 200)) {
                await().atMost(10, SECONDS).until(() -> committed(klite, 0).orElse(0) == 6);
                assertThat(back.received(0)).extracting(HttpSink.Request::offsets)
                        .containsExactly(List.of(4L, 5L), List.of(6L));
                await().atMost(10, SECONDS)
                        .until(() -> get(klite.api() + "/observe/health/ready").statusCode() == 200);
                assertThat(get(klite.api() + "/observe/health").statusCode()).isEqualTo(200);
            }
        } finally {
            sink.close();
        }
    }

    @Test
    void aServiceUnavailableIsOneFailedAttemptWhateverItsRetryAfter() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.send("orders", 0, "{\"order\":1}");
        }
        AtomicInteger attempts = new AtomicInteger();
        try (HttpSink sink = HttpSink.start(request -> {
            if (attempts.incrementAndGet() <= 2) {
                request.answerHeaders.put("Retry-After", "30");
                return 503;
            }
            return 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 200ms }
                    """.formatted(sink.url("/hook")));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                // the HTTP client's own retry would wait out Retry-After: 30 and post twice per attempt
                await().atMost(10, SECONDS).until(() -> committed(klite, 0).orElse(0) == 1);
                assertThat(sink.received()).extracting(r -> r.status).containsExactly(503, 503, 200);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static OptionalLong committed(RunningKlite klite, int partition) {
        return klite.file().committed("billing", "orders", partition);
    }
}
