package io.klite.bench;

import io.klite.log.BatchResult;
import io.klite.log.KliteLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The runtime delivering a prefilled log to a local HTTP sink, batch {@value #BATCH_SIZE}, in a child JVM with a
 * fixed {@value #CHILD_HEAP} heap: messages per second from the first POST to the last message, the heap after each
 * GC over that time, and the same-run baseline of {@link HttpBaseline} (a plain client posting ready-made bodies
 * to the same sink).
 *
 * <p>Run it alone from the repository root, after {@code mvn -B -q package -DskipTests}:
 * {@code java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp klite-bench/target/klite-bench.jar
 * io.klite.bench.RuntimeDeliveryBench [messages] [partitions]}. The runtime jar and more options for the child JVM
 * as {@link RuntimeJar} says.
 */
public final class RuntimeDeliveryBench {

    static final long DEFAULT_MESSAGES = 10_000_000;
    /** Two partitions, two worker routes: one per core of the 2-core machine the figures are taken on. */
    static final int DEFAULT_PARTITIONS = 2;
    static final String TOPIC = "bench";
    static final int BATCH_SIZE = 500;
    static final String CHILD_HEAP = "128m";

    private static final String DATABASE = "bench.db";
    private static final int PREFILL_BATCH = 1000;
    private static final Duration STALL = Duration.ofSeconds(30);

    /**
     * One run's figures.
     *
     * @param seconds                   from the first POST's arrival to the last message's
     * @param baselineMessagesPerSecond the same sink fed by {@link HttpBaseline} in this run
     * @param firstQuarterMaxMiB        the child's largest heap after GC in the first quarter of {@code seconds}
     *                                  (NaN where no GC ended in it); likewise the last quarter and all of it
     * @param gcCount                   the child's GC pauses within {@code seconds}
     */
    public record Result(long messages, double seconds, double messagesPerSecond, double baselineMessagesPerSecond,
                         double firstQuarterMaxMiB, double lastQuarterMaxMiB, double maxMiB, int gcCount) {

        /**
         * Flat: the last quarter's heap after GC at most 10% (and 2 MiB) above the first quarter's, both measured.
         */
        public boolean heapFlat() {
            // no GC in a quarter is no evidence either way
            return !Double.isNaN(firstQuarterMaxMiB) && !Double.isNaN(lastQuarterMaxMiB)
                    && lastQuarterMaxMiB <= firstQuarterMaxMiB * 1.1 + 2;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d messages in %.2f s: %,.0f msg/s (baseline, plain HttpClient to the"
                    + " same sink: %,.0f msg/s, runtime at %.0f%% of it); child heap after GC, MiB: first quarter max"
                    + " %.1f, last quarter max %.1f, max %.1f, %d GC pauses: %s",
                    messages, seconds, messagesPerSecond, baselineMessagesPerSecond,
                    100 * messagesPerSecond / baselineMessagesPerSecond, firstQuarterMaxMiB, lastQuarterMaxMiB,
                    maxMiB, gcCount, heapFlat() ? "flat" : "GROWING");
        }
    }

    private RuntimeDeliveryBench() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? number(args[0], "messages") : DEFAULT_MESSAGES;
        int partitions = args.length > 1 ? Math.toIntExact(number(args[1], "partitions")) : DEFAULT_PARTITIONS;
        Path jar = RuntimeJar.find();
        Path workDir = Files.createTempDirectory("klite-runtime-bench");
        Result result = run(jar, messages, partitions, workDir);
        System.out.println("RuntimeDeliveryBench, " + partitions + " partition(s), batch " + BATCH_SIZE + ": " + result);
        System.out.printf(Locale.ROOT, "RESULT runtime.delivery %.0f %.0f %.1f %.1f %.1f %d %d %d %b%n",
                result.messagesPerSecond(), result.baselineMessagesPerSecond(), result.firstQuarterMaxMiB(),
                result.lastQuarterMaxMiB(), result.maxMiB(), result.gcCount(), result.messages(), partitions,
                result.heapFlat());
        try (Stream<Path> files = Files.list(workDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(DATABASE)).toList()) {
                Files.delete(file);
            }
        }
        System.out.println("The runtime's log and GC log are in " + workDir);
    }

    /**
     * Prefills a log in {@code workDir} with {@code messages} orders over {@code partitions} partitions, measures the
     * baseline, then has the runtime jar deliver them all to a sink in this JVM. Leaves the database, the worker
     * file, the child's log ({@code runtime.log}) and its GC log ({@code gc.log}) in {@code workDir}.
     */
    public static Result run(Path runtimeJar, long messages, int partitions, Path workDir) throws Exception {
        if (messages < 1 || partitions < 1) {
            throw new IllegalArgumentException("messages " + messages + " and partitions " + partitions
                    + ": both must be at least 1");
        }
        Path database = workDir.resolve(DATABASE);
        long start = System.nanoTime();
        long[] endOffsets = prefill(database, messages, partitions);
        System.out.printf(Locale.ROOT, "Prefilled %,d messages of %d bytes over %d partition(s) in %.1f s (%s)%n",
                messages, OrderPayloads.SIZE, partitions, (System.nanoTime() - start) / 1e9, database);

        double baseline = HttpBaseline.messagesPerSecond(BATCH_SIZE);
        System.out.printf(Locale.ROOT, "Baseline, plain HttpClient posting ready-made %d-message bodies: %,.0f msg/s%n",
                BATCH_SIZE, baseline);

        try (BatchSink sink = new BatchSink(messages, true)) {
            Path workers = writeWorkerFile(workDir, partitions, sink.url());
            Path gcLog = workDir.resolve("gc.log");
            Path childLog = workDir.resolve("runtime.log");
            Process child = startRuntime(runtimeJar, workDir, database, workers, gcLog, childLog);
            try {
                awaitDelivery(sink, child, messages, childLog);
            } finally {
                RuntimeJar.stop(child);
            }
            for (int partition = 0; partition < partitions; partition++) {
                if (sink.lastOffset(partition) != endOffsets[partition]) {
                    throw new IllegalStateException("Partition " + partition + " was delivered up to offset "
                            + sink.lastOffset(partition) + " but ends at " + endOffsets[partition]);
                }
            }
            double seconds = (sink.lastMessageNanos() - sink.firstPostNanos()) / 1e9;
            GcLog.Window heap = GcLog.window(GcLog.read(gcLog), sink.firstPostMillis(), sink.lastMessageMillis());
            return new Result(messages, seconds, messages / seconds, baseline, heap.firstQuarterMaxMiB(),
                    heap.lastQuarterMaxMiB(), heap.maxMiB(), heap.pauses());
        }
    }

    /** Writes the orders, batches of {@value #PREFILL_BATCH} taking turns over the partitions; returns their end offsets. */
    static long[] prefill(Path database, long messages, int partitions) {
        long[] endOffsets = new long[partitions];
        try (KliteLog log = KliteLog.open(database)) {
            log.createTopic(TOPIC, partitions);
            long written = 0;
            for (int batch = 0; written < messages; batch++) {
                int size = (int) Math.min(PREFILL_BATCH, messages - written);
                List<byte[]> payloads = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    payloads.add(OrderPayloads.order(written + i));
                }
                int partition = batch % partitions;
                BatchResult result = log.sendBatch(TOPIC, partition, null, payloads);
                endOffsets[partition] = result.lastOffset();
                written += size;
            }
        }
        return endOffsets;
    }

    static Path writeWorkerFile(Path workDir, int partitions, String endpoint) throws IOException {
        return writeWorkerFile(workDir, partitions, endpoint, "bench-sink");
    }

    /** The worker file: one worker of {@code group} posting every partition of the topic to {@code endpoint}. */
    static Path writeWorkerFile(Path workDir, int partitions, String endpoint, String group) throws IOException {
        String list = String.join(", ", Stream.iterate(0, p -> p + 1).limit(partitions).map(String::valueOf).toList());
        Path file = workDir.resolve("workers.yaml");
        Files.writeString(file, "topics:\n"
                + "  " + TOPIC + ":\n"
                + "    consumerGroups:\n"
                + "      " + group + ": { partitions: [" + list + "], endpoint: \"" + endpoint + "\", batchSize: "
                + BATCH_SIZE + ", interval: 1s }\n");
        return file;
    }

    /**
     * Starts the runtime jar in {@code workDir} (so that it loads no {@code routes/} folder) without its HTTP API and
     * health server, which would otherwise want port 8080.
     */
    private static Process startRuntime(Path jar, Path workDir, Path database, Path workers, Path gcLog,
                                        Path childLog) throws IOException {
        return startRuntime(jar, workDir, database, workers, gcLog, childLog, List.of());
    }

    /** {@link #startRuntime(Path, Path, Path, Path, Path, Path)} with more {@code --key=value} settings. */
    static Process startRuntime(Path jar, Path workDir, Path database, Path workers, Path gcLog, Path childLog,
                                List<String> settings) throws IOException {
        List<String> args = new ArrayList<>(List.of("--camel.component.klite.database=" + database.toAbsolutePath(),
                "--klite.workers=" + workers.toAbsolutePath(),
                "--camel.server.enabled=false",
                "--camel.management.enabled=false"));
        args.addAll(settings);
        List<String> command = RuntimeJar.command(jar,
                List.of("-Xms" + CHILD_HEAP, "-Xmx" + CHILD_HEAP, "-XX:+AlwaysPreTouch",
                        "-Xlog:gc:file=" + gcLog + ":" + GcLog.DECORATORS), args);
        return RuntimeJar.start(command, workDir, childLog);
    }

    /** Waits for every message; fails where the child dies, the sink refuses a batch or nothing arrives for 30 s. */
    static void awaitDelivery(BatchSink sink, Process child, long messages, Path childLog)
            throws InterruptedException, IOException {
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (!sink.awaitAll(Duration.ofSeconds(1))) {
            String failure = sink.failure();
            long received = sink.received();
            if (failure != null) {
                throw new IllegalStateException("The sink refused a batch after " + received + " of " + messages
                        + " messages: " + failure + RuntimeJar.tail(childLog));
            }
            if (!child.isAlive()) {
                throw new IllegalStateException("The runtime exited with code " + child.exitValue() + " after "
                        + received + " of " + messages + " messages" + RuntimeJar.tail(childLog));
            }
            if (received != lastCount) {
                lastCount = received;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("No message arrived for " + STALL.toSeconds() + " s, at " + received
                        + " of " + messages + " messages" + RuntimeJar.tail(childLog));
            }
        }
    }

    private static long number(String text, String what) {
        try {
            return Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a count of " + what + "; usage: "
                    + RuntimeDeliveryBench.class.getName() + " [messages] [partitions]", e);
        }
    }
}
