package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.worker.HttpAnswerFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /stuck-partitions} lists every partition a group has failed to deliver and not committed past, as the
 * file's {@code klite_delivery_attempts} rows say, sorted by group, topic and partition, with the offsets, attempts,
 * last error and the times of the first and latest failure in ISO-8601 UTC; a partition leaves the list once its
 * batch is delivered; a row that only says an attempt started (no failure yet) is not listed. It writes nothing.
 */
class KliteApiListsStuckPartitionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"error\": \"database\"}";
    private static final String LAST_ERROR = HttpAnswerFailure.class.getName()
            + ": HTTP 500 Internal Server Error, answer: " + ANSWER;
    private static final String ISO_UTC = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z";

    @TempDir
    Path dir;

    /** What the sink does with a POST to {@code /down}: fail, hold until released, or accept. */
    private enum Mode { FAIL, HOLD, ACCEPT }

    @Test
    void listsEachFailingPartitionByGroupTopicAndPartitionUntilItIsDelivered() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 2);
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
            log.send("orders", 1, "{\"order\":3}");
            log.send("payments", 0, "{\"payment\":1}");
        }
        AtomicReference<Mode> mode = new AtomicReference<>(Mode.FAIL);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        try (HttpSink sink = HttpSink.start(request -> {
            if (!request.pathAndQuery.startsWith("/down")) {
                return 200;
            }
            switch (mode.get()) {
                case FAIL -> {
                    request.answerBody = ANSWER.getBytes(StandardCharsets.UTF_8);
                    return 500;
                }
                case HOLD -> {
                    held.incrementAndGet();
                    release.await(30, SECONDS);
                }
                default -> { }
            }
            return 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0, 1], endpoint: "%s", interval: 100ms, maxInterval: 100ms }
                          analytics: { partitions: [0, 1], endpoint: "%s", interval: 100ms }
                      payments:
                        consumerGroups:
                          analytics: { partitions: [0], endpoint: "%s", interval: 100ms, maxInterval: 100ms }
                    """.formatted(sink.url("/down"), sink.url("/up"), sink.url("/down")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(20, SECONDS).until(() -> attempts(api.get("/stuck-partitions").json()).size() == 3
                        && attempts(api.get("/stuck-partitions").json()).stream().allMatch(n -> n >= 2));
                // each failing worker's next post held: the file's rows stay as they are
                mode.set(Mode.HOLD);
                await().atMost(10, SECONDS).until(() -> held.get() == 3);
                var before = FileSnapshot.of(klite.database());

                ApiClient.Answer answer = api.get("/stuck-partitions");

                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.json()).extracting(row -> row.get("group").asText() + " " + row.get("topic").asText()
                        + " " + row.get("partition").asInt() + " " + row.get("firstOffset").asLong() + ".."
                        + row.get("lastOffset").asLong()).containsExactly("analytics payments 0 1..1",
                        "billing orders 0 1..2", "billing orders 1 1..1");
                assertThat(answer.json()).isEqualTo(JSON.readTree(JSON.writeValueAsString(asJson(klite.file().deliveryAttempts()))));
                for (JsonNode row : answer.json()) {
                    assertThat(row.get("lastError").asText()).isEqualTo(LAST_ERROR);
                    assertThat(row.get("attempts").asInt()).isGreaterThanOrEqualTo(2);
                    assertThat(row.get("firstFailedAt").asText()).matches(ISO_UTC);
                    assertThat(row.get("lastFailedAt").asText()).matches(ISO_UTC);
                    assertThat(Instant.parse(row.get("firstFailedAt").asText()))
                            .isBefore(Instant.parse(row.get("lastFailedAt").asText()))
                            .isAfter(Instant.now().minusSeconds(60));
                }
                assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);

                mode.set(Mode.ACCEPT);
                release.countDown();
                await().atMost(10, SECONDS).until(() -> api.get("/stuck-partitions").json().isEmpty());
                assertThat(klite.file().committed("billing", "orders", 0)).hasValue(2);
                assertThat(klite.file().committed("analytics", "payments", 0)).hasValue(1);
            }
        }
    }

    /**
     * With dead letters on, a worker's first delivery after its start is counted in the file as it starts, so that a
     * process killed during it still counts it: that row says nothing failed, and is not listed until the post fails.
     */
    @Test
    void aDeliveryThatOnlyStartedIsNotListedUntilItFails() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.send("orders", 0, "{\"order\":1}");
        }
        CountDownLatch release = new CountDownLatch(1);
        try (HttpSink sink = HttpSink.start(request -> {
            release.await(30, SECONDS);
            request.answerBody = ANSWER.getBytes(StandardCharsets.UTF_8);
            return 500;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 100ms, maxAttempts: 100 }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(10, SECONDS).until(() -> !sink.received().isEmpty());
                assertThat(klite.file().deliveryAttempts()).singleElement().satisfies(row -> {
                    assertThat(row.attempts()).isEqualTo(1);
                    assertThat(row.lastError()).startsWith("attempt 1 of offsets 1..1 started and did not end");
                });

                assertThat(api.get("/stuck-partitions").json()).isEmpty();

                release.countDown();
                await().atMost(10, SECONDS).until(() -> !api.get("/stuck-partitions").json().isEmpty());
                JsonNode row = api.get("/stuck-partitions").json().get(0);
                assertThat(row.get("group").asText()).isEqualTo("billing");
                assertThat(row.get("topic").asText()).isEqualTo("orders");
                assertThat(row.get("firstOffset").asLong()).isEqualTo(1);
                assertThat(row.get("lastError").asText()).isEqualTo(LAST_ERROR);
            }
        }
    }

    /**
     * After a restart, a worker counts each retry of a message the file says failed as it starts (so that a process
     * killed during it still counts it); the row keeps the latest failure's error and time meanwhile, so a partition
     * whose retry hangs after a restart stays listed, with that error, for the whole attempt.
     */
    @Test
    void aPartitionRetriedAfterARestartStaysListedWithItsLastErrorWhileTheRetryRuns() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.send("orders", 0, "{\"order\":1}");
        }
        AtomicReference<Mode> mode = new AtomicReference<>(Mode.FAIL);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger held = new AtomicInteger();
        try (HttpSink sink = HttpSink.start(request -> {
            switch (mode.get()) {
                case FAIL -> {
                    request.answerBody = ANSWER.getBytes(StandardCharsets.UTF_8);
                    return 500;
                }
                case HOLD -> {
                    held.incrementAndGet();
                    release.await(30, SECONDS);
                }
                default -> { }
            }
            return 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 100ms, maxInterval: 100ms,
                                     maxAttempts: 100 }
                    """.formatted(sink.url("/hook")));
            Map<String, String> settings = Map.of("klite.workers", workers.toString());
            try (RunningKlite klite = RunningKlite.start(dir, settings)) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(20, SECONDS).until(() -> attempts(api.get("/stuck-partitions").json()).stream()
                        .anyMatch(n -> n >= 2));
            }
            DeliveryAttempts failed;
            try (KliteLog file = KliteLog.open(dir.resolve("klite.db"))) {
                failed = file.deliveryAttempts().get(0);
            }
            assertThat(failed.lastError()).isEqualTo(LAST_ERROR);

            mode.set(Mode.HOLD);
            try (RunningKlite klite = RunningKlite.start(dir, settings)) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(10, SECONDS).until(() -> held.get() == 1);
                assertThat(klite.file().deliveryAttempts()).singleElement()
                        .satisfies(row -> assertThat(row.attempts()).as("the retry counted as it started")
                                .isEqualTo(failed.attempts() + 1));

                JsonNode stuck = api.get("/stuck-partitions").json();

                assertThat(stuck).hasSize(1);
                assertThat(stuck.get(0).get("group").asText()).isEqualTo("billing");
                assertThat(stuck.get(0).get("attempts").asInt()).isEqualTo(failed.attempts() + 1);
                assertThat(stuck.get(0).get("lastError").asText()).isEqualTo(LAST_ERROR);
                assertThat(stuck.get(0).get("firstFailedAt").asText()).isEqualTo(failed.firstFailedAt().toString());
                assertThat(stuck.get(0).get("lastFailedAt").asText()).isEqualTo(failed.lastFailedAt().toString());

                mode.set(Mode.ACCEPT);
                release.countDown();
                await().atMost(10, SECONDS).until(() -> api.get("/stuck-partitions").json().isEmpty());
                assertThat(klite.file().committed("billing", "orders", 0)).hasValue(1);
            }
        }
    }

    private static List<Integer> attempts(JsonNode rows) {
        List<Integer> attempts = new ArrayList<>();
        rows.forEach(row -> attempts.add(row.get("attempts").asInt()));
        return attempts;
    }

    /** The file's rows as the API should answer them. */
    private static List<Map<String, Object>> asJson(List<DeliveryAttempts> rows) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (DeliveryAttempts row : rows) {
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("group", row.group());
            expected.put("topic", row.topic());
            expected.put("partition", row.partition());
            expected.put("firstOffset", row.firstOffset());
            expected.put("lastOffset", row.lastOffset());
            expected.put("attempts", row.attempts());
            expected.put("lastError", row.lastError());
            expected.put("firstFailedAt", row.firstFailedAt().toString());
            expected.put("lastFailedAt", row.lastFailedAt().toString());
            json.add(expected);
        }
        return json;
    }
}
