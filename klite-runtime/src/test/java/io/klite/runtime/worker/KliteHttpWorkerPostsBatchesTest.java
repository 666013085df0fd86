package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a webhook receives from a worker: the exact POST, and a commit once it answered 2xx. */
class KliteHttpWorkerPostsBatchesTest {

    @TempDir
    Path dir;

    @Test
    void postsJsonTextAndBinaryPayloadsAsOneBatchAndCommitsOnSuccess() throws Exception {
        byte[] binary = {0x00, (byte) 0xFF, (byte) 0xFE, 0x41};
        List<Message> stored;
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.send("orders", 0, "{\"orderId\": 1}");
            log.send("orders", 0, "hello, world");
            log.send("orders", 0, binary);
            stored = log.read("orders", 0, 0, 10);
        }
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing:
                            partitions: [0]
                            endpoint: %s
                            batchSize: 10
                            interval: 200ms
                    """.formatted(sink.url("/hooks/orders?token=s3cret&x=1")));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> committed(klite, 0).orElse(0) == 3);

                assertThat(sink.received()).hasSize(1);
                HttpSink.Request request = sink.received().get(0);
                assertThat(request.method).isEqualTo("POST");
                assertThat(request.pathAndQuery).isEqualTo("/hooks/orders?token=s3cret&x=1");
                assertThat(request.headers.getFirst("Content-Type")).isEqualTo("application/json");
                assertThat(request.headers.keySet())
                        .noneMatch(name -> name.toLowerCase().startsWith("camel") || name.toLowerCase().contains("klite"));
                assertThat(new String(request.body, StandardCharsets.UTF_8)).isEqualTo(
                        "{\"topic\":\"orders\",\"partition\":0,\"messages\":["
                        + "{\"offset\":1,\"data\":{\"orderId\": 1},\"created\":\"" + stored.get(0).created() + "\"},"
                        + "{\"offset\":2,\"data\":\"hello, world\",\"created\":\"" + stored.get(1).created() + "\"},"
                        + "{\"offset\":3,\"data\":\"AP/+QQ==\",\"encoding\":\"base64\",\"created\":\""
                        + stored.get(2).created() + "\"}]}");
            }
        }
    }

    @Test
    void splitsABacklogIntoBatchesOfBatchSizeInOffsetOrder() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("events", 2);
            for (int i = 1; i <= 25; i++) {
                log.send("events", 1, "{\"n\":" + i + "}");
            }
        }
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.json"), """
                    {"topics": {"events": {"consumerGroups": {"audit": {
                        "partitions": [1], "endpoint": "%s", "batchSize": 10, "interval": "100ms"}}}}}
                    """.formatted(sink.url("/audit")));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> klite.file().committed("audit", "events", 1).orElse(0) == 25);

                assertThat(sink.received()).extracting(HttpSink.Request::offsets).containsExactly(
                        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
                        List.of(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L),
                        List.of(21L, 22L, 23L, 24L, 25L));
                assertThat(sink.received()).allMatch(r -> r.partition() == 1);
            }
        }
    }

    @Test
    void aWorkerCreatesItsMissingTopicWithEnoughPartitionsForEveryGroup() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      signups:
                        consumerGroups:
                          mailer: { partitions: [0], endpoint: "%s", interval: 100ms }
                          crm: { partitions: [2], endpoint: "%s", interval: 100ms }
                    """.formatted(sink.url("/mailer"), sink.url("/crm")));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                assertThat(klite.file().partitionCount("signups")).isEqualTo(3);

                klite.file().send("signups", 2, "{\"user\":\"ada\"}");
                await().atMost(10, SECONDS).until(() -> klite.file().committed("crm", "signups", 2).orElse(0) == 1);
                assertThat(sink.received()).singleElement()
                        .satisfies(r -> assertThat(r.pathAndQuery).isEqualTo("/crm"));
            }
        }
    }

    @Test
    void aWorkerBeyondAnExistingTopicsPartitionsStopsTheStartBeforeAnythingIsCreated() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 1);
        }
        Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  audit:
                    consumerGroups:
                      keeper: { partitions: [0], endpoint: "http://127.0.0.1:9/audit" }
                  orders:
                    consumerGroups:
                      billing: { partitions: [0, 3], endpoint: "http://127.0.0.1:9/orders" }
                """);

        assertThatThrownBy(() -> RunningKlite.start(dir, Map.of("klite.workers", workers.toString())).close())
                .hasStackTraceContaining(workers + ": topics.orders.consumerGroups.billing.partitions: partition 3 is"
                        + " beyond the existing topic 'orders', which has 1 partition (valid: 0); Klite adds no"
                        + " partitions to an existing topic");
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            assertThat(log.partitionCount("audit")).isZero();
            assertThat(log.partitionCount("orders")).isEqualTo(1);
        }
    }

    private static OptionalLong committed(RunningKlite klite, int partition) {
        return klite.file().committed("billing", "orders", partition);
    }
}
