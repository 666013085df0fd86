package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.api.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Klite topic that gains a partition while it is mirrored with {@code partitioning=same}: the new partition's first
 * batch has the Kafka topic checked again at once, which says that Kafka has no partition of that number and what to
 * do, rather than the producer waiting {@code maxBlockMs} (60 s) for it and failing with Kafka's timeout; nothing of it
 * is committed; once Kafka has the partition too, the mirror copies it there by itself.
 */
class KliteToKafkaFollowsAKliteTopicThatGainsPartitionsKafkaTest {

    @TempDir
    Path dir;

    @Test
    void aNewKlitePartitionIsCheckedAgainstKafkaAtOnce() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        String kafkaTopic = "growing-" + System.nanoTime();
        kafka.createTopic(kafkaTopic, 2);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 2);
            log.send("orders", 0, "a", "{\"n\":0}");
            log.send("orders", 1, "b", "{\"n\":1}");
        }
        Map<String, String> settings = new MirrorRoutes(dir).route("orders-to-kafka", "topic", "orders",
                "group", "mirror", "brokers", kafka.bootstrapServers(), "kafkaTopic", kafkaTopic,
                "interval", "200ms", "maxInterval", "1s").write("camel.component.klite.unhealthyAfterAttempts", "1");

        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            KliteLog file = klite.file();
            await().atMost(30, SECONDS).until(() -> file.committed("mirror", "orders", 0).orElse(0) == 1
                    && file.committed("mirror", "orders", 1).orElse(0) == 1);

            file.createTopic("orders", 3);
            file.send("orders", 2, "c", "{\"n\":2}");

            ApiClient api = new ApiClient(klite.api());
            AtomicReference<String> lastError = new AtomicReference<>();
            // well within the producer's 60 s wait for a partition it does not know
            await().atMost(20, SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                lastError.set(lastError(api, "consumer:orders-to-kafka", 2));
                return lastError.get() != null;
            });
            assertThat(lastError.get()).isEqualTo(KafkaCheckException.class.getName() + ": " + KafkaTopicCheck
                    .tooFewPartitions(kafka.bootstrapServers(), kafkaTopic, 2, "orders", 3).getMessage());
            assertThat(file.committed("mirror", "orders", 2)).isEmpty();

            kafka.admin().createPartitions(Map.of(kafkaTopic, NewPartitions.increaseTo(3))).all().get(30, SECONDS);
            await().atMost(30, SECONDS).until(() -> file.committed("mirror", "orders", 2).orElse(0) == 1);
        }
        List<ConsumerRecord<byte[], byte[]>> copied = KafkaReadBack.records(kafka.clientProperties(), kafkaTopic).get(2);
        assertThat(copied).singleElement().satisfies(record -> {
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
        });
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
