package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose endpoint keeps failing is posted {@code maxAttempts} times, the wait doubling from {@code interval},
 * then goes to the dead-letter topic and the partition moves on; each attempt is one log line, "attempt n of max",
 * the last one saying where the batch went; and readiness, DOWN while the batch kept failing (its consumer's check),
 * is UP again.
 */
class KliteHttpWorkerDeadLettersAfterMaxAttemptsTest {

    @TempDir
    Path dir;

    @Test
    void a500IsPostedThreeTimesAtGrowingWaitsThenDeadLettered() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
            log.send("orders", 0, "{\"order\":3}");
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (HttpSink sink = HttpSink.start(request -> {
            if (request.offsets().contains(1L)) {
                request.answerBody = "{\"error\": \"down\"}".getBytes(StandardCharsets.UTF_8);
                return 500;
            }
            return 200;
        })) {
            Path workers = workers(sink, "batchSize: 2, interval: 200ms, maxInterval: 5s, maxAttempts: 3");
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> committed(klite) == 3);

                List<HttpSink.Request> posts = sink.received();
                assertThat(posts).extracting(HttpSink.Request::offsets)
                        .containsExactly(List.of(1L, 2L), List.of(1L, 2L), List.of(1L, 2L), List.of(3L));
                assertThat(posts).extracting(r -> r.status).containsExactly(500, 500, 500, 200);
                // the wait doubles: 200 ms after the first post, 400 ms after the second
                assertThat(Duration.between(posts.get(0).receivedAt, posts.get(1).receivedAt))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
                assertThat(Duration.between(posts.get(1).receivedAt, posts.get(2).receivedAt))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
                List<Message> deadLetters = klite.file().read("orders.dlq", 0, 0, 10);
                assertThat(deadLetters).extracting(m -> m.headers().get("klite.original.offset"))
                        .containsExactly("1", "2");
                assertThat(deadLetters).allSatisfy(m -> assertThat(m.headers())
                        .containsEntry("klite.attempts", "3")
                        .containsEntry("klite.exception.class", HttpAnswerFailure.class.getName())
                        .containsEntry("klite.exception.message",
                                "HTTP 500 Internal Server Error, answer: {\"error\": \"down\"}"));
                // the partition moved on: nothing of it is counted as failing
                assertThat(klite.file().deliveryAttempts("billing", "orders")).isEmpty();
            } finally {
                System.setErr(stderr);
            }
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        stderr.print(output);

        String failed = "[WARN] WorkerFailureHandler - Delivery failed: topic 'orders' partition 0 offsets 1..2 group"
                        + " 'billing' attempt ";
        String reason = "; reason: HTTP 500 Internal Server Error, answer: {\"error\": \"down\"}; endpoint http://127.0.0.1:";
        List<String> lines = output.lines().filter(line -> line.contains("Delivery failed:")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(failed + "1 of 3; next attempt at ").contains(" (in 200 ms)" + reason);
        assertThat(lines.get(1)).contains(failed + "2 of 3; next attempt at ").contains(" (in 400 ms)" + reason);
        assertThat(lines.get(2)).contains(failed + "3 of 3; dead-lettered to topic 'orders.dlq'" + reason)
                .endsWith("/hook");
    }

    @Test
    void theHealthCheckIsUpAgainOnceTheFailingBatchIsDeadLettered() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.send("orders", 0, "{\"order\":1}");
        }
        // the fourth and last post waits for the test, which looks at the health meanwhile
        CountDownLatch lastPost = new CountDownLatch(1);
        AtomicInteger posts = new AtomicInteger();
        try (HttpSink sink = HttpSink.start(request -> {
            if (posts.incrementAndGet() == 4) {
                lastPost.await(30, SECONDS);
            }
            return 503;
        })) {
            Path workers = workers(sink, "interval: 50ms, maxInterval: 50ms, maxAttempts: 4");
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.unhealthyAfterAttempts", "3"))) {
                await().atMost(10, SECONDS).until(() -> posts.get() == 4);
                assertThat(health(klite)).isEqualTo(503);

                lastPost.countDown();
                await().atMost(10, SECONDS).until(() -> committed(klite) == 1);
                assertThat(klite.file().read("orders.dlq", 0, 0, 10)).hasSize(1);
                await().atMost(10, SECONDS).until(() -> health(klite) == 200);
            }
        }
    }

    private Path workers(HttpSink sink, String settings) throws Exception {
        return Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "%s", %s }
                """.formatted(sink.url("/hook"), settings));
    }

    private static int health(RunningKlite klite) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(klite.api() + "/observe/health/ready"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long committed(RunningKlite klite) {
        return klite.file().committed("billing", "orders", 0).orElse(0);
    }
}
