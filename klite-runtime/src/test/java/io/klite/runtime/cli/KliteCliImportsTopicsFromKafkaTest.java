package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.FileSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * import --from-kafka against a real broker: a Kafka topic comes back into a new Klite topic (created with Kafka's
 * partition count) partition for partition, in order, keys, payloads and headers kept (a repeated header name: its
 * last value), also after a round trip through export; an existing Klite topic with fewer partitions is refused with
 * nothing written; --group starts after the Kafka group's committed offsets and commits them as Klite stores, so that
 * a second run copies only what came since; a tombstone stops the import, naming it, unless --skip-tombstones.
 */
class KliteCliImportsTopicsFromKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaBroker broker;

    @TempDir
    Path dir;
    Path database;
    KliteLog log;

    @BeforeAll
    static void startBroker() {
        broker = KafkaTopics.broker();
    }

    @BeforeEach
    void openFile() {
        database = dir.resolve("klite.db");
        log = KliteLog.open(database);
    }

    @AfterEach
    void closeFile() {
        log.close();
    }

    @Test
    void anExportedTopicComesBackIntoANewTopicPartitionForPartition() throws Exception {
        String topic = KafkaTopics.unique("orders");
        KafkaTopics.fill(log, topic, 3, 2000);
        broker.createTopic(topic, 3);
        assertThat(Cli.on(database, "export", "--to-kafka", "--brokers", broker.bootstrapServers(), "--topic", topic)
                .exit()).isZero();
        String back = KafkaTopics.unique("orders-back");

        long began = System.nanoTime();
        Cli.Run run = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--klite-topic", back, "--output", "json");
        long nanos = System.nanoTime() - began;

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("messages").asLong()).isEqualTo(6000);
        assertThat(summary.get("topics").get(0).get("partitions").get(2).toString()).isEqualTo("{\"partition\":2,"
                + "\"fromOffset\":0,\"toOffset\":1999,\"messages\":2000,\"tombstonesSkipped\":0,"
                + "\"firstKliteOffset\":1,\"lastKliteOffset\":2000}");
        assertThat(run.err()).contains("import Kafka " + topic + " -> " + back + ": 6,000/6,000 messages (100 %) in ");
        assertThat(log.partitionCount(back)).isEqualTo(3);
        for (int p = 0; p < 3; p++) {
            assertThat(log.read(back, p, 0, 3000)).extracting(KafkaTopics::content).as("partition " + p)
                    .containsExactlyElementsOf(log.read(topic, p, 0, 3000).stream().map(KafkaTopics::content)
                            .toList());
        }
        System.out.printf("import of 6,000 messages (3 partitions): %.2f s in the CLI, %,d msg/s as it reports%n",
                nanos / 1e9, summary.get("messagesPerSecond").asLong());
    }

    @Test
    void recordsWrittenToKafkaKeepKeysAndHeadersTheLastValueOfARepeatedName() {
        String topic = KafkaTopics.unique("events");
        broker.createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 100; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace", bytes("t" + i));
                if (i % 10 == 0) {
                    headers.add("trace", bytes("t" + i + "-again"));
                }
                producer.send(new ProducerRecord<>(topic, i % 2, i % 3 == 0 ? null : bytes("k" + i),
                        bytes("v" + i), headers));
            }
        }

        Cli.Run run = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith(String.join("\n",
                "TOPIC" + " ".repeat(topic.length() - 3) + "PARTITION  FROM-OFFSET  TO-OFFSET  MESSAGES  SKIPPED"
                + "  KLITE-TOPIC" + " ".repeat(topic.length() - 9) + "KLITE-FIRST-OFFSET  KLITE-LAST-OFFSET",
                topic + "  0          0            49         50        0        " + topic + "  1                   50",
                topic + "  1          0            49         50        0        " + topic + "  1                   50",
                "Imported 100 message(s) from Kafka at " + broker.bootstrapServers() + " in "));
        List<Message> partition0 = log.read(topic, 0, 0, 100);
        assertThat(partition0.get(0)).extracting(KafkaTopics::content).isEqualTo("null|v0|{trace=t0-again}");
        assertThat(partition0.get(1)).extracting(KafkaTopics::content).isEqualTo("k2|v2|{trace=t2}");
        assertThat(log.read(topic, 1, 0, 100)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "v" + (2 * i + 1))
                        .toList());
    }

    @Test
    void aTopicWithFewerPartitionsIsRefusedWithNothingWritten() throws Exception {
        String topic = KafkaTopics.unique("orders");
        broker.createTopic(topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, null, bytes("v" + i)));
            }
        }
        log.createTopic("orders-small", 2);
        log.send("orders-small", 0, "kept");
        Map<String, List<String>> before = FileSnapshot.of(database);

        Cli.Run run = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--klite-topic", "orders-small");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Cannot import Kafka topic '" + topic + "' (3 partitions) into Klite topic"
                + " 'orders-small': it has 2 partition(s), and Kafka partition(s) 2 would have no counterpart; import"
                + " into a new topic with --klite-topic (created with 3 partitions); nothing was written\n");
        assertThat(run.out()).isEmpty();
        assertThat(FileSnapshot.of(database)).isEqualTo(before);
    }

    @Test
    void aGroupCarriesOnFromItsCommittedOffsets() throws Exception {
        String topic = KafkaTopics.unique("orders");
        broker.createTopic(topic, 2);
        produce(topic, 2, 0, 300);
        String group = KafkaTopics.unique("importer");

        Cli.Run first = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", group);
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(committed(group)).containsExactly(Map.entry(0, 150L), Map.entry(1, 150L));

        produce(topic, 2, 300, 40);
        Cli.Run second = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--group", group, "--output", "json");

        assertThat(second.exit()).as(second.toString()).isZero();
        JsonNode partitions = JSON.readTree(second.out()).get("topics").get(0).get("partitions");
        assertThat(partitions.get(0).toString()).isEqualTo("{\"partition\":0,\"fromOffset\":150,\"toOffset\":169,"
                + "\"messages\":20,\"tombstonesSkipped\":0,\"firstKliteOffset\":151,\"lastKliteOffset\":170}");
        assertThat(committed(group)).containsExactly(Map.entry(0, 170L), Map.entry(1, 170L));
        assertThat(log.read(topic, 1, 0, 1000)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .as("each record once").containsExactlyElementsOf(java.util.stream.IntStream.range(0, 340)
                        .filter(i -> i % 2 == 1).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void aKafkaGroupWithLiveMembersIsRefusedWithNothingWritten() {
        String topic = KafkaTopics.unique("orders");
        broker.createTopic(topic, 1);
        produce(topic, 1, 0, 10);
        String group = KafkaTopics.unique("busy");
        Properties properties = broker.clientProperties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            member.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return !member.assignment().isEmpty();
            });

            Cli.Run run = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(),
                    "--topic", topic, "--group", group);

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).startsWith("Cannot import with Kafka group '" + group + "': 1 live member(s)"
                    + " consume with it (").endsWith("stop them first, or import with another group; nothing was"
                    + " written\n");
            assertThat(log.partitionCount(topic)).isZero();
        }
    }

    @Test
    void aTombstoneStopsTheImportNamingItUnlessSkipped() {
        String topic = KafkaTopics.unique("compacted");
        broker.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, bytes("k" + i), i == 6 ? null : bytes("v" + i)));
            }
        }

        Cli.Run stopped = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic);

        assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(1);
        assertThat(stopped.err()).contains("Kafka record of topic '" + topic + "' partition 0 offset 6 has no value"
                + " (a tombstone").contains("add --skip-tombstones").contains(topic + " partition 0: 0..5 of 0..9");
        assertThat(log.read(topic, 0, 0, 100)).extracting(m -> m.key()).containsExactly("k0", "k1", "k2", "k3", "k4",
                "k5");

        String again = "compacted-skipping";
        Cli.Run skipped = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic, "--klite-topic", again, "--skip-tombstones");

        assertThat(skipped.exit()).as(skipped.toString()).isZero();
        assertThat(skipped.out()).contains(topic + "  0          0            9          9         1        " + again);
        assertThat(log.read(again, 0, 0, 100)).extracting(m -> m.key()).containsExactly("k0", "k1", "k2", "k3", "k4",
                "k5", "k7", "k8", "k9");
    }

    @Test
    void aTransactionalTopicComesBackWithItsCommittedRecordsOnlyAndItsProgressEndsAtAHundredPercent() {
        String topic = KafkaTopics.unique("transactional");
        broker.createTopic(topic, 2);
        Properties properties = broker.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            for (int t = 0; t < 5; t++) {
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, null, bytes("t" + t + "-" + i)));
                }
                if (t == 2) {
                    producer.flush(); // in Kafka, then aborted: offsets an import must pass without a record
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        // each partition: 4 x 10 committed records, 10 aborted ones, and 5 transaction markers
        assertThat(KafkaTopics.endOffsets(broker, topic, 2)).containsExactly(Map.entry(0, 55L), Map.entry(1, 55L));

        Cli.Run run = Cli.on(database, "import", "--from-kafka", "--brokers", broker.bootstrapServers(), "--topic",
                topic);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Imported 80 message(s)");
        assertThat(log.read(topic, 0, 0, 100)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100)
                        .filter(i -> i / 20 != 2 && i % 2 == 0).mapToObj(i -> "t" + i / 20 + "-" + i % 20).toList());
        assertThat(run.err()).as("the last progress line: every record there was, not the offsets")
                .contains("import Kafka " + topic + " -> " + topic + ": 80/80 messages (100 %) in ");
    }

    private void produce(String topic, int partitions, int from, int count) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, bytes("k" + i), bytes("v" + i)));
            }
        }
    }

    /** The Kafka group's committed offsets, by partition. */
    private static Map<Integer, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(),
                e -> e.getValue().offset(), (a, b) -> a, java.util.TreeMap::new));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties properties = broker.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
