package io.klite.runtime.cli;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients of {@code export} and {@code import}, made so that no call waits long: a send blocks at most
 * {@link #MAX_BLOCK} and fails within {@link #DELIVERY_TIMEOUT} (Kafka's defaults: 60 s and 120 s); a consumer's
 * calls give up after {@link #API_TIMEOUT}; closing waits at most {@link #CLOSE_TIMEOUT}. Invariant: the producer
 * sends with {@code acks=all} and idempotence, so that a retried batch is written once and in order.
 */
final class KafkaClients {

    /** How long a send may block the caller (metadata, a full buffer). */
    static final Duration MAX_BLOCK = Duration.ofSeconds(10);
    /** How long one request to a broker may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a record may wait for Kafka's acknowledgement, retries included, before its send fails. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** How long a consumer's call (end offsets, committed offsets, a commit) may take. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(15);
    /** How long an import waits for the next record of a partition that has not reached its end offset. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long closing a client may wait for what it still has to do. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Where slf4j-simple looks up the level of Kafka's loggers. */
    private static final String KAFKA_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.apache.kafka";

    private KafkaClients() {
    }

    /**
     * Keeps Kafka's client logging (its settings at INFO, a WARN each 100 ms while a broker is unreachable) off the
     * command's standard error, where only its progress and errors belong; errors still show. A level given with
     * {@code -Dorg.slf4j.simpleLogger.log.org.apache.kafka=...} wins.
     */
    static void quietLogs() {
        if (System.getProperty(KAFKA_LOG_LEVEL) == null) {
            System.setProperty(KAFKA_LOG_LEVEL, "error");
        }
    }

    /** A producer of String keys and byte[] values: {@code acks=all}, idempotent, bounded waits. */
    static KafkaProducer<String, byte[]> producer(String brokers) {
        quietLogs();
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "klite-export");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(MAX_BLOCK));
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(DELIVERY_TIMEOUT));
        settings.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer of raw keys and values (the keys are decoded by the import, which names a record whose key is not
     * UTF-8), reading only committed records ({@code read_committed}), never committing by itself; of the Kafka group
     * {@code group} where not null (the import commits it by hand).
     */
    static KafkaConsumer<byte[], byte[]> consumer(String brokers, String group) {
        quietLogs();
        Properties settings = new Properties();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "klite-import");
        if (group != null) {
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        settings.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        settings.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String millis(Duration duration) {
        return String.valueOf(duration.toMillis());
    }

    /** The JSON object of a duration in seconds, with one decimal. */
    static double seconds(long nanos) {
        return Math.round(nanos / 1e8) / 10.0;
    }

    /** Messages per second over {@code nanos}; 0 where no time passed. */
    static long rate(long messages, long nanos) {
        return nanos <= 0 ? 0 : Math.round(messages / (nanos / 1e9));
    }
}
