package io.klite.camel.metrics;

import io.klite.camel.consumer.ConsumerMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one consumer: {@code klite_messages_consumed_total}, {@code klite_delivery_failures_total} (both
 * {@code {group,topic,partition,database}}) and {@code klite_dead_lettered_total{group,topic,database}}; the partitions
 * it holds go to its log's {@link LagGauges}, which shows their lag at once. Invariants: counters are made once per
 * partition and kept in arrays, so a count is an array read and an add; they stay in the registry once made (they are
 * cumulative, and a consumer of the same group and file started later adds to them); releasing a partition, or
 * closing, never removes a lag gauge (the lag of a partition nobody consumes is what an alert needs).
 */
final class PartitionMeters implements ConsumerMeters {

    private static final Counter[] NO_COUNTERS = {};

    private final MeterRegistry registry;
    private final LagGauges lags;
    private final String database;
    private final String group;
    private final String topic;
    /** By partition; the poll thread's only. */
    private Counter[] consumed = NO_COUNTERS;
    private Counter[] failures = NO_COUNTERS;
    private Counter deadLettered;
    /** The partitions this consumer holds now. */
    private final Set<Integer> holding = ConcurrentHashMap.newKeySet();

    PartitionMeters(MeterRegistry registry, LagGauges lags, String database, String group, String topic) {
        this.registry = registry;
        this.lags = lags;
        this.database = database;
        this.group = group;
        this.topic = topic;
    }

    @Override
    public void consumed(int partition, int count) {
        if (partition >= consumed.length || consumed[partition] == null) {
            consumed = withCounter(consumed, partition, "klite.messages.consumed",
                    "Messages of the partition the group's route processed successfully, counted as each exchange"
                    + " completes, before its commit");
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
                    .tags("group", group, "topic", topic, "database", database).register(registry);
        }
        deadLettered.increment(count);
    }

    private Counter[] withCounter(Counter[] counters, int partition, String name, String description) {
        Counter[] grown = partition < counters.length ? counters : Arrays.copyOf(counters, partition + 1);
        grown[partition] = Counter.builder(name).description(description)
                .tags("group", group, "topic", topic, "partition", Integer.toString(partition), "database", database)
                .register(registry);
        return grown;
    }

    @Override
    public void held(int partition) {
        if (holding.add(partition)) {
            lags.held(group, topic, partition);
        }
    }

    @Override
    public void released(int partition) {
        if (holding.remove(partition)) {
            lags.released(group, topic, partition);
        }
    }

    @Override
    public void close() {
        holding.forEach(this::released);
    }
}
