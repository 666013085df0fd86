package io.klite.camel.metrics;

import io.klite.camel.consumer.ConsumerMeters;
import io.klite.log.KliteLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one consumer: {@code klite_messages_consumed_total}, {@code klite_delivery_failures_total} (both
 * {@code {group,topic,partition}}), {@code klite_dead_lettered_total{group,topic}}, and a
 * {@code klite_consumer_lag{group,topic,partition}} gauge for each partition it holds. Invariants: counters are made
 * once per partition and kept in arrays, so a count is an array read and an add; they stay in the registry once made
 * (they are cumulative, and a consumer of the same group started later adds to them). A lag gauge exists from
 * {@link #held} to {@link #released} or {@link #close}, and is read when the registry is scraped with
 * {@link KliteLog#lag}: index lookups of the group's committed offset and the partition's start and end, never a scan.
 */
final class PartitionMeters implements ConsumerMeters {

    private static final Counter[] NO_COUNTERS = {};

    private final MeterRegistry registry;
    private final KliteLog log;
    private final String group;
    private final String topic;
    /** By partition; the poll thread's only. */
    private Counter[] consumed = NO_COUNTERS;
    private Counter[] failures = NO_COUNTERS;
    private Counter deadLettered;
    /** The lag gauges of the partitions held, by partition. */
    private final Map<Integer, Gauge> lags = new ConcurrentHashMap<>();

    PartitionMeters(MeterRegistry registry, KliteLog log, String group, String topic) {
        this.registry = registry;
        this.log = log;
        this.group = group;
        this.topic = topic;
    }

    @Override
    public void consumed(int partition, int count) {
        if (partition >= consumed.length || consumed[partition] == null) {
            consumed = withCounter(consumed, partition, "klite.messages.consumed",
                    "Messages of the partition the group's route processed successfully (committed past)");
        }
        consumed[partition].increment(count);
    }

    @Override
    public void failed(int partition) {
        if (partition >= failures.length || failures[partition] == null) {
            failures = withCounter(failures, partition, "klite.delivery.failures",
                    "Failed delivery attempts of a message (batch) of the partition to the group's route");
        }
        failures[partition].increment();
    }

    @Override
    public void deadLettered(int partition, int count) {
        if (deadLettered == null) {
            deadLettered = Counter.builder("klite.dead.lettered")
                    .description("Messages of the topic the group wrote to the dead-letter topic")
                    .tags("group", group, "topic", topic).register(registry);
        }
        deadLettered.increment(count);
    }

    private Counter[] withCounter(Counter[] counters, int partition, String name, String description) {
        Counter[] grown = partition < counters.length ? counters : Arrays.copyOf(counters, partition + 1);
        grown[partition] = Counter.builder(name).description(description)
                .tags("group", group, "topic", topic, "partition", Integer.toString(partition)).register(registry);
        return grown;
    }

    @Override
    public void held(int partition) {
        lags.computeIfAbsent(partition, p -> Gauge.builder("klite.consumer.lag", () -> lag(p))
                .description("Messages of the partition the group has still to process: its end offset less its"
                             + " committed offset (from the partition's start where it never committed)")
                .tags("group", group, "topic", topic, "partition", Integer.toString(p))
                .strongReference(true).register(registry));
    }

    @Override
    public void released(int partition) {
        Gauge gauge = lags.remove(partition);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    @Override
    public void close() {
        lags.keySet().forEach(this::released);
    }

    /** The partition's lag for the group now; NaN where the log cannot tell (closed, or the file unreadable). */
    private double lag(int partition) {
        try {
            return log.lag(group, topic, partition);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
