package io.klite.runtime.jar;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.runtime.HttpSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, killed with SIGKILL in the middle of delivering 10,000 messages posted to its API, and started
 * again: the sink has every offset at least once, per partition in order, and the group's lag ends at 0. The new
 * process takes the partitions once the killed one's leases have expired: a 2 s session keeps that short.
 */
class KliteRuntimeRedeliversAfterKillIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 10_000;
    private static final int PER_POST = 500;
    private static final int ACCEPTED_BEFORE_KILL = 6;
    /** The killed process's workers hold their partitions' leases until their session timeout has passed. */
    private static final String[] SHORT_SESSION = {"--camel.component.klite.heartbeatInterval=250ms",
        "--camel.component.klite.sessionTimeout=2s"};

    @TempDir
    Path dir;

    @Test
    void everyOffsetArrivesInOrderAcrossAKill() throws Exception {
        // the sink accepts a few batches, then holds the next one: the kill comes while a batch is in flight
        CountDownLatch reopen = new CountDownLatch(1);
        try (HttpSink sink = HttpSink.start(HttpSink.Responder.acceptingThenHolding(ACCEPTED_BEFORE_KILL, reopen))) {
            Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      events:
                        consumerGroups:
                          hook:
                            partitions: [0, 1]
                            endpoint: %s
                            batchSize: 500
                            interval: 200ms
                    """.formatted(sink.url("/events")));

            Map<Integer, Map<Long, String>> posted = new HashMap<>(Map.of(0, new HashMap<>(), 1, new HashMap<>()));
            try (KliteProcess first = KliteProcess.start(dir, SHORT_SESSION)) {
                String api = first.awaitRunning();
                System.out.printf("klite-runtime.jar: launch to 'Klite is running' in %d ms%n", first.uptime().toMillis());
                for (int post = 0; post < MESSAGES / PER_POST; post++) {
                    postBatch(api, post % 2, post * PER_POST, posted);
                }
                await().atMost(30, SECONDS).until(() -> sink.received().size() > ACCEPTED_BEFORE_KILL);
                first.kill();
            }
            int beforeKill = sink.received().size();
            reopen.countDown();

            try (KliteProcess second = KliteProcess.start(dir, SHORT_SESSION)) {
                String api = second.awaitRunning();
                await().atMost(60, SECONDS).until(() -> totalLag(api) == 0 && committed(api) == MESSAGES);
                List<HttpSink.Request> afterRestart = sink.received().subList(beforeKill, sink.received().size());
                double seconds = Duration.between(afterRestart.get(0).receivedAt,
                        afterRestart.get(afterRestart.size() - 1).receivedAt).toNanos() / 1e9;
                int delivered = afterRestart.stream().mapToInt(r -> r.offsets().size()).sum();
                System.out.printf("after the restart: %d messages in %d POSTs of up to 500 in %.3f s: %.0f deliveries/s%n",
                        delivered, afterRestart.size(), seconds, delivered / seconds);
                second.terminate();
                second.awaitExit(Duration.ofSeconds(20));
            }

            int rewinds = 0;
            for (int partition = 0; partition <= 1; partition++) {
                rewinds += assertEveryOffsetInOrder(sink.received(partition), posted.get(partition));
            }
            // the batch in flight at the kill was never committed: it came again after the restart
            assertThat(rewinds).isBetween(1, 2);
        }
    }

    /** Checks one partition's deliveries; how many times they went back to redeliver. */
    private static int assertEveryOffsetInOrder(List<HttpSink.Request> requests, Map<Long, String> posted) {
        TreeSet<Long> seen = new TreeSet<>();
        long last = 0;
        int rewinds = 0;
        for (HttpSink.Request request : requests) {
            List<Long> offsets = request.offsets();
            for (int i = 1; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).as("offsets within a batch are consecutive").isEqualTo(offsets.get(i - 1) + 1);
            }
            if (offsets.get(0) != last + 1) {
                // only a restart goes back, to the offset after the last commit, never forward past a gap
                assertThat(offsets.get(0)).as("a batch never skips offsets").isLessThanOrEqualTo(last);
                rewinds++;
            }
            last = offsets.get(offsets.size() - 1);
            for (JsonNode message : request.json().get("messages")) {
                assertThat(message.get("data").toString()).isEqualTo(posted.get(message.get("offset").asLong()));
            }
            seen.addAll(offsets);
        }
        assertThat(rewinds).as("redeliveries start over once, after the kill").isLessThanOrEqualTo(1);
        assertThat(seen).hasSize(posted.size());
        assertThat(seen.first()).isEqualTo(1);
        assertThat(seen.last()).isEqualTo(posted.size());
        return rewinds;
    }

    private static void postBatch(String api, int partition, int firstNumber, Map<Integer, Map<Long, String>> posted)
            throws Exception {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < PER_POST; i++) {
            messages.add("{\"n\":" + (firstNumber + i) + "}");
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(api + "/topics/events/batch?partition=" + partition))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", messages) + "]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        long firstOffset = JSON.readTree(response.body()).get("firstOffset").asLong();
        for (int i = 0; i < PER_POST; i++) {
            posted.get(partition).put(firstOffset + i, messages.get(i));
        }
    }

    private static JsonNode groups(String api) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/groups")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static long totalLag(String api) throws Exception {
        long lag = 0;
        for (JsonNode group : groups(api)) {
            lag += group.get("lag").asLong();
        }
        return lag;
    }

    private static long committed(String api) throws Exception {
        long committed = 0;
        for (JsonNode group : groups(api)) {
            committed += group.get("committedOffset").asLong();
        }
        return committed;
    }
}
