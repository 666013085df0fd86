package io.klite.camel.metrics;

import io.klite.log.LogListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * The meters of what one open log writes: messages appended by its sends, dead letters and redrives
 * ({@code klite_messages_produced_total{topic,partition}}), its retention ({@code klite_retention_deleted_total{topic}}),
 * its write transactions ({@code klite_commit_seconds}, a histogram) and the sizes of its file and WAL
 * ({@code klite_database_bytes}, {@code klite_wal_bytes}); each with the {@code database} label, the file's absolute
 * path. Invariants: a send costs a map lookup and an array read once the partition's counter exists (counters are made
 * once per partition and kept); counters and the timer stay in the registry after {@link #close()} (they are
 * cumulative, and another log of the same file in the same registry, another Camel context's, adds to the same ones);
 * the size gauges this object registered go with it, one another owner registered first stays.
 */
final class LogMeters implements LogListener {

    /** The histogram's buckets: 100 µs (a commit without fsync) to 10 s (a file locked by another process). */
    private static final Duration[] COMMIT_BUCKETS = DoubleStream.of(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250,
            500, 1000, 2500, 5000, 10_000).mapToObj(millis -> Duration.ofNanos((long) (millis * 1_000_000)))
            .toArray(Duration[]::new);

    private final MeterRegistry registry;
    private final String database;
    /** By topic, by partition: the produced counters made so far (arrays replaced, never changed, when they grow). */
    private final Map<String, Counter[]> produced = new ConcurrentHashMap<>();
    private final Map<String, Counter> deleted = new ConcurrentHashMap<>();
    private final Timer commits;
    /** The size gauges this object registered. */
    private final List<Gauge> sizes = new ArrayList<>(2);

    LogMeters(MeterRegistry registry, Path file) {
        this.registry = registry;
        this.database = file.toString();
        this.commits = Timer.builder("klite.commit")
                .description("Time of each write transaction on the database file, BEGIN to COMMIT")
                .serviceLevelObjectives(COMMIT_BUCKETS).tag("database", database)
                .register(registry);
        sizeGauge("klite.database", file, "Size of the SQLite database file");
        sizeGauge("klite.wal", Path.of(file + "-wal"),
                "Size of the database's write-ahead log (-wal file); 0 where there is none");
    }

    /** Registers a size gauge where the registry has none for this file yet. */
    private void sizeGauge(String name, Path of, String description) {
        if (registry.find(name).tag("database", database).meter() == null) {
            sizes.add(Gauge.builder(name, of, LogMeters::size).baseUnit("bytes").strongReference(true)
                    .description(description).tag("database", database).register(registry));
        }
    }

    @Override
    public void produced(String topic, int partition, int count) {
        Counter[] counters = produced.get(topic);
        Counter counter = counters != null && partition < counters.length ? counters[partition] : null;
        if (counter == null) {
            counter = producedCounter(topic, partition);
        }
        counter.increment(count);
    }

    /** The partition's produced counter, made where it is the first send to it through this log. */
    private Counter producedCounter(String topic, int partition) {
        Counter[][] made = new Counter[1][];
        produced.compute(topic, (name, counters) -> {
            Counter[] grown = counters == null ? new Counter[partition + 1]
                    : counters.length > partition ? counters : Arrays.copyOf(counters, partition + 1);
            if (grown[partition] == null) {
                grown = grown == counters ? counters.clone() : grown;
                grown[partition] = Counter.builder("klite.messages.produced")
                        .description("Messages appended to the partition: sends (Java API, klite: producer, HTTP API), dead"
                             + " letters (to the dead-letter topic) and redrives (to the original topic)")
                        .tags("topic", topic, "partition", Integer.toString(partition), "database", database)
                        .register(registry);
            }
            made[0] = grown;
            return grown;
        });
        return made[0][partition];
    }

    @Override
    public void retentionDeleted(String topic, long count) {
        deleted.computeIfAbsent(topic, name -> Counter.builder("klite.retention.deleted")
                .description("Messages the retention cleaner deleted from the topic")
                .tags("topic", name, "database", database).register(registry)).increment(count);
    }

    @Override
    public void writeCommitted(long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Removes the size gauges: the log is closed. */
    void close() {
        sizes.forEach(registry::remove);
    }

    /** A file's size in bytes; 0 where it does not exist (a WAL between a close and the next write). */
    private static double size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
