package io.klite.bench;

import io.klite.camel.KliteBatch;
import io.klite.camel.KliteComponent;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What Klite's meters cost a {@code klite:} consumer: one partition of {@value ConsumeBench#MESSAGES} messages of 100 B
 * consumed from its start by a new group, in a Camel context with a Prometheus registry bound (the component's meters
 * on: produced, consumed, lag gauge, commit histogram) and in one without, the two taking turns at going first in each
 * invocation so that the machine's swings fall on both alike (as {@link ConsumeBench}'s {@code leaseCost*}). The
 * figures are the summed times of each side ({@link MeterTimes}); the metered side's consumed counter must have counted
 * every message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MetricsCostBench {

    static final int MESSAGES = ConsumeBench.MESSAGES;
    static final int PAYLOAD_BYTES = 100;

    private Path folder;
    private CamelContext metered;
    private CamelContext plain;
    private PrometheusMeterRegistry registry;
    private int runs;
    private int alternations;

    @Setup(Level.Trial)
    public void prefill() throws Exception {
        folder = BenchFiles.newFolder("klite-bench-metrics");
        Path file = folder.resolve("klite.db");
        try (KliteLog log = BenchFiles.openLog(file, Durability.NORMAL)) {
            List<byte[]> batch = BenchFiles.payloads(PAYLOAD_BYTES, ConsumeBench.FETCH);
            for (int written = 0; written < MESSAGES; written += ConsumeBench.FETCH) {
                log.sendBatch("bench", 0, null, batch);
            }
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metered = context(file);
        metered.getRegistry().bind("metricsRegistry", registry);
        plain = context(file);
        metered.start();
        plain.start();
    }

    private static CamelContext context(Path file) {
        CamelContext camel = new DefaultCamelContext();
        camel.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(file.toString());
        return camel;
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        metered.close();
        plain.close();
        registry.close();
        BenchFiles.deleteFolder(folder);
    }

    /** Exchange per message with meters and without, in turns; the score counts both, the figures are the times. */
    @Benchmark
    @OperationsPerInvocation(2 * MESSAGES)
    public void metricsCostPerMessage(MeterTimes times) throws Exception {
        alternate(times, "batching=false", false);
    }

    /** {@code batching=true} with meters and without, in turns; the score counts both, the figures are the times. */
    @Benchmark
    @OperationsPerInvocation(2 * MESSAGES)
    public void metricsCostBatching(MeterTimes times) throws Exception {
        alternate(times, "batching=true", true);
    }

    private void alternate(MeterTimes times, String options, boolean batching) throws Exception {
        boolean meteredFirst = alternations++ % 2 == 0;
        for (boolean meters : new boolean[] {meteredFirst, !meteredFirst}) {
            StartedRoute started = new StartedRoute();
            String group;
            try {
                long start = System.nanoTime();
                group = consume(started, meters ? metered : plain, options, batching);
                long nanos = System.nanoTime() - start;
                if (meters) {
                    times.withMetricsNanos += nanos;
                } else {
                    times.withoutMetricsNanos += nanos;
                }
            } finally {
                started.remove();
            }
            if (meters) {
                checkCounted(group); // once the route has stopped: its last exchange is counted as it returns
            }
        }
        times.pairs++;
    }

    /** The metered consumer's counter saw every message (untimed: after the run, not part of it). */
    private void checkCounted(String group) {
        double consumed = registry.get("klite.messages.consumed").tags("group", group).counter().count();
        if (consumed != MESSAGES) {
            throw new IllegalStateException("Group " + group + " counted " + consumed + " consumed of " + MESSAGES);
        }
    }

    /** Starts a consumer of a new group and waits until its route has seen every message; returns the group. */
    private String consume(StartedRoute started, CamelContext camel, String options, boolean batching)
            throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        String id = "group-" + (++runs);
        AtomicInteger seen = new AtomicInteger();
        Processor count = batching
                ? exchange -> {
                    if (seen.addAndGet(exchange.getIn().getBody(KliteBatch.class).size()) == MESSAGES) {
                        done.countDown();
                    }
                }
                : exchange -> {
                    if (seen.incrementAndGet() == MESSAGES) {
                        done.countDown();
                    }
                };
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:bench?group=" + id + "&batchSize=" + ConsumeBench.FETCH + "&initialDelay=0&" + options)
                        .routeId(id).process(count);
            }
        });
        started.camel = camel;
        started.routeId = id;
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("The consumer of group " + id + " did not get every message");
        }
        return id;
    }

    /**
     * The times of a {@code metricsCost*} benchmark, each summed over the measured iterations: nanoseconds the
     * consumers with meters took, those without, and how many of each ran (each read {@value #MESSAGES} messages).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MeterTimes {
        public long withMetricsNanos;
        public long withoutMetricsNanos;
        public long pairs;
    }
}
