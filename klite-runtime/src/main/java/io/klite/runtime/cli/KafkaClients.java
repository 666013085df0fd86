package io.klite.runtime.cli;

import io.klite.runtime.KliteMain;
import io.klite.runtime.kafka.KafkaCheckException;
import io.klite.runtime.kafka.KafkaTopicCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients of {@code export} and {@code import}, made so that no call waits long: a send blocks at most
 * {@link #MAX_BLOCK} and fails within {@link #DELIVERY_TIMEOUT} (Kafka's defaults: 60 s and 120 s); a consumer's
 * calls give up after {@link #API_TIMEOUT}; closing waits at most {@link #CLOSE_TIMEOUT}. Every client a command makes
 * (the checks' admin client, the producer or the consumer, the group lookup) starts from the same settings: those of
 * the {@code --command-config} file (security and the like, as Kafka's own tools take them), with
 * {@code bootstrap.servers} from {@code --brokers}. Invariants: where they meet, the command's own settings win: the
 * producer sends with {@code acks=all} and idempotence, so that a retried batch is written once and in order, and
 * not in transactions; the consumer reads {@code read_committed}, commits only by hand, and only for {@code --group};
 * the timeouts are the bounds above. A file that cannot be read, whose values Kafka's client refuses, or whose
 * settings cannot make a client fails the command before anything is asked of Kafka, naming the file.
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

    private final String brokers;
    /** The file's settings and {@code bootstrap.servers}. */
    private final Properties settings;
    /** The file, for messages: {@code '<path>' (from --command-config)}; null where none was given. */
    private final String file;

    private KafkaClients(String brokers, Properties settings, String file) {
        this.brokers = brokers;
        this.settings = settings;
        this.file = file;
    }

    /**
     * The clients of an export: the producer's settings checked.
     *
     * @param commandConfig a properties file of Kafka client settings, or null
     * @throws CliFailure where the file cannot be read or holds a value the producer refuses
     */
    static KafkaClients forExport(String brokers, Path commandConfig) {
        KafkaClients clients = of(brokers, commandConfig);
        clients.refuseBadValues(() -> new ProducerConfig(clients.producerSettings()));
        clients.tryOne();
        return clients;
    }

    /**
     * The clients of an import: the consumer's settings checked.
     *
     * @param commandConfig a properties file of Kafka client settings, or null
     * @param group         the Kafka group the consumer commits for, or null
     * @throws CliFailure where the file cannot be read or holds a value the consumer refuses
     */
    static KafkaClients forImport(String brokers, Path commandConfig, String group) {
        KafkaClients clients = of(brokers, commandConfig);
        clients.refuseBadValues(() -> new ConsumerConfig(clients.consumerSettings(group)));
        clients.tryOne();
        return clients;
    }

    private static KafkaClients of(String brokers, Path commandConfig) {
        quietLogs();
        Properties settings = new Properties();
        String file = null;
        if (commandConfig != null) {
            Path path = commandConfig.toAbsolutePath().normalize();
            file = "'" + path + "' (from --command-config)";
            if (!Files.isRegularFile(path)) {
                throw new CliFailure("Kafka client settings file " + file + " does not exist; give a properties file"
                        + " of Kafka client settings, one name=value a line, such as security.protocol=SASL_SSL");
            }
            try (InputStream in = Files.newInputStream(path)) {
                settings.load(in); // as Kafka's tools read their --command-config
            } catch (IOException | IllegalArgumentException e) {
                throw new CliFailure("Cannot read Kafka client settings file " + file + ": " + KliteMain.describe(e)
                        + "; give a properties file of Kafka client settings, one name=value a line");
            }
        }
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, brokers);
        return new KafkaClients(brokers, settings, file);
    }

    /**
     * Makes a client of the file's settings and closes it, asking Kafka nothing: a setting that cannot make one (a
     * key store that is not there, a JAAS line that does not parse) fails here, naming the file, rather than as
     * brokers that do not answer.
     */
    private void tryOne() {
        if (file != null) {
            try {
                admin().close(Duration.ZERO);
            } catch (CliFailure e) {
                throw new CliFailure(e.getMessage() + "; nothing was asked of Kafka");
            }
        }
    }

    private void refuseBadValues(Runnable parse) {
        try {
            parse.run();
        } catch (ConfigException e) {
            throw new CliFailure("Invalid Kafka client setting in " + file + ": " + e.getMessage().replaceAll("\\.$",
                    "") + "; nothing was asked of Kafka");
        }
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

    String brokers() {
        return brokers;
    }

    /** The checks before anything is copied, with an admin client of these settings. */
    KafkaTopicCheck check() {
        return KafkaTopicCheck.open(settings, KafkaTopicCheck.DEFAULT_TIMEOUT);
    }

    /**
     * A failed check, with the settings file named where the brokers did not answer: its settings may not suit their
     * listener (TLS towards a plain-text port, a SASL mechanism it does not offer), which looks the same.
     */
    RuntimeException explain(KafkaCheckException failed) {
        if (file == null || failed.reason() != KafkaCheckException.Reason.UNREACHABLE) {
            return failed;
        }
        return new CliFailure(failed.getMessage() + "; with the settings of " + file + ": check that they suit the"
                + " brokers' listener (security.protocol, ssl.*, sasl.*)");
    }

    /** A producer of String keys and byte[] values: {@code acks=all}, idempotent, bounded waits. */
    KafkaProducer<String, byte[]> producer() {
        try {
            return new KafkaProducer<>(producerSettings(), new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw cannotMake("producer", e);
        }
    }

    private Properties producerSettings() {
        Properties producer = new Properties();
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "klite-export");
        producer.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        producer.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        producer.putAll(settings);
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(MAX_BLOCK));
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(DELIVERY_TIMEOUT));
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return producer;
    }

    /**
     * A consumer of raw keys and values (the keys are decoded by the import, which names a record whose key is not
     * UTF-8), reading only committed records ({@code read_committed}), never committing by itself; of the Kafka group
     * {@code group} where not null (the import commits it by hand), of none otherwise.
     */
    KafkaConsumer<byte[], byte[]> consumer(String group) {
        try {
            return new KafkaConsumer<>(consumerSettings(group), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw cannotMake("consumer", e);
        }
    }

    private Properties consumerSettings(String group) {
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "klite-import");
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        consumer.putAll(settings);
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        if (group != null) {
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return consumer;
    }

    /** An admin client of these settings whose calls give up after {@link #API_TIMEOUT}. */
    Admin admin() {
        Properties admin = new Properties();
        settings.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(name))) {
                admin.put(name, value);
            }
        });
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(REQUEST_TIMEOUT));
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(API_TIMEOUT));
        try {
            return Admin.create(admin);
        } catch (KafkaException e) {
            throw cannotMake("admin client", e);
        }
    }

    private CliFailure cannotMake(String client, KafkaException e) {
        return new CliFailure("Cannot make a Kafka " + client + " for brokers '" + brokers + "'" + (file == null ? ""
                : " with the settings of " + file) + ": " + KliteMain.describe(e));
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
