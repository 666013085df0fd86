package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.kafka.Partitioning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy of export where the producer cannot place a record at all: the Kafka topic went away after the check
 * passed (deleted, or the brokers gone before the producer learnt the topic), so each send waits {@code max.block.ms}
 * for metadata and fails. The copy stops at the first such send, rather than waiting as long again for each of the
 * batch's other records (500 of them: over an hour with the CLI's 10 s) and for each batch after it, and commits
 * nothing.
 */
class KliteCliExportFailsFastWhereKafkaLostTheTopicTest {

    @TempDir
    Path dir;

    @Test
    void aSendThatFailsAtOnceStopsTheCopyWithoutWaitingForEachRecordOfTheBatch() {
        KafkaBroker broker = KafkaTopics.broker();
        String topic = KafkaTopics.unique("orders");
        String gone = KafkaTopics.unique("gone");
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            KafkaTopics.fill(log, topic, 1, 2000);
            Properties settings = broker.clientProperties();
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
            StringWriter progress = new StringWriter();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
                    new ByteArraySerializer())) {
                ExportCopy copy = new ExportCopy(log, producer, broker.bootstrapServers(), Partitioning.SAME, 500,
                        "mirror", new Progress(new PrintWriter(progress), false));
                ExportCopy.Plan plan = new ExportCopy.Plan(topic, gone, 1, List.of(new ExportCopy.Part(0, 1, 2000)));

                // each of 500 sends waiting 0.5 s would take over four minutes
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> copy.copy(plan));

                assertThat(copy.failure()).startsWith("Cannot export topic '" + topic + "' partition 0 offsets 1..500"
                        + " to Kafka topic '" + gone + "' at '" + broker.bootstrapServers() + "': TimeoutException:")
                        .contains("not present in metadata after 500 ms");
                assertThat(log.committed("mirror", topic, 0)).as("nothing committed").isEmpty();
                assertThat(plan.copied()).isZero();
            }
        }
    }
}
