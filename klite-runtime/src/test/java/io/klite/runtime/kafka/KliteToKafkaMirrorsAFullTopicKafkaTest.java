package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * klite-to-kafka from a YAML templatedRoute, as a user writes it, against a real broker: a whole 3-partition topic
 * arrives in a 3-partition Kafka topic with the same partitions, order, keys, values, headers and timestamps, and the
 * Klite group is committed at every partition's end; and what the template sends is what {@link KafkaRecords} makes
 * for a plain KafkaProducer (the export's way), record for record.
 */
class KliteToKafkaMirrorsAFullTopicKafkaTest {

    private static final int MESSAGES = 100_000;
    private static final String GROUP = "kafka-mirror";

    @TempDir
    Path dir;

    @Test
    void aHundredThousandMessagesArriveInOrderWithKeysHeadersAndTimes() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        String kafkaTopic = "orders-mirror-" + System.nanoTime();
        kafka.createTopic(kafkaTopic, 3);
        long fillStart = System.nanoTime();
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
            // one message a send, from 8 threads, whose sends the log commits in groups: the order within a
            // partition is whatever the log assigned, and the mirror is compared with it
            ExecutorService senders = Executors.newFixedThreadPool(8);
            List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                sent.add(senders.submit(() -> {
                    for (int i = first; i < MESSAGES; i += 8) {
                        // every 10th message without a key: spread over the partitions by its number
                        String key = i % 10 == 0 ? null : "key-" + i % 1000;
                        int partition = key == null ? i % 3 : KliteLog.partitionFor(key, 3);
                        log.send("orders", partition, key, Map.of("seq", String.valueOf(i)), "{\"order\":" + i + "}");
                    }
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
            senders.shutdown();
        }
        long filled = System.nanoTime();
        Map<String, String> settings = new MirrorRoutes(dir).route("orders-to-kafka", "topic", "orders",
                "group", GROUP, "brokers", kafka.bootstrapServers(), "kafkaTopic", kafkaTopic).write();

        long mirrorStart;
        long mirrored;
        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            mirrorStart = System.nanoTime();
            KliteLog file = klite.file();
            await().atMost(120, SECONDS).pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
                for (int p = 0; p < 3; p++) {
                    if (file.committed(GROUP, "orders", p).orElse(0) < file.endOffset("orders", p)) {
                        return false;
                    }
                }
                return true;
            });
            mirrored = System.nanoTime();
        }
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> inKafka =
                KafkaReadBack.records(kafka.clientProperties(), kafkaTopic);
        long readBack = System.nanoTime();

        int total = 0;
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            for (int p = 0; p < 3; p++) {
                List<Message> inKlite = readAll(log, "orders", p);
                List<ConsumerRecord<byte[], byte[]>> records = inKafka.get(p);
                assertThat(records).as("partition %d: every message once, no more", p).hasSameSizeAs(inKlite);
                for (int i = 0; i < inKlite.size(); i++) {
                    assertSameMessage(records.get(i), inKlite.get(i), p);
                }
                assertThat(log.committed(GROUP, "orders", p)).hasValue(log.endOffset("orders", p));
                total += records.size();
            }
        }
        assertThat(total).isEqualTo(MESSAGES);
        System.out.printf("klite-to-kafka, %,d messages in 3 partitions: filled Klite in %.1f s, mirrored in %.1f s"
                        + " (%,.0f msg/s, the service's start not counted), read Kafka back in %.1f s%n", MESSAGES,
                seconds(filled - fillStart), seconds(mirrored - mirrorStart),
                MESSAGES / seconds(mirrored - mirrorStart), seconds(readBack - mirrored));
    }

    /**
     * Messages with what a mapping could get wrong (header names camel-kafka filters or that differ in case only, a
     * binary payload, no key, non-ASCII text) go through the template to one Kafka topic and through
     * {@link KafkaRecords#toRecord} and a plain KafkaProducer to another: the two hold the same records.
     */
    @Test
    void theTemplateSendsTheRecordsAPlainProducerSendsFromKafkaRecords() throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        String viaTemplate = "same-template-" + System.nanoTime();
        String viaProducer = "same-producer-" + System.nanoTime();
        kafka.createTopic(viaTemplate, 2);
        kafka.createTopic(viaProducer, 2);
        Map<String, String> odd = new LinkedHashMap<>();
        odd.put("z", "first");
        odd.put("Ab", "1");
        odd.put("aB", "2");
        odd.put("CamelLike", "from another program");
        odd.put("kafka.KEY", "not the key");
        odd.put("ü", "größe €");
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("odd", 2);
            log.send("odd", 0, "clé", odd, new byte[] {0, (byte) 0xff, (byte) 0xc3, 0x28});
            log.send("odd", 0, null, Map.of(), "{\"no\":\"key\"}");
            log.send("odd", 1, "ключ", Map.of("only", "one"), new byte[0]);
            log.send("odd", 1, "k", odd, "text");
        }
        Map<String, String> settings = new MirrorRoutes(dir).route("odd-to-kafka", "topic", "odd", "group", GROUP,
                "brokers", kafka.bootstrapServers(), "kafkaTopic", viaTemplate).write();
        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            await().atMost(30, SECONDS).until(() -> klite.file().committed(GROUP, "odd", 0).orElse(0) == 2
                    && klite.file().committed(GROUP, "odd", 1).orElse(0) == 2);
        }
        Properties client = kafka.clientProperties();
        client.put(ProducerConfig.ACKS_CONFIG, "all");
        client.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                     new ByteArraySerializer())) {
            for (int p = 0; p < 2; p++) {
                for (Message message : readAll(log, "odd", p)) {
                    producer.send(KafkaRecords.toRecord(viaProducer, p, message, Partitioning.SAME)).get();
                }
            }
        }

        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> template = KafkaReadBack.records(client, viaTemplate);
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> plain = KafkaReadBack.records(client, viaProducer);
        for (int p = 0; p < 2; p++) {
            assertThat(template.get(p)).hasSize(2).hasSameSizeAs(plain.get(p));
            for (int i = 0; i < 2; i++) {
                ConsumerRecord<byte[], byte[]> a = template.get(p).get(i);
                ConsumerRecord<byte[], byte[]> b = plain.get(p).get(i);
                assertThat(a.key()).isEqualTo(b.key());
                assertThat(a.value()).isEqualTo(b.value());
                assertThat(a.timestamp()).isEqualTo(b.timestamp());
                assertThat(a.timestampType()).isEqualTo(b.timestampType());
                assertThat(a.headers().toArray()).containsExactly(b.headers().toArray());
            }
        }
        assertThat(template.get(0).get(0).headers().toArray()).extracting(Header::key)
                .containsExactly("z", "Ab", "aB", "CamelLike", "kafka.KEY", "ü");
    }

    private static void assertSameMessage(ConsumerRecord<byte[], byte[]> record, Message message, int partition) {
        String where = "partition " + partition + " Klite offset " + message.offset();
        assertThat(record.partition()).as(where).isEqualTo(partition);
        assertThat(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8)).as(where)
                .isEqualTo(message.key());
        assertThat(record.value()).as(where).isEqualTo(message.payload());
        assertThat(record.timestamp()).as(where).isEqualTo(message.timestamp().toEpochMilli());
        assertThat(KafkaRecords.fromRecord(record).headers()).as(where).isEqualTo(message.headers());
        assertThat(record.headers().toArray()).as(where).hasSize(1);
    }

    static List<Message> readAll(KliteLog log, String topic, int partition) {
        List<Message> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Message> page = log.read(topic, partition, after, 5000);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            after = page.get(page.size() - 1).offset();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
