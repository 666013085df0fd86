package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.runtime.OffsetRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * export and import where Kafka cannot do what they need: brokers that do not answer (a free port), a Kafka topic that
 * does not exist, a Kafka topic with fewer partitions than the Klite topic (and {@code --partitioning key}, which
 * works with any count). Each fails within seconds with exit code 1 and one message naming the brokers, the topic and
 * what to do, having committed nothing in the file (its consumer_offsets rows, read with plain JDBC, as they were)
 * and, for an import, created no file.
 */
class KliteCliRefusesAnUnusableKafkaTest {

    /** Past the checks' 5 s timeout, with room for a loaded machine; Kafka's own defaults would wait 60 s. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    private static KafkaBroker broker;

    @TempDir
    Path dir;
    Path database;
    KliteLog log;
    String topic;

    @BeforeAll
    static void startBroker() {
        broker = KafkaTopics.broker();
    }

    /** A Klite topic of 3 partitions with 200 messages each, group mirror committed at 50 on partition 0. */
    @BeforeEach
    void fillFile() {
        database = dir.resolve("klite.db");
        log = KliteLog.open(database);
        topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 3, 200);
        log.commit("mirror", topic, 0, 50);
    }

    @AfterEach
    void closeFile() {
        log.close();
    }

    @Test
    void brokersThatDoNotAnswerFailTheExportWithinSeconds() throws Exception {
        String nowhere = "127.0.0.1:" + KafkaTopics.freePort();
        List<String> offsets = OffsetRows.of(database);

        long began = System.nanoTime();
        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", nowhere, "--topic", topic, "--group",
                "mirror");

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(BOUND);
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("Cannot reach the Kafka brokers '" + nowhere + "' within 5s: ")
                .contains("check that Kafka runs there").endsWith("\n").hasLineCount(1);
        assertThat(run.out()).isEmpty();
        assertThat(OffsetRows.of(database)).isEqualTo(offsets);
    }

    @Test
    void aMissingKafkaTopicIsNamedWithHowToCreateIt() throws Exception {
        String missing = KafkaTopics.unique("absent");
        List<String> offsets = OffsetRows.of(database);

        Cli.Run run = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--kafka-topic", missing, "--group", "mirror");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("Kafka topic '" + missing + "' does not exist on brokers '"
                + broker.bootstrapServers() + "'; Klite never creates Kafka topics: create it with at least 3"
                + " partition(s)").contains("--create --topic " + missing + " --partitions 3");
        assertThat(OffsetRows.of(database)).isEqualTo(offsets);
    }

    @Test
    void fewerKafkaPartitionsAreRefusedWhilePartitioningByKeyWorks() throws Exception {
        String kafkaTopic = KafkaTopics.unique("orders-2");
        broker.createTopic(kafkaTopic, 2);
        List<String> offsets = OffsetRows.of(database);

        Cli.Run refused = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--kafka-topic", kafkaTopic, "--group", "mirror");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Kafka topic '" + kafkaTopic + "' has 2 partition(s), fewer than the 3 of"
                + " Klite topic '" + topic + "': with partitioning=same, Klite partition 2 has no Kafka partition of"
                + " the same number; add partitions in Kafka").contains("or use partitioning=key");
        assertThat(OffsetRows.of(database)).isEqualTo(offsets);
        assertThat(KafkaTopics.endOffsets(broker, kafkaTopic, 2)).containsExactly(Map.entry(0, 0L), Map.entry(1, 0L));

        Cli.Run byKey = Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--kafka-topic", kafkaTopic, "--group", "mirror", "--partitioning", "key");

        assertThat(byKey.exit()).as(byKey.toString()).isZero();
        assertThat(byKey.out()).contains(topic + "  1          1            200        200       " + kafkaTopic
                + "  by key           200");
        assertThat(OffsetRows.ofGroup(database, "mirror")).containsExactly(topic + "|0|200", topic + "|1|200",
                topic + "|2|200");
        Map<Integer, List<KafkaTopics.Read>> kafka = KafkaTopics.readAll(broker, kafkaTopic, 2, 150 + 400);
        for (int p = 0; p < 2; p++) {
            for (KafkaTopics.Read read : kafka.get(p)) {
                if (read.key() != null) {
                    assertThat(p).as("key " + read.key() + ": where Klite would put it among 2 partitions")
                            .isEqualTo(KliteLog.partitionFor(read.key(), 2));
                }
            }
        }
        // order per key: a key's messages of one Klite partition come in their Klite order
        List<String> key7 = kafka.get(KliteLog.partitionFor("key-7", 2)).stream()
                .filter(read -> "key-7".equals(read.key()) && read.text().startsWith("p2-")).map(KafkaTopics.Read::text)
                .toList();
        assertThat(key7).containsExactly("p2-47", "p2-87", "p2-127", "p2-167");
    }

    @Test
    void anImportFromBrokersThatDoNotAnswerOrAMissingTopicCreatesNoFile() throws Exception {
        Path fresh = dir.resolve("new/klite.db");
        String nowhere = "127.0.0.1:" + KafkaTopics.freePort();

        long began = System.nanoTime();
        Cli.Run unreachable = Cli.on(fresh, "import", "--from-kafka", "--brokers", nowhere, "--topic", "orders");

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(BOUND);
        assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("Cannot reach the Kafka brokers '" + nowhere + "' within 5s: ");

        String missing = KafkaTopics.unique("absent");
        Cli.Run absent = Cli.on(fresh, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                missing, "--group", "importer");

        assertThat(absent.exit()).as(absent.toString()).isEqualTo(1);
        assertThat(absent.err()).startsWith("Kafka topic '" + missing + "' does not exist on brokers '"
                + broker.bootstrapServers() + "'; check the name");
        assertThat(Files.exists(fresh.getParent())).as("no file, no folder").isFalse();
    }
}
