package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose endpoint has been down since its first message has no committed offset; {@code GET /groups} still
 * shows its partition, with no committed offset and every stored message as lag, and the lag falls to 0 once the
 * endpoint is back. Once the service has stopped, the file still tells that the group is stuck there (its failed
 * delivery).
 */
class KliteApiShowsTheLagOfAWorkerThatNeverDeliveredTest {

    @TempDir
    Path dir;

    @Test
    void theWholeBacklogIsTheLagUntilTheEndpointComesBack() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}", "{\"order\":3}"));
        }
        AtomicBoolean down = new AtomicBoolean(true);
        try (HttpSink sink = HttpSink.start(request -> down.get() ? 503 : 200)) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 200ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                ApiClient api = new ApiClient(klite.api());
                await().atMost(10, SECONDS).until(() -> sink.received(0).size() >= 2);

                JsonNode row = billing(api.get("/groups").json());
                assertThat(row.get("committedOffset").isNull()).isTrue();
                assertThat(row.get("endOffset").asLong()).isEqualTo(3);
                assertThat(row.get("lag").asLong()).isEqualTo(3);
                assertThat(row.get("memberId").isNull()).as("the worker holds its partition").isFalse();

                down.set(false);
                await().atMost(10, SECONDS).until(() -> billing(api.get("/groups").json()).get("lag").asLong() == 0);
                assertThat(billing(api.get("/groups").json()).get("committedOffset").asLong()).isEqualTo(3);
            }
        }
    }

    @Test
    void aStoppedServicesStuckWorkerStillShowsInTheFile() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}"));
        }
        try (HttpSink sink = HttpSink.start(request -> 500)) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 200ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                await().atMost(10, SECONDS).until(() -> sink.received(0).size() >= 2);
            }
        }
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            assertThat(log.liveMembers()).isEmpty();
            assertThat(log.groupPartitions("billing")).singleElement().satisfies(partition -> {
                assertThat(partition.committedOffset()).isNull();
                assertThat(partition.lag()).isEqualTo(2);
            });
        }
    }

    private static JsonNode billing(JsonNode groups) {
        for (JsonNode row : groups) {
            if (row.get("group").asText().equals("billing")) {
                return row;
            }
        }
        throw new AssertionError("no row of group billing in " + groups);
    }
}
