package io.klite.runtime.jar;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in a 128 MiB heap works off a backlog of 40 messages of 9 MiB each, 360 MiB in all, with the
 * worker defaults (batchSize 100, maxBatchBytes 4 MiB): a fetch ends after one such message, so each is posted on its
 * own (as base64, a body of 12 MiB), exactly once, in offset order, and the group commits them all.
 */
class KliteRuntimeDeliversLargeMessagesInASmallHeapIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 40;
    private static final int MESSAGE_BYTES = 9 * 1024 * 1024;
    private static final String HEAP = "-Xmx128m";
    /** A G1 log line's heap use before and after a collection, and the heap's size: {@code 60M->20M(128M)}. */
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path dir;

    @Test
    void fortyMessagesOfNineMebibytesArriveOnceEachInOrder() throws Exception {
        Map<Long, String> digests = new HashMap<>();
        try (KliteLog log = KliteLog.open(dir.resolve("data/klite.db"))) {
            for (int i = 0; i < MESSAGES; i += 2) {
                List<byte[]> pair = List.of(payload(i), payload(i + 1));
                long first = log.sendBatch("blobs", 0, pair).firstOffset();
                digests.put(first, sha256(pair.get(0)));
                digests.put(first + 1, sha256(pair.get(1)));
            }
        }
        // by offset, the digest of each message the sink received (twice: both, comma-separated)
        Map<Long, String> received = new ConcurrentHashMap<>();
        try (HttpSink sink = HttpSink.start(request -> {
            for (JsonNode message : request.json().get("messages")) {
                String data = message.get("data").asText();
                received.merge(message.get("offset").asLong(), message.path("encoding").asText("none").equals("base64")
                        ? sha256(Base64.getDecoder().decode(data)) : "not base64", (a, b) -> a + "," + b);
            }
            return 200;
        })) {
            Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      blobs:
                        consumerGroups:
                          archive: { partitions: [0], endpoint: "%s", interval: 200ms }
                    """.formatted(sink.url("/blobs")));
            Path gcLog = dir.resolve("gc.log");

            try (KliteProcess klite = KliteProcess.startInJvm(dir, List.of(HEAP, "-Xlog:gc:file=" + gcLog))) {
                String api = klite.awaitRunning();
                long started = System.nanoTime();
                await().atMost(180, SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
                    assertThat(klite.isAlive()).as("Klite runs:%n%s", klite.output()).isTrue();
                    JsonNode group = group(api);
                    return group != null && group.get("committedOffset").asLong() == MESSAGES
                           && group.get("lag").asLong() == 0;
                });
                double seconds = (System.nanoTime() - started) / 1e9;
                klite.terminate();
                klite.awaitExit(Duration.ofSeconds(20));
                System.out.printf("%d messages of %d MiB in %s: delivered in %.1f s (%.1f MiB/s); %s%n", MESSAGES,
                        MESSAGE_BYTES >> 20, HEAP, seconds, MESSAGES * (MESSAGE_BYTES >> 20) / seconds,
                        heapFigures(Files.readString(gcLog)));
                assertThat(klite.output()).doesNotContain("OutOfMemoryError").doesNotContain("[ERROR]");
            }

            List<HttpSink.Request> posts = sink.received();
            assertThat(posts).allMatch(HttpSink.Request::accepted);
            List<List<Long>> expected = new ArrayList<>();
            for (long offset = 1; offset <= MESSAGES; offset++) {
                expected.add(List.of(offset));
            }
            // one message per POST, each once, in order: maxBatchBytes ended every fetch after its first message
            assertThat(posts).extracting(HttpSink.Request::offsets).containsExactlyElementsOf(expected);
        }
        assertThat(received).isEqualTo(digests);
        try (KliteLog log = KliteLog.open(dir.resolve("data/klite.db"))) {
            assertThat(log.committed("archive", "blobs", 0)).hasValue(MESSAGES);
        }
    }

    /** A message of {@value #MESSAGE_BYTES} bytes that are not UTF-8 text (0xFF never is), so it goes as base64. */
    private static byte[] payload(int seed) {
        byte[] payload = new byte[MESSAGE_BYTES];
        new Random(seed).nextBytes(payload);
        payload[0] = (byte) 0xFF;
        return payload;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The group's row in {@code GET /groups}, or null before the group has one. */
    private static JsonNode group(String api) throws Exception {
        HttpResponse<String> groups = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(api + "/groups")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode group : JSON.readTree(groups.body())) {
            if (group.get("group").asText().equals("archive")) {
                return group;
            }
        }
        return null;
    }

    /** The most heap in use at a collection, and how many collections there were, from the JVM's GC log. */
    private static String heapFigures(String gcLog) {
        int collections = 0;
        int full = 0;
        long peak = 0;
        for (String line : gcLog.split("\n")) {
            Matcher matcher = GC.matcher(line);
            if (matcher.find()) {
                collections++;
                full += line.contains("Pause Full") ? 1 : 0;
                peak = Math.max(peak, Long.parseLong(matcher.group(1)));
            }
        }
        return "peak heap in use at a collection " + peak + " MiB, " + collections + " collections (" + full
               + " full)";
    }
}
