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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two service processes, the same worker file on the same database file (DESIGN §9): each partition is delivered by
 * one of them at a time, so before a kill every offset reaches the sink exactly once, in order; after a {@code kill -9}
 * of either one, delivery goes on and the sink gets every offset. Where the killed process held partitions, the other
 * takes them over within the session timeout and redelivers from the last commit: the only duplicates are the
 * killed one's batches in flight, which it never committed.
 */
class KliteRuntimeTwoProcessesShareTheWorkersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(250);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);
    private static final int BATCH_SIZE = 100;
    private static final int PER_POST = 500;
    /** Messages per partition posted before the kill, and after it. */
    private static final int BEFORE_KILL = 2_000;
    private static final int AFTER_KILL = 1_000;
    /** Requests the sink accepts before it holds the next ones until the kill. */
    private static final int ACCEPTED_BEFORE_KILL = 8;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "kill the {0} process")
    @ValueSource(strings = {"first", "second"})
    void eachOffsetComesFromOneProcessAndAllOfThemAfterAKill(String killed) throws Exception {
        CountDownLatch kill = new CountDownLatch(1);
        // the sink accepts a few batches, then holds the next ones until the kill: each process that delivers has a
        // batch in flight when it comes
        try (HttpSink sink = HttpSink.start(HttpSink.Responder.acceptingThenHolding(ACCEPTED_BEFORE_KILL, kill))) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      events:
                        consumerGroups:
                          hook: { partitions: [0, 1], endpoint: "%s", batchSize: %d, interval: 100ms }
                    """.formatted(sink.url("/events"), BATCH_SIZE));
            String[] settings = {"--camel.component.klite.database=" + dir.resolve("klite.db"),
                "--klite.workers=" + workers,
                "--camel.component.klite.heartbeatInterval=" + HEARTBEAT_INTERVAL.toMillis() + "ms",
                "--camel.component.klite.sessionTimeout=" + SESSION_TIMEOUT.toMillis() + "ms"};

            try (KliteProcess first = KliteProcess.start(Files.createDirectories(dir.resolve("first")), settings);
                    KliteProcess second = startAfter(first, settings)) {
                String firstApi = first.awaitRunning();
                String secondApi = second.awaitRunning();
                KliteProcess victim = killed.equals("first") ? first : second;
                KliteProcess survivor = victim == first ? second : first;
                String survivorApi = victim == first ? secondApi : firstApi;

                // every worker of both processes is a live member; one member holds each partition
                await().atMost(10, SECONDS).until(() -> holders(survivorApi).size() == 2
                                                        && members(survivorApi).size() == 4);
                Map<Integer, Long> heldBefore = holderPids(survivorApi);
                System.out.printf("before the kill: partitions held by pid %s (first pid %d, second pid %d)%n",
                        heldBefore, first.pid(), second.pid());
                assertThat(members(survivorApi)).extracting(m -> pidOf(m))
                        .containsExactlyInAnyOrder(first.pid(), first.pid(), second.pid(), second.pid());
                assertThat(heldBefore).as("the first process started first and took both leases")
                        .containsOnly(Map.entry(0, first.pid()), Map.entry(1, first.pid()));

                Map<Integer, Integer> posted = new HashMap<>(Map.of(0, 0, 1, 0));
                post(survivorApi, BEFORE_KILL, posted);
                await().atMost(30, SECONDS).until(() -> sink.received().size() > ACCEPTED_BEFORE_KILL + 1);

                victim.kill();
                Instant killedAt = Instant.now();
                Map<Integer, Long> committedAtKill = committed(survivorApi);
                kill.countDown();
                System.out.printf("killed the %s process (pid %d); committed then: %s%n", killed, victim.pid(),
                        committedAtKill);

                // the survivor holds every partition within the session timeout (and one look at the group)
                await().atMost(SESSION_TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> holderPids(survivorApi).equals(Map.of(0, survivor.pid(), 1, survivor.pid())));
                Duration takeover = Duration.between(killedAt, Instant.now());
                post(survivorApi, AFTER_KILL, posted);
                await().atMost(60, SECONDS).until(() -> committed(survivorApi)
                        .equals(Map.of(0, (long) posted.get(0), 1, (long) posted.get(1))));

                int duplicates = 0;
                for (int partition = 0; partition <= 1; partition++) {
                    boolean victimHeld = heldBefore.get(partition) == victim.pid();
                    duplicates += assertDelivery(sink.received(partition), partition, posted.get(partition), killedAt,
                            committedAtKill.get(partition), victimHeld);
                    Instant firstAfter = sink.received(partition).stream().map(r -> r.receivedAt)
                            .filter(at -> at.isAfter(killedAt)).findFirst().orElseThrow();
                    System.out.printf("partition %d: first delivery after the kill %d ms after it, by the survivor, which"
                            + " %s%n", partition, Duration.between(killedAt, firstAfter).toMillis(),
                            victimHeld ? "took it over" : "held it already");
                }
                System.out.printf("kill the %s process: the survivor held every partition %d ms after the kill"
                        + " (heartbeat %d ms, session timeout %d ms); %d messages, %d delivered twice%n", killed,
                        takeover.toMillis(), HEARTBEAT_INTERVAL.toMillis(), SESSION_TIMEOUT.toMillis(),
                        posted.get(0) + posted.get(1), duplicates);
                if (victim == second) {
                    assertThat(duplicates).as("the killed process delivered nothing").isZero();
                } else {
                    // its leases expire within the session timeout of the kill; the standby looks every 250 ms
                    assertThat(takeover).isLessThanOrEqualTo(SESSION_TIMEOUT.plus(HEARTBEAT_INTERVAL).plusMillis(750));
                }
                survivor.terminate();
                assertThat(survivor.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
            }
        }
    }

    /** Starts the second process once the first runs, so that the first takes the leases. */
    private KliteProcess startAfter(KliteProcess first, String[] settings) throws Exception {
        first.awaitRunning();
        return KliteProcess.start(Files.createDirectories(dir.resolve("second")), settings);
    }

    /**
     * Checks one partition's deliveries: batches of consecutive offsets; before the kill each offset once, in order;
     * after it at most one step back, to the offset after the last commit, and only where the killed process held the
     * partition; every offset delivered.
     *
     * @return how many offsets were delivered twice
     */
    private static int assertDelivery(List<HttpSink.Request> requests, int partition, int posted, Instant killedAt,
                                      long committedAtKill, boolean killedHeldIt) {
        Map<Long, Integer> times = new TreeMap<>();
        long last = 0;
        int rewinds = 0;
        for (HttpSink.Request request : requests) {
            List<Long> offsets = request.offsets();
            for (int i = 1; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).as("offsets within a batch are consecutive").isEqualTo(offsets.get(i - 1) + 1);
            }
            if (offsets.get(0) != last + 1) {
                assertThat(offsets.get(0)).as("partition %d: a batch never skips offsets", partition)
                        .isLessThanOrEqualTo(last);
                assertThat(request.receivedAt).as("partition %d: only a takeover goes back", partition)
                        .isAfter(killedAt);
                assertThat(offsets.get(0)).as("partition %d: the new holder starts after the last commit", partition)
                        .isEqualTo(committedAtKill + 1);
                rewinds++;
            }
            last = offsets.get(offsets.size() - 1);
            offsets.forEach(offset -> times.merge(offset, 1, Integer::sum));
        }
        assertThat(rewinds).as("partition %d: one step back at most", partition).isLessThanOrEqualTo(killedHeldIt ? 1 : 0);
        assertThat(times.keySet()).as("partition %d: every offset", partition).hasSize(posted);
        assertThat(times.keySet().iterator().next()).isEqualTo(1);
        List<Long> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertThat(times.values()).as("partition %d: no offset three times", partition).allMatch(n -> n <= 2);
        assertThat(twice).as("partition %d: only the killed one's uncommitted batch comes twice", partition)
                .allMatch(offset -> offset > committedAtKill && offset <= committedAtKill + BATCH_SIZE);
        if (!twice.isEmpty()) {
            System.out.printf("partition %d: offsets %d..%d delivered twice (committed at the kill: %d)%n", partition,
                    twice.get(0), twice.get(twice.size() - 1), committedAtKill);
        }
        return twice.size();
    }

    /** Posts {@code count} messages to each partition, in batches of {@value #PER_POST}. */
    private static void post(String api, int count, Map<Integer, Integer> posted) throws Exception {
        for (int done = 0; done < count; done += PER_POST) {
            for (int partition = 0; partition <= 1; partition++) {
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < PER_POST; i++) {
                    messages.add("{\"n\":" + (posted.get(partition) + i + 1) + "}");
                }
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(api + "/topics/events/batch?partition=" + partition))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", messages) + "]")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                posted.merge(partition, PER_POST, Integer::sum);
            }
        }
    }

    private static JsonNode groups(String api) throws Exception {
        return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/groups")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The group's committed offset per partition. */
    private static Map<Integer, Long> committed(String api) throws Exception {
        Map<Integer, Long> committed = new TreeMap<>();
        for (JsonNode row : groups(api)) {
            committed.put(row.get("partition").asInt(), row.get("committedOffset").asLong());
        }
        return committed;
    }

    /** The live members of the group on the topic. */
    private static List<JsonNode> members(String api) throws Exception {
        List<JsonNode> members = new ArrayList<>();
        JsonNode groups = groups(api);
        if (groups.size() > 0) {
            groups.get(0).get("members").forEach(members::add);
        }
        return members;
    }

    /** The holding member's id per partition, where one holds it. */
    private static Map<Integer, String> holders(String api) throws Exception {
        Map<Integer, String> holders = new TreeMap<>();
        for (JsonNode row : groups(api)) {
            if (!row.get("memberId").isNull()) {
                holders.put(row.get("partition").asInt(), row.get("memberId").asText());
            }
        }
        return holders;
    }

    /** The process id of the member holding each partition, where one holds it. */
    private static Map<Integer, Long> holderPids(String api) throws Exception {
        Map<Integer, Long> pids = new TreeMap<>();
        for (JsonNode row : groups(api)) {
            for (JsonNode member : row.get("members")) {
                if (member.get("memberId").equals(row.get("memberId"))) {
                    pids.put(row.get("partition").asInt(), pidOf(member));
                }
            }
        }
        return pids;
    }

    /** The process id a member's description ("host pid N") gives. */
    private static long pidOf(JsonNode member) {
        String description = member.get("description").asText();
        return Long.parseLong(description.substring(description.lastIndexOf(" pid ") + 5));
    }
}
