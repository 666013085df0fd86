package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.api.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose endpoint answers 500: {@code GET /observe/health/ready} is 503 once the batch has failed
 * {@code unhealthyAfterAttempts} times (the component's setting, which reaches the workers), its worker's check
 * {@code consumer:worker:orders:billing:0} naming topic, partition, offsets, attempts, last error and since; liveness
 * stays 200; once the endpoint answers 200 again, the batch is delivered and readiness is 200.
 */
class KliteRuntimeReportsAStuckWorkerTest {

    private static final String CHECK = "consumer:worker:orders:billing:0";

    @TempDir
    Path dir;

    @Test
    void readinessIsDownWithTheDetailsWhileTheEndpointFailsThenUp() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
        }
        AtomicBoolean down = new AtomicBoolean(true);
        try (HttpSink sink = HttpSink.start(request -> {
            if (down.get()) {
                request.answerBody = "{\"error\": \"database\"}".getBytes(StandardCharsets.UTF_8);
                return 500;
            }
            return 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 100ms, maxInterval: 100ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.unhealthyAfterAttempts", "3"))) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(20, SECONDS).until(() -> api.get("/observe/health/ready").status() == 503);

                ApiClient.Answer ready = api.get("/observe/health/ready?data=true");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.json().get("status").asText()).isEqualTo("DOWN");
                JsonNode check = check(ready.json());
                assertThat(check.get("status").asText()).isEqualTo("DOWN");
                assertThat(check.get("message").asText()).startsWith("Topic 'orders' group 'billing' cannot deliver:"
                        + " partition 0 offsets 1..2, ");
                JsonNode data = check.get("data");
                assertThat(data.get("topic").asText()).isEqualTo("orders");
                assertThat(data.get("group").asText()).isEqualTo("billing");
                assertThat(data.get("partitions").asText()).isEqualTo("0");
                assertThat(data.get("partition.0.offsets").asText()).isEqualTo("1..2");
                assertThat(data.get("partition.0.attempts").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(data.get("partition.0.last.error").asText()).isEqualTo(HttpAnswerFailure.class.getName()
                        + ": HTTP 500 Internal Server Error, answer: {\"error\": \"database\"}");
                assertThat(Instant.parse(data.get("partition.0.since").asText()))
                        .isBetween(Instant.now().minusSeconds(60), Instant.now());
                assertThat(api.get("/observe/health/live").status()).isEqualTo(200);

                down.set(false);
                await().atMost(10, SECONDS).until(() -> api.get("/observe/health/ready").status() == 200);
                assertThat(klite.file().committed("billing", "orders", 0)).hasValue(2);
            }
        }
    }

    /**
     * The README's way to keep the workers out of readiness (Camel's {@code camel.health.excludePattern}): with
     * {@code consumer:worker:*} excluded, readiness and the overall health stay 200 while the batch fails more than
     * {@code unhealthyAfterAttempts} times, and list no worker consumer check; the worker's route check and the
     * database check are still there.
     */
    @Test
    void excludedWorkerChecksLeaveReadinessUp() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
        }
        try (HttpSink sink = HttpSink.start(request -> 500)) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 100ms, maxInterval: 100ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.unhealthyAfterAttempts", "3",
                    "camel.health.excludePattern", "consumer:worker:*",
                    "camel.health.exposureLevel", "full"))) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(20, SECONDS).until(() -> klite.file().deliveryAttempts("billing", "orders").stream()
                        .anyMatch(row -> row.attempts() >= 4));

                for (String path : List.of("/observe/health/ready", "/observe/health")) {
                    ApiClient.Answer health = api.get(path);
                    assertThat(health.status()).as(path + ": " + health.json()).isEqualTo(200);
                    List<String> names = health.json().get("checks").findValuesAsText("name");
                    // the worker's route check stays (its route is started), its consumer check is gone
                    assertThat(names).as(path).contains("database", "route:worker:orders:billing:0")
                            .doesNotContain(CHECK);
                }
                assertThat(klite.file().committed("billing", "orders", 0)).isEmpty();
            }
        }
    }

    private static JsonNode check(JsonNode health) {
        for (JsonNode check : health.get("checks")) {
            if (CHECK.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + CHECK + " in " + health);
    }
}
