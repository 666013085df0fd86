package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.api.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka that cannot take the topic: brokers nobody answers on, a Kafka topic that does not exist, a Kafka topic with
 * fewer partitions than the Klite topic. Each mirror commits nothing in Klite, tries again with backoff, and its
 * consumer's health check is DOWN with the check's message, which says what to do; the mirror with
 * {@code partitioning=key} copies the same topic into the smaller Kafka topic, each keyed message where Kafka's
 * partitioner puts it, in order per key; a missing topic created later is mirrored from then on; and a send that
 * fails after the check had passed (the Kafka topic deleted under the mirror) has the topic checked again, which says
 * so.
 */
class KliteToKafkaRefusesWhatKafkaCannotTakeKafkaTest {

    private static final int MESSAGES = 300;

    @TempDir
    Path dir;

    @Test
    void nothingIsCommittedAndTheHealthCheckSaysWhatToDo() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        String unique = String.valueOf(System.nanoTime());
        String missing = "missing-" + unique;
        String smaller = "smaller-" + unique;
        kafka.createTopic(smaller, 2);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
            for (int i = 0; i < MESSAGES; i++) {
                String key = i % 5 == 0 ? null : "key-" + i % 40;
                log.send("orders", key == null ? i % 3 : KliteLog.partitionFor(key, 3), key,
                        Map.of("n", String.valueOf(i)), "{\"n\":" + i + "}");
            }
        }
        String nowhere = "127.0.0.1:" + freePort();
        Map<String, String> settings = new MirrorRoutes(dir)
                .route("to-nowhere", "topic", "orders", "group", "to-nowhere", "brokers", nowhere,
                        "interval", "200ms", "maxInterval", "1s")
                .route("to-missing", "topic", "orders", "group", "to-missing", "brokers", kafka.bootstrapServers(),
                        "kafkaTopic", missing, "interval", "200ms", "maxInterval", "1s")
                .route("to-smaller", "topic", "orders", "group", "to-smaller", "brokers", kafka.bootstrapServers(),
                        "kafkaTopic", smaller, "interval", "200ms", "maxInterval", "1s")
                .route("by-key", "topic", "orders", "group", "by-key", "brokers", kafka.bootstrapServers(),
                        "kafkaTopic", smaller, "partitioning", "key")
                .write("camel.component.klite.unhealthyAfterAttempts", "1",
                        // a send to a topic deleted under the mirror fails in seconds, not in Kafka's 60 to 120
                        "camel.component.kafka.maxBlockMs", "3000", "camel.component.kafka.requestTimeoutMs", "2000",
                        "camel.component.kafka.deliveryTimeoutMs", "3000");

        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            ApiClient api = new ApiClient(klite.api());
            Map<String, JsonNode> down = new LinkedHashMap<>();
            await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                down.clear();
                down.putAll(downChecks(api));
                // DOWN for a stuck partition, not only before the first poll ended (Camel's own check)
                return List.of("consumer:to-nowhere", "consumer:to-missing", "consumer:to-smaller").stream()
                        .allMatch(name -> down.containsKey(name) && down.get(name).path("data").has("partitions"));
            });

            assertThat(lastError(down, "consumer:to-nowhere")).contains(KafkaCheckException.class.getName()
                    + ": Cannot reach the Kafka brokers '" + nowhere + "' within 5s: ")
                    .endsWith("; check that Kafka runs there and that the brokers are given as host:port[,host:port]");
            assertThat(lastError(down, "consumer:to-missing")).isEqualTo(KafkaCheckException.class.getName()
                    + ": Kafka topic '" + missing + "' does not exist on brokers '" + kafka.bootstrapServers() + "';"
                    + " Klite never creates Kafka topics: create it with at least 3 partition(s) (Klite topic 'orders'"
                    + " has 3), such as kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers()
                    + " --create --topic " + missing + " --partitions 3");
            assertThat(lastError(down, "consumer:to-smaller")).isEqualTo(KafkaCheckException.class.getName()
                    + ": Kafka topic '" + smaller + "' has 2 partition(s), fewer than the 3 of Klite topic 'orders':"
                    + " with partitioning=same, Klite partition 2 has no Kafka partition of the same number; add"
                    + " partitions in Kafka (kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers()
                    + " --alter --topic " + smaller + " --partitions 3) or use partitioning=key (Kafka's partitioner"
                    + " places each message by its key; order then holds per key)");
            assertThat(down.get("consumer:to-missing").get("message").asText())
                    .startsWith("Topic 'orders' group 'to-missing' cannot deliver: partition ");
            for (String group : List.of("to-nowhere", "to-missing", "to-smaller")) {
                for (int p = 0; p < 3; p++) {
                    assertThat(klite.file().committed(group, "orders", p)).as(group + " partition " + p).isEmpty();
                }
            }

            // partitioning=key: the same Klite topic into the Kafka topic of 2 partitions
            await().atMost(30, SECONDS).until(() -> allCommitted(klite.file(), "by-key"));
            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byKey =
                    KafkaReadBack.records(kafka.clientProperties(), smaller);
            assertThat(byKey.values().stream().mapToInt(List::size).sum())
                    .as("only the by-key route wrote to it, each message once").isEqualTo(MESSAGES);
            Map<String, List<String>> kliteOrderPerKey = new LinkedHashMap<>();
            Map<String, List<String>> kafkaOrderPerKey = new LinkedHashMap<>();
            for (int p = 0; p < 3; p++) {
                for (Message m : KliteToKafkaMirrorsAFullTopicKafkaTest.readAll(klite.file(), "orders", p)) {
                    if (m.key() != null) {
                        kliteOrderPerKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(text(m.payload()));
                    }
                }
            }
            byKey.forEach((partition, records) -> records.forEach(r -> {
                if (r.key() != null) {
                    String key = text(r.key());
                    assertThat(partition).as(key).isEqualTo(KliteLog.partitionFor(key, 2));
                    kafkaOrderPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(text(r.value()));
                }
            }));
            assertThat(kafkaOrderPerKey).isEqualTo(kliteOrderPerKey);

            // the missing topic, created: checked again after the failure, then mirrored
            kafka.createTopic(missing, 3);
            await().atMost(30, SECONDS).until(() -> allCommitted(klite.file(), "to-missing"));
            assertThat(KafkaReadBack.records(kafka.clientProperties(), missing).values().stream()
                    .mapToInt(List::size).sum()).isEqualTo(MESSAGES);
            await().atMost(10, SECONDS).until(() -> !downChecks(api).containsKey("consumer:to-missing"));
            assertThat(klite.file().committed("to-nowhere", "orders", 0)).isEmpty();

            // a send that fails after the check had passed (the Kafka topic deleted): checked again, and said
            long[] before = committed(klite.file(), "by-key");
            kafka.admin().deleteTopics(List.of(smaller)).all().get(30, SECONDS);
            klite.file().send("orders", 0, "after-delete", "{\"n\":-1}");
            await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode check = downChecks(api).get("consumer:by-key");
                return check != null && check.path("data").has("partitions")
                        && lastError(Map.of("consumer:by-key", check), "consumer:by-key")
                        .contains("Kafka topic '" + smaller + "' does not exist");
            });
            assertThat(committed(klite.file(), "by-key")).isEqualTo(before);
        }
    }

    /** The checks that are DOWN in readiness, by name. */
    private static Map<String, JsonNode> downChecks(ApiClient api) throws IOException, InterruptedException {
        Map<String, JsonNode> down = new LinkedHashMap<>();
        for (JsonNode check : api.get("/observe/health/ready?data=true").json().get("checks")) {
            if ("DOWN".equals(check.get("status").asText())) {
                down.put(check.get("name").asText(), check);
            }
        }
        return down;
    }

    /** The last error of the first stuck partition a consumer check names. */
    private static String lastError(Map<String, JsonNode> checks, String name) {
        JsonNode data = checks.get(name).get("data");
        String partition = data.get("partitions").asText().split(",")[0];
        return data.get("partition." + partition + ".last.error").asText();
    }

    private static long[] committed(KliteLog file, String group) {
        long[] offsets = new long[3];
        for (int p = 0; p < 3; p++) {
            offsets[p] = file.committed(group, "orders", p).orElse(0);
        }
        return offsets;
    }

    private static boolean allCommitted(KliteLog file, String group) {
        for (int p = 0; p < 3; p++) {
            if (file.committed(group, "orders", p).orElse(0) < file.endOffset("orders", p)) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
