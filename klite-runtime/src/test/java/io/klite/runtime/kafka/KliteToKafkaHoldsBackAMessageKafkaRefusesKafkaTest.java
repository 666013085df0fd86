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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message in the middle of a batch that the producer refuses (larger than its {@code maxRequestSize}, 1 MiB by
 * default): the batch fails at that message and is tried again, and no message after it reaches Kafka ahead of it,
 * however often; nothing is committed. Once the service runs with a larger {@code maxRequestSize}, the whole partition
 * arrives, in order: Kafka then holds the messages before the refused one once per attempt, as runs sent again.
 */
class KliteToKafkaHoldsBackAMessageKafkaRefusesKafkaTest {

    private static final int BEFORE = 300;
    private static final int AFTER = 300;

    @TempDir
    Path dir;

    @Test
    void noLaterMessageOvertakesTheRefusedOne() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        String kafkaTopic = "refused-" + System.nanoTime();
        kafka.admin().createTopics(List.of(new NewTopic(kafkaTopic, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "4000000")))).all().get(30, SECONDS);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 1);
            for (int i = 0; i < BEFORE; i++) {
                log.send("orders", 0, "k", "small-" + i);
            }
            log.send("orders", 0, "k", "large-" + "x".repeat(2_000_000));
            for (int i = BEFORE; i < BEFORE + AFTER; i++) {
                log.send("orders", 0, "k", "small-" + i);
            }
        }
        MirrorRoutes routes = new MirrorRoutes(dir).route("orders-to-kafka", "topic", "orders", "group", "mirror",
                "brokers", kafka.bootstrapServers(), "kafkaTopic", kafkaTopic, "batchSize", "1000",
                "interval", "100ms", "maxInterval", "200ms");

        try (RunningKlite klite = RunningKlite.start(dir, routes.write(
                "camel.component.klite.unhealthyAfterAttempts", "4"))) {
            ApiClient api = new ApiClient(klite.api());
            AtomicReference<String> lastError = new AtomicReference<>();
            await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
                lastError.set(lastError(api, "consumer:orders-to-kafka", 0));
                return lastError.get() != null;
            });
            assertThat(lastError.get()).startsWith("org.apache.kafka.common.errors.RecordTooLargeException: ");
            assertThat(klite.file().committed("mirror", "orders", 0)).isEmpty();
        }
        List<String> whileRefused = values(kafka, kafkaTopic);
        assertThat(whileRefused).as("attempts sent the messages before the refused one, each time")
                .hasSizeGreaterThanOrEqualTo(4 * BEFORE)
                .allSatisfy(value -> assertThat(Integer.parseInt(value.substring("small-".length())))
                        .as("no message after the refused one").isLessThan(BEFORE));

        try (RunningKlite klite = RunningKlite.start(dir, routes.write(
                "camel.component.kafka.maxRequestSize", "4000000"))) {
            await().atMost(30, SECONDS).until(() -> klite.file().committed("mirror", "orders", 0).orElse(0)
                    == BEFORE + 1 + AFTER);
            List<String> expected = KliteToKafkaMirrorsAFullTopicKafkaTest.readAll(klite.file(), "orders", 0)
                    .stream().map(KliteToKafkaHoldsBackAMessageKafkaRefusesKafkaTest::text).toList();
            KliteToKafkaSurvivesABrokerOutageKafkaTest.assertInOrderWithRunsSentAgain(0, expected,
                    values(kafka, kafkaTopic));
        }
    }

    private static List<String> values(KafkaBroker kafka, String kafkaTopic) {
        return KafkaReadBack.records(kafka.clientProperties(), kafkaTopic).get(0).stream()
                .map(ConsumerRecord::value).map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
    }

    private static String text(Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    /** The last error of Klite partition {@code partition} where the consumer's check is DOWN for it, else null. */
    private static String lastError(ApiClient api, String check, int partition) throws Exception {
        for (JsonNode node : api.get("/observe/health/ready?data=true").json().path("checks")) {
            if (check.equals(node.path("name").asText()) && "DOWN".equals(node.path("status").asText())) {
                JsonNode error = node.path("data").path("partition." + partition + ".last.error");
                return error.isMissingNode() ? null : error.asText();
            }
        }
        return null;
    }
}
