package io.klite.camel.metrics;

import io.klite.log.GroupPartition;
import io.klite.log.KliteLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code klite_consumer_lag{group,topic,partition,database}} gauges of one open log: one for every partition a
 * known group of the file consumes ({@link KliteLog#groupPartitions()}: commits, live members, leases, failed
 * deliveries), whichever process consumes it, or none does now; read at each scrape with {@link KliteLog#lag}, index
 * lookups only. So a group's lag stays in the scrape when its route stops, its process dies or its member cannot
 * heartbeat, which is when a lag alert must fire.
 *
 * <p>Invariants: a partition a consumer of this log holds has its gauge from {@link #held} on, without waiting for a
 * {@link #refresh}; a gauge goes only where a refresh finds its partition unknown to the file (group or topic deleted)
 * and no consumer of this log holds it, or with {@link #close}, never because this process released the partition;
 * only gauges this object registered are removed: where the registry already has the series (another Camel context's
 * log of the same file) it is left to its owner, and taken over at a refresh after the owner removed it.
 */
final class LagGauges {

    private static final String NAME = "klite.consumer.lag";

    private final MeterRegistry registry;
    private final KliteLog log;
    private final String database;
    /** The gauges this object registered, by partition; guarded by this. */
    private final Map<GroupPartitionKey, Gauge> registered = new HashMap<>();
    /** How many consumers of this log hold each partition now; guarded by this. */
    private final Map<GroupPartitionKey, Integer> held = new HashMap<>();
    private boolean closed;

    LagGauges(MeterRegistry registry, KliteLog log) {
        this.registry = registry;
        this.log = log;
        this.database = log.path().toString();
    }

    /** One partition a group consumes. */
    private record GroupPartitionKey(String group, String topic, int partition) {
    }

    /** A consumer of this log holds the partition now: its gauge is registered at once, where it is not yet. */
    synchronized void held(String group, String topic, int partition) {
        GroupPartitionKey key = new GroupPartitionKey(group, topic, partition);
        held.merge(key, 1, Integer::sum);
        if (!closed) {
            register(key);
        }
    }

    /** A consumer of this log gave the partition up: its gauge stays while the file knows the group consumes it. */
    synchronized void released(String group, String topic, int partition) {
        held.computeIfPresent(new GroupPartitionKey(group, topic, partition),
                (key, count) -> count == 1 ? null : count - 1);
    }

    /** See {@link MeteredLog#refresh()}. */
    void refresh() {
        List<GroupPartition> rows = log.groupPartitions(); // read before taking the lock: held() never waits for it
        Set<GroupPartitionKey> known = new HashSet<>();
        rows.forEach(row -> known.add(new GroupPartitionKey(row.group(), row.topic(), row.partition())));
        synchronized (this) {
            if (closed) {
                return;
            }
            known.addAll(held.keySet());
            registered.entrySet().removeIf(entry -> {
                boolean gone = !known.contains(entry.getKey());
                if (gone) {
                    registry.remove(entry.getValue());
                }
                return gone;
            });
            known.forEach(this::register);
        }
    }

    /** Removes every gauge this object registered: the log is closing. */
    synchronized void close() {
        closed = true;
        registered.values().forEach(registry::remove);
        registered.clear();
    }

    /** Registers the partition's gauge where neither this object nor another owner has it in the registry. */
    private void register(GroupPartitionKey key) {
        if (registered.containsKey(key)) {
            return;
        }
        Tags tags = Tags.of("group", key.group(), "topic", key.topic(), "partition",
                Integer.toString(key.partition()), "database", database);
        if (registry.find(NAME).tags(tags).meter() != null) {
            return;
        }
        registered.put(key, Gauge.builder(NAME, () -> lag(key))
                .description("Messages of the partition the group has still to process: its end offset less its"
                             + " committed offset (from the partition's start where it never committed)")
                .tags(tags).strongReference(true).register(registry));
    }

    /** The partition's lag for the group now; NaN where the log cannot tell (closed, or the file unreadable). */
    private double lag(GroupPartitionKey key) {
        try {
            return log.lag(key.group(), key.topic(), key.partition());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
