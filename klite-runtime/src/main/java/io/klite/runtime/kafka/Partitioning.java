package io.klite.runtime.kafka;

import java.util.Locale;

/**
 * Where a Klite message goes among a Kafka topic's partitions, for the {@code klite-to-kafka} template and
 * {@code export --to-kafka}. Written in lower case where a user gives it: {@code partitioning=same}, {@code key}.
 */
public enum Partitioning {

    /**
     * The Klite partition number (the default): order, keys and partitions as in Klite. The Kafka topic needs at least
     * as many partitions as the Klite topic.
     */
    SAME,

    /**
     * No partition given: Kafka's default partitioner places each record. A keyed message lands where Klite would put
     * it in a topic of the Kafka topic's partition count (the same murmur2 of the key); key-less messages spread, so
     * order holds per key only. Works with any partition count.
     */
    KEY;

    /** The name as written: {@code same} or {@code key}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The partitioning a user wrote.
     *
     * @throws IllegalArgumentException naming the value and the two allowed ones
     */
    public static Partitioning of(String text) {
        for (Partitioning partitioning : values()) {
            if (partitioning.text().equals(text)) {
                return partitioning;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a partitioning; allowed: same (each message to the"
                + " Kafka partition of its Klite partition's number, the default) or key (Kafka's partitioner places"
                + " it by key)");
    }
}
