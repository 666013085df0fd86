package io.klite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What metrics cost the runtime's workers: the runtime jar delivering a prefilled log to a local HTTP sink as
 * {@link RuntimeDeliveryBench} does, once with its bundled settings (metrics on: Klite's meters and Camel's route
 * meters in a Prometheus registry, served at /observe/metrics) and once with {@code --camel.metrics.enabled=false},
 * both with the HTTP server on (a free port) as a service runs, taking turns at going first,
 * each run a new group delivering every message, after one run that is not counted (the first run after the prefill
 * came in 10% to 25% slower than the rest, whichever side it was). The figures are each side's messages over its
 * summed time, from the first POST to the last message; each run's log must show Camel's Prometheus service where
 * metrics are on, and not where they are off.
 *
 * <p>Run it alone from the repository root, after {@code mvn -B -q package -DskipTests}:
 * {@code java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp klite-bench/target/klite-bench.jar
 * io.klite.bench.RuntimeMetricsCostBench [messages] [partitions] [pairs]}.
 */
public final class RuntimeMetricsCostBench {

    static final String METRICS_OFF = "--camel.metrics.enabled=false";
    /** As a service runs: the HTTP server, with /observe/metrics where metrics are on, on a free port. */
    private static final List<String> SERVED = List.of("--camel.server.enabled=true",
            "--camel.management.enabled=true", "--camel.server.port=0");
    /** What Camel's Prometheus service logs as it starts: present exactly where metrics are on. */
    private static final String METRICS_STARTED = "MicrometerPrometheus enabled";

    private RuntimeMetricsCostBench() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : RuntimeDeliveryBench.DEFAULT_PARTITIONS;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path jar = RuntimeJar.find();
        Path workDir = Files.createTempDirectory("klite-runtime-metrics-bench");
        Path database = workDir.resolve("bench.db");
        long[] endOffsets = RuntimeDeliveryBench.prefill(database, messages, partitions);
        double onSeconds = 0;
        double offSeconds = 0;
        int run = 0;
        double warmUp = deliver(jar, workDir, database, messages, partitions, endOffsets, ++run, false);
        System.out.printf(Locale.ROOT, "run %d, warm-up, metrics off, not counted: %,.0f msg/s%n", run,
                messages / warmUp);
        for (int pair = 0; pair < pairs; pair++) {
            boolean onFirst = pair % 2 == 0;
            for (boolean on : new boolean[] {onFirst, !onFirst}) {
                double seconds = deliver(jar, workDir, database, messages, partitions, endOffsets, ++run, on);
                System.out.printf(Locale.ROOT, "run %d, metrics %s: %,.0f msg/s%n", run, on ? "on" : "off",
                        messages / seconds);
                if (on) {
                    onSeconds += seconds;
                } else {
                    offSeconds += seconds;
                }
            }
        }
        double on = pairs * messages / onSeconds;
        double off = pairs * messages / offSeconds;
        System.out.printf(Locale.ROOT, "RuntimeMetricsCostBench, %d pair(s) of %,d messages over %d partition(s):"
                + " metrics on %,.0f msg/s, off %,.0f msg/s, on/off %.3f%n", pairs, messages, partitions, on, off,
                on / off);
        System.out.printf(Locale.ROOT, "RESULT metrics.runtime %.0f %.0f %d %d %d%n", on, off, messages, partitions,
                pairs);
        try (Stream<Path> files = Files.list(workDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("bench.db")).toList()) {
                Files.delete(file);
            }
        }
    }

    private static List<String> with(List<String> settings, String more) {
        return Stream.concat(settings.stream(), Stream.of(more)).toList();
    }

    /** One run: a new group's worker delivers every message; the seconds from its first POST to its last message. */
    private static double deliver(Path jar, Path workDir, Path database, long messages, int partitions,
                                  long[] endOffsets, int run, boolean metrics) throws Exception {
        try (BatchSink sink = new BatchSink(messages, true)) {
            Path workers = RuntimeDeliveryBench.writeWorkerFile(workDir, partitions, sink.url(), "bench-" + run);
            Path childLog = workDir.resolve("runtime-" + run + ".log");
            Process child = RuntimeDeliveryBench.startRuntime(jar, workDir, database, workers,
                    workDir.resolve("gc-" + run + ".log"), childLog, metrics ? SERVED : with(SERVED, METRICS_OFF));
            try {
                RuntimeDeliveryBench.awaitDelivery(sink, child, messages, childLog);
            } finally {
                RuntimeJar.stop(child);
            }
            for (int partition = 0; partition < partitions; partition++) {
                if (sink.lastOffset(partition) != endOffsets[partition]) {
                    throw new IllegalStateException("Run " + run + ": partition " + partition + " was delivered up"
                            + " to offset " + sink.lastOffset(partition) + " but ends at " + endOffsets[partition]);
                }
            }
            boolean started = Files.readString(childLog).contains(METRICS_STARTED);
            if (started != metrics) {
                throw new IllegalStateException("Run " + run + " was to have metrics " + (metrics ? "on" : "off")
                        + " but its log " + (started ? "shows" : "does not show") + " '" + METRICS_STARTED + "'");
            }
            return Duration.ofNanos(sink.lastMessageNanos() - sink.firstPostNanos()).toNanos() / 1e9;
        }
    }
}
