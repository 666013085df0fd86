package io.klite.runtime.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a {@code klite-to-kafka} route's Kafka producer must keep, whatever {@code camel.component.kafka.*} says: the
 * template's URI pins {@code acks=all}, the idempotent producer and the serializers, but camel-kafka lets
 * {@code additionalProperties} override them, and its {@code key}, {@code partitionKey}, {@code partitioner} and
 * {@code partitionerIgnoreKeys} options win over each record's own key and partition. Any of those would change what
 * Kafka gets, or when the Klite group may commit, without an error: a route whose producer has one does not start.
 * Every other setting (security, timeouts, compression, {@code lingerMs}) applies as it is.
 */
final class MirrorProducerSettings {

    /** The producer settings the mirror relies on, with the values it accepts. */
    private static final Map<String, Set<String>> PINNED = Map.of(
            ProducerConfig.ACKS_CONFIG, Set.of("all", "-1"),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Set.of("true"),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, Set.of(StringSerializer.class.getName()),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, Set.of(ByteArraySerializer.class.getName()));

    private static final Map<String, String> WHY = Map.of(
            ProducerConfig.ACKS_CONFIG, "all: the Klite group commits only what every in-sync replica has",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true: the producer's own retries neither repeat nor reorder"
                    + " records",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName() + ": keys as UTF-8 text",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName() + ": payloads as"
                    + " stored");

    private static final String WAY_OUT = "; set it on the kafka: endpoints that need it rather than for the whole"
            + " component";

    private MirrorProducerSettings() {
    }

    /**
     * Checks the configuration of a mirror's Kafka endpoint: its URI with {@code camel.component.kafka.*} beneath.
     *
     * @throws IllegalArgumentException naming the setting, its value, what the mirror needs and what to do
     */
    static void check(KafkaConfiguration configuration, Partitioning partitioning) {
        if (configuration.getKey() != null) {
            throw new IllegalArgumentException("camel.component.kafka.key is '" + configuration.getKey() + "':"
                    + " camel-kafka would give every mirrored message that has a key this one instead; the mirror"
                    + " keeps each message's own key" + WAY_OUT);
        }
        if (configuration.getPartitionKey() != null) {
            throw new IllegalArgumentException("camel.component.kafka.partitionKey is "
                    + configuration.getPartitionKey() + ": camel-kafka would send every mirrored message to that Kafka"
                    + " partition; the mirror places each message itself (partitioning=" + partitioning.text() + ")"
                    + WAY_OUT);
        }
        Properties producer = configuration.createProducerProperties();
        PINNED.forEach((name, allowed) -> {
            Object value = producer.get(name);
            if (value == null || !allowed.contains(String.valueOf(value))) {
                throw new IllegalArgumentException("the Kafka producer's " + name + " is '" + value + "' (from"
                        + " camel.component.kafka.additionalProperties); the mirror needs " + WHY.get(name) + WAY_OUT);
            }
        });
        if (partitioning == Partitioning.KEY) {
            Object partitioner = producer.get(ProducerConfig.PARTITIONER_CLASS_CONFIG);
            if (partitioner != null) {
                throw new IllegalArgumentException("the Kafka producer's " + ProducerConfig.PARTITIONER_CLASS_CONFIG
                        + " is '" + partitioner + "' (camel.component.kafka.partitioner or additionalProperties); with"
                        + " partitioning=key the mirror leaves each message to Kafka's default partitioner, which"
                        + " places a key where Klite does (murmur2)" + WAY_OUT + ", or use partitioning=same");
            }
            if (Boolean.parseBoolean(String.valueOf(producer.get(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)))) {
                throw new IllegalArgumentException("the Kafka producer's "
                        + ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG + " is 'true'"
                        + " (camel.component.kafka.partitionerIgnoreKeys); with partitioning=key the mirror relies on"
                        + " Kafka's default partitioner placing each keyed message by its key" + WAY_OUT
                        + ", or use partitioning=same");
            }
        }
    }
}
