package io.klite.camel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which running consumers of a component read which partitions. Invariant: at most one consumer per (database file,
 * group, topic, partition) at a time; a second one would receive every message again and run past the first one's
 * retries. Consumers of one group may split a topic's partitions between them with the {@code partition} option.
 */
final class ConsumerClaims {

    /** A consumer's hold on its partitions, given back when it stops. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    private static final int EVERY_PARTITION = -1;

    private record Key(Path file, String group, String topic) {
    }

    private final Map<Key, Map<Integer, String>> held = new HashMap<>();

    /**
     * Holds the partitions for a consumer.
     *
     * @param partitions the partitions, or empty for every partition of the topic
     * @param owner      the consumer's endpoint URI, for the error message of a consumer that clashes with it
     * @throws IllegalStateException where another running consumer of the group holds one of them
     */
    synchronized Claim claim(Path file, String group, String topic, List<Integer> partitions, String owner) {
        Key key = new Key(file, group, topic);
        Map<Integer, String> owners = held.computeIfAbsent(key, k -> new TreeMap<>());
        List<Integer> wanted = partitions.isEmpty() ? List.of(EVERY_PARTITION) : partitions;
        for (Map.Entry<Integer, String> other : owners.entrySet()) {
            int partition = other.getKey();
            if (partition == EVERY_PARTITION || wanted.contains(EVERY_PARTITION) || wanted.contains(partition)) {
                throw new IllegalStateException("Consumer group '" + group + "' already consumes topic '" + topic
                        + "' (" + (partition == EVERY_PARTITION ? "every partition" : "partition " + partition)
                        + ") of " + file + " through " + other.getValue() + ": one consumer per group and partition;"
                        + " split the partitions between consumers with the partition option, or use another group");
            }
        }
        wanted.forEach(partition -> owners.put(partition, owner));
        return () -> release(key, wanted);
    }

    private synchronized void release(Key key, List<Integer> partitions) {
        Map<Integer, String> owners = held.get(key);
        if (owners != null) {
            partitions.forEach(owners::remove);
            if (owners.isEmpty()) {
                held.remove(key);
            }
        }
    }
}
