package io.klite.runtime.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The checks made before a Klite topic's messages are sent to a Kafka topic, with an admin client that gives up after
 * {@code timeout} (Kafka's own default waits 60 s): the brokers answer, the Kafka topic exists (Klite never creates
 * one), and with {@link Partitioning#SAME} it has a partition for each Klite partition. Each failure is a
 * {@link KafkaCheckException} whose message names the value, what is needed and what to do. One instance holds one
 * admin client: open it, check, close it.
 */
public final class KafkaTopicCheck implements AutoCloseable {

    /** How long a check waits for the brokers where the caller does not say. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final String brokers;
    private final Duration timeout;

    private KafkaTopicCheck(Admin admin, String brokers, Duration timeout) {
        this.admin = admin;
        this.brokers = brokers;
        this.timeout = timeout;
    }

    /** A check of the brokers {@code brokers} ({@code host:port[,host:port]}) waiting {@link #DEFAULT_TIMEOUT}. */
    public static KafkaTopicCheck open(String brokers) {
        return open(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, brokers), DEFAULT_TIMEOUT);
    }

    /**
     * A check with the settings of a Kafka client (the bootstrap servers, security, and the like): those an admin
     * client does not know are left out, and its timeouts are {@code timeout}.
     *
     * @param clientSettings holds {@code bootstrap.servers}
     * @throws KafkaCheckException where the client cannot be made (a broker's host name does not resolve)
     */
    public static KafkaTopicCheck open(Map<?, ?> clientSettings, Duration timeout) {
        Map<String, Object> settings = new HashMap<>();
        clientSettings.forEach((name, value) -> {
            if (value != null && AdminClientConfig.configNames().contains(String.valueOf(name))) {
                settings.put(String.valueOf(name), value);
            }
        });
        String brokers = String.valueOf(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        int millis = (int) Math.max(1, timeout.toMillis());
        settings.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis);
        settings.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 50);
        settings.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 50);
        settings.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try {
            return new KafkaTopicCheck(Admin.create(settings), brokers, timeout);
        } catch (KafkaException e) {
            throw unreachable(brokers, timeout, e);
        }
    }

    /**
     * The partition count of an existing Kafka topic, for reading it (an import).
     *
     * @throws KafkaCheckException where the brokers do not answer or the topic does not exist
     */
    public int partitionCount(String kafkaTopic) {
        TopicDescription topic = describe(kafkaTopic, "; check the name (Kafka topic names are case-sensitive)");
        return topic.partitions().size();
    }

    /**
     * Checks that a Kafka topic can take every message of a Klite topic of {@code klitePartitions} partitions.
     *
     * @return the Kafka topic's partition count
     * @throws KafkaCheckException where the brokers do not answer, the topic does not exist, or with
     *                             {@link Partitioning#SAME} it has fewer partitions than the Klite topic
     */
    public int checkTarget(String kafkaTopic, String kliteTopic, int klitePartitions, Partitioning partitioning) {
        TopicDescription topic = describe(kafkaTopic, "; Klite never creates Kafka topics: create it with at least "
                + klitePartitions + " partition(s) (Klite topic '" + kliteTopic + "' has " + klitePartitions + "),"
                + " such as kafka-topics.sh --bootstrap-server " + brokers + " --create --topic " + kafkaTopic
                + " --partitions " + klitePartitions);
        int count = topic.partitions().size();
        if (partitioning == Partitioning.SAME && count < klitePartitions) {
            throw tooFewPartitions(brokers, kafkaTopic, count, kliteTopic, klitePartitions);
        }
        return count;
    }

    /** The failure of a Kafka topic of {@code count} partitions for a Klite topic of more, with partitioning=same. */
    static KafkaCheckException tooFewPartitions(String brokers, String kafkaTopic, int count, String kliteTopic,
                                                int klitePartitions) {
        return new KafkaCheckException(KafkaCheckException.Reason.TOO_FEW_PARTITIONS, "Kafka topic '" + kafkaTopic
                + "' has " + count + " partition(s), fewer than the " + klitePartitions + " of Klite topic '"
                + kliteTopic + "': with partitioning=same, Klite " + partitions(count, klitePartitions) + " no Kafka"
                + " partition of the same number; add partitions in Kafka (kafka-topics.sh --bootstrap-server "
                + brokers + " --alter --topic " + kafkaTopic + " --partitions " + klitePartitions + ") or use"
                + " partitioning=key (Kafka's partitioner places each message by its key; order then holds per key)",
                null);
    }

    /** {@code partition 2 has} or {@code partitions 2..5 have}: the Klite partitions without a Kafka one. */
    private static String partitions(int from, int count) {
        return from == count - 1 ? "partition " + from + " has" : "partitions " + from + ".." + (count - 1) + " have";
    }

    private TopicDescription describe(String kafkaTopic, String missingAdvice) {
        try {
            return admin.describeTopics(List.of(kafkaTopic)).allTopicNames()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).get(kafkaTopic);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new KafkaCheckException(KafkaCheckException.Reason.TOPIC_MISSING, "Kafka topic '" + kafkaTopic
                        + "' does not exist on brokers '" + brokers + "'" + missingAdvice, cause);
            }
            if (cause instanceof TimeoutException) {
                throw unreachable(brokers, timeout, cause);
            }
            throw new KafkaCheckException(KafkaCheckException.Reason.OTHER, "Cannot describe Kafka topic '"
                    + kafkaTopic + "' on brokers '" + brokers + "': " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(brokers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaCheckException(KafkaCheckException.Reason.OTHER, "Interrupted while asking brokers '"
                    + brokers + "' about Kafka topic '" + kafkaTopic + "'", e);
        }
    }

    private static KafkaCheckException unreachable(String brokers, Duration timeout, Throwable cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause.getCause() != null && cause.getCause().getMessage() != null) {
            reason += " (" + cause.getCause().getMessage() + ")";
        }
        return new KafkaCheckException(KafkaCheckException.Reason.UNREACHABLE, "Cannot reach the Kafka brokers '"
                + brokers + "' within " + seconds(timeout) + ": " + reason + "; check that Kafka runs there and that"
                + " the brokers are given as host:port[,host:port]", cause);
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    }

    /** Closes the admin client at once, without waiting for requests under way. */
    @Override
    public void close() {
        admin.close(Duration.ZERO);
    }
}
