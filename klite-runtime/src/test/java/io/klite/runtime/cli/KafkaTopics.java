package io.klite.runtime.cli;

import static org.awaitility.Awaitility.await;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.OutgoingMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the Kafka tests of the CLI share: the JVM's broker, unique topic names, Klite topics filled with keyed, key-less
 * and header-carrying messages, and a Kafka topic read back whole with a plain {@link KafkaConsumer}.
 */
final class KafkaTopics {

    /** A Kafka record as read back, its key and header values as text. */
    record Read(int partition, long offset, String key, byte[] value, long timestamp,
                List<Map.Entry<String, String>> headers) {
        String text() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    private KafkaTopics() {
    }

    static KafkaBroker broker() {
        KafkaClients.quietLogs();
        return KafkaBroker.shared();
    }

    /** A topic name no other test uses. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Fills each partition of a new Klite topic with {@code perPartition} messages: payload {@code p<p>-<i>}, key
     * {@code key-<i % 40>} but every 7th without a key, headers {@code seq} and {@code source} but every 5th without
     * headers.
     */
    static void fill(KliteLog log, String topic, int partitions, int perPartition) {
        log.createTopic(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            append(log, topic, p, 0, perPartition);
        }
    }

    /** Appends {@code count} more messages to the partition, numbered from {@code from}, made as {@link #fill}. */
    static void append(KliteLog log, String topic, int partition, int from, int count) {
        List<OutgoingMessage> messages = IntStream.range(from, from + count).mapToObj(i -> new OutgoingMessage(
                i % 7 == 0 ? null : "key-" + (i % 40),
                i % 5 == 0 ? Map.of() : orderedHeaders("seq", String.valueOf(i), "source", "klite-" + partition),
                ("p" + partition + "-" + i).getBytes(StandardCharsets.UTF_8))).toList();
        for (int at = 0; at < messages.size(); at += 1000) {
            log.sendMessages(topic, partition, messages.subList(at, Math.min(messages.size(), at + 1000)));
        }
    }

    static Map<String, String> orderedHeaders(String... namesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /** The end offset of each partition of a Kafka topic (0 for an empty one). */
    static Map<Integer, Long> endOffsets(KafkaBroker broker, String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            Map<Integer, Long> ends = new java.util.TreeMap<>();
            consumer.endOffsets(all, Duration.ofSeconds(10)).forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }

    /** Every record of the Kafka topic, by partition in offset order, read until there are {@code expected}. */
    static Map<Integer, List<Read>> readAll(KafkaBroker broker, String topic, int partitions, int expected) {
        Map<Integer, List<Read>> read = new LinkedHashMap<>();
        IntStream.range(0, partitions).forEach(p -> read.put(p, new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
            List<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            int[] count = {0};
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    for (Header h : r.headers()) {
                        headers.add(Map.entry(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                    }
                    read.get(r.partition()).add(new Read(r.partition(), r.offset(), r.key() == null ? null
                            : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.timestamp(), headers));
                    count[0]++;
                }
                return count[0] >= expected;
            });
        }
        return read;
    }

    static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker broker) {
        Properties properties = broker.clientProperties();
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A Klite message as export should have sent it, for comparing with {@link Read}. */
    static String describe(Message m) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(m.headers().entrySet());
        return m.key() + "|" + new String(m.payload(), StandardCharsets.UTF_8) + "|" + headers + "|"
               + m.timestamp().toEpochMilli();
    }

    /** A Klite message's key, payload and headers, for comparing two Klite topics. */
    static String content(Message m) {
        return m.key() + "|" + new String(m.payload(), StandardCharsets.UTF_8) + "|" + m.headers();
    }

    static String describe(Read r) {
        return r.key() + "|" + r.text() + "|" + r.headers() + "|" + r.timestamp();
    }

    /** A loopback port nothing listens on (taken and let go). */
    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static long seconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }
}
