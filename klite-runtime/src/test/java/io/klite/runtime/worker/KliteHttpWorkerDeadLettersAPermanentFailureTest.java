package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with {@code maxAttempts} treats a 4xx answer other than 408, 425 and 429 as permanent: the batch is posted
 * once and goes to the dead-letter topic at once, with the headers that say where it came from and why, the group
 * commits past it, and later batches go on in order. With {@code deadLetterOn4xx: false} such an answer is retried
 * like any other failure, up to {@code maxAttempts}; without {@code maxAttempts} it is retried for ever.
 */
class KliteHttpWorkerDeadLettersAPermanentFailureTest {

    /** Offsets 3 and 4 form the batch the sink refuses: batches of two, of six messages. */
    private static final List<List<Long>> BATCHES = List.of(List.of(1L, 2L), List.of(3L, 4L), List.of(5L, 6L));
    private static final String ANSWER = "{\"error\": \"order 3 is invalid\"}";

    @TempDir
    Path dir;

    @Test
    void a400IsPostedOnceAndDeadLetteredAtOnceWhileLaterBatchesGoOn() throws Exception {
        writeOrders();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (HttpSink sink = HttpSink.start(KliteHttpWorkerDeadLettersAPermanentFailureTest::refuseOrder3)) {
            Path workers = workers(sink, "maxAttempts: 3");
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> committed(klite) == 6);

                assertThat(sink.received()).extracting(HttpSink.Request::offsets).containsExactlyElementsOf(BATCHES);
                assertThat(sink.received()).extracting(r -> r.status).containsExactly(200, 400, 200);
                assertDeadLetters(klite.file(), "1", "io.klite.runtime.worker.PermanentHttpFailure");
                // the partition moved on: nothing of it is counted as failing
                assertThat(klite.file().deliveryAttempts("billing", "orders")).isEmpty();
            } finally {
                System.setErr(stderr);
            }
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        stderr.print(output);
        assertThat(output.lines().filter(line -> line.contains("Delivery failed:"))).singleElement().asString()
                .matches("\\S+ \\S+ \\[WARN] WorkerFailureHandler - Delivery failed: topic 'orders' partition 0"
                         + " offsets 3\\.\\.4 group 'billing' attempt 1 of 3; a permanent failure, dead-lettered to"
                         + " topic 'orders\\.dlq'; reason: HTTP 400 Bad Request, answer: \\Q" + ANSWER + "\\E;"
                         + " endpoint http://127\\.0\\.0\\.1:\\d+/hook");
    }

    @Test
    void withDeadLetterOn4xxFalseA400IsPostedMaxAttemptsTimesBeforeItIsDeadLettered() throws Exception {
        writeOrders();
        try (HttpSink sink = HttpSink.start(KliteHttpWorkerDeadLettersAPermanentFailureTest::refuseOrder3)) {
            Path workers = workers(sink, "maxAttempts: 3, deadLetterOn4xx: false");
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> committed(klite) == 6);

                assertThat(sink.received()).extracting(HttpSink.Request::offsets).containsExactly(BATCHES.get(0),
                        BATCHES.get(1), BATCHES.get(1), BATCHES.get(1), BATCHES.get(2));
                assertThat(sink.received()).extracting(r -> r.status).containsExactly(200, 400, 400, 400, 200);
                assertDeadLetters(klite.file(), "3", "io.klite.runtime.worker.HttpAnswerFailure");
            }
        }
    }

    @Test
    void withoutMaxAttemptsA400IsPostedAgainUntilItIsAccepted() throws Exception {
        writeOrders();
        AtomicInteger refusals = new AtomicInteger();
        try (HttpSink sink = HttpSink.start(request ->
                request.offsets().contains(3L) && refusals.incrementAndGet() <= 3 ? 400 : 200)) {
            Path workers = workers(sink, "deadLetterOn4xx: true");
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> committed(klite) == 6);

                assertThat(sink.received()).extracting(r -> r.status).containsExactly(200, 400, 400, 400, 200, 200);
                assertThat(klite.file().partitionCount("orders.dlq")).isZero();
            }
        }
    }

    private void writeOrders() {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
            log.send("orders", 0, "order-3", Map.of("source", "shop"), "{\"order\":3}");
            log.sendBatch("orders", 0, List.of("{\"order\":4}", "{\"order\":5}", "{\"order\":6}"));
        }
    }

    /** Answers 400 with {@link #ANSWER} to the batch that holds order 3, 200 to any other. */
    private static int refuseOrder3(HttpSink.Request request) {
        if (request.offsets().contains(3L)) {
            request.answerBody = ANSWER.getBytes(StandardCharsets.UTF_8);
            return 400;
        }
        return 200;
    }

    private Path workers(HttpSink sink, String settings) throws Exception {
        return Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "%s", batchSize: 2, interval: 100ms, %s }
                """.formatted(sink.url("/hook?token=secret"), settings));
    }

    /** Orders 3 and 4 in {@code orders.dlq}, unchanged, with every header that says where they came from and why. */
    private static void assertDeadLetters(KliteLog file, String attempts, String exceptionClass) {
        List<Message> deadLetters = file.read("orders.dlq", 0, 0, 10);
        assertThat(deadLetters).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"order\":3}", "{\"order\":4}");
        assertThat(deadLetters.get(0).key()).isEqualTo("order-3");
        assertThat(deadLetters.get(0).headers()).containsEntry("source", "shop");
        for (int i = 0; i < 2; i++) {
            Map<String, String> headers = deadLetters.get(i).headers();
            assertThat(headers).containsEntry("klite.original.topic", "orders")
                    .containsEntry("klite.original.partition", "0")
                    .containsEntry("klite.original.offset", String.valueOf(3 + i))
                    .containsEntry("klite.group", "billing")
                    .containsEntry("klite.attempts", attempts)
                    .containsEntry("klite.exception.class", exceptionClass);
            // what the endpoint answered, not its URL, whose query may hold a secret
            assertThat(headers).containsEntry("klite.exception.message", "HTTP 400 Bad Request, answer: " + ANSWER);
            assertThat(Instant.parse(headers.get("klite.failed.at"))).isCloseTo(Instant.now(),
                    within(1, ChronoUnit.MINUTES));
        }
    }

    private static long committed(RunningKlite klite) {
        return klite.file().committed("billing", "orders", 0).orElse(0);
    }
}
