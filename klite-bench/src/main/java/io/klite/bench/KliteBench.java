package io.klite.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark and prints the table of the README's Performance section: each Klite figure, its baseline
 * measured in the same run, the ratio and the target. Every measuring JVM is a child with a fixed heap and
 * {@code -XX:+AlwaysPreTouch}. Run from the repository root: {@code java -jar klite-bench/target/klite-bench.jar}
 * ({@code --quick} for a shorter, rougher run).
 */
public final class KliteBench {

    static final List<String> FIXED_HEAP = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
    private static final String LEASE_COST = "^" + ConsumeBench.class.getName() + "\\.leaseCost";
    private static final String METRICS_COST = "^" + MetricsCostBench.class.getName() + "\\.metricsCost";

    private final boolean quick;
    /** JMH scores by {@code Class.method[param=value,...]}. */
    private final Map<String, Double> scores = new HashMap<>();
    private final List<Row> rows = new ArrayList<>();

    private KliteBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        for (String arg : args) {
            if (!arg.equals("--quick")) {
                System.err.println("Unknown argument '" + arg + "': the only option is --quick");
                System.exit(2);
            }
        }
        new KliteBench(quick).runAll();
    }

    private void runAll() throws Exception {
        long started = System.nanoTime();
        jmh(BatchWriteBench.class, 1);
        jmh(SingleSendBench.class, 1);
        jmh(ConsumeBench.class, 2);
        leaseCost();
        metricsCost();
        jmh(DeadLetterBench.class, 2);
        String[] latency = child(LatencyBench.class, quick ? List.of("2", "5") : List.of("5", "30")).get("latency");
        String[] retention = child(RetentionLatencyBench.class,
                quick ? List.of("2", "5", "1000000") : List.of("5", "10", "1000000")).get("retention");
        String[] runtime = child(RuntimeDeliveryBench.class, List.of(quick ? "1000000" : "10000000", "2"))
                .get("runtime");
        String[] runtimeMetrics = child(RuntimeMetricsCostBench.class,
                quick ? List.of("300000", "2", "1") : List.of("1000000", "2", "5")).get("metrics");
        String[] api = child(ApiProduceBench.class, quick ? List.of("1", "3", "1") : List.of("3", "6", "2"))
                .get("api");
        String[] failover = child(FailoverBench.class, List.of(quick ? "3" : "10")).get("failover");
        String[] kafka = child(KafkaMirrorBench.class, List.of(quick ? "100000" : "500000", "2")).get("kafka");
        tableOfWrites();
        tableOfReads();
        leaseRows();
        deadLetterRows();
        latencyRows(latency);
        retentionRows(retention);
        runtimeRows(runtime);
        metricsRows(runtimeMetrics);
        rows.addAll(ApiProduceBench.rows(ApiProduceBench.parse(api)));
        failoverRows(failover);
        kafkaRows(kafka);
        System.out.println();
        System.out.printf(Locale.ROOT, "Klite benchmark, %s, %d cores, Java %s, %s, files on %s%s; took %d s%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), fileSystem(), quick ? ", --quick" : "",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        System.out.println();
        System.out.println("| figure | Klite | baseline | ratio | target | |");
        System.out.println("|---|---:|---:|---:|---|---|");
        rows.forEach(row -> System.out.println(row.markdown()));
    }

    // ---------------------------------------------------------------- the table

    private void tableOfWrites() {
        for (int payload : new int[] {100, 1024}) {
            for (int batch : new int[] {1, 100, 1000}) {
                String params = "batch=" + batch + ",payloadBytes=" + payload;
                double klite = score("BatchWriteBench.kliteSendBatch", params) * batch;
                double raw = score("BatchWriteBench.rawExecuteBatch", params) * batch;
                double multiRow = score("BatchWriteBench.rawMultiRowValues", params) * batch;
                String size = size(payload);
                rows.add(new Row("`sendBatch` of " + batch + ", " + size + " vs raw `executeBatch` in one tx",
                        klite, raw, batch == 1000 ? ">= 1.0x" : ""));
                if (batch > 1) {
                    rows.add(new Row("`sendBatch` of " + batch + ", " + size + " vs raw multi-row `VALUES`",
                            klite, multiRow, ""));
                }
            }
        }
        for (String durability : new String[] {"NORMAL", "FULL"}) {
            String params = "durability=" + durability + ",payloadBytes=100";
            rows.add(new Row("1 thread, `send` each, " + durability + ", vs raw autocommit insert",
                    score("SingleSendBench.kliteSend1Thread", params),
                    score("SingleSendBench.rawAutocommit1Thread", params), ""));
            rows.add(new Row("8 threads, `send` each, " + durability + ", vs raw 8-thread locked autocommit",
                    score("SingleSendBench.kliteSend8Threads", params),
                    score("SingleSendBench.rawAutocommit8Threads", params),
                    durability.equals("NORMAL") ? ">= 1.3x" : ">= 5x"));
        }
    }

    private void tableOfReads() {
        for (int payload : new int[] {100, 1024}) {
            String params = "payloadBytes=" + payload;
            String size = size(payload);
            double select = score("ConsumeBench.rawSequentialSelect", params);
            double selectMessages = score("ConsumeBench.rawSequentialSelectMessageColumns", params);
            double perMessage = score("ConsumeBench.kliteConsumerPerMessage", params);
            double batching = score("ConsumeBench.kliteConsumerBatching", params);
            double sql = score("ConsumeBench.camelSqlPollingConsumer", params);
            rows.add(new Row("`klite:` consumer, exchange per message, " + size + ", vs raw sequential SELECT of id,"
                    + " data", perMessage, select, ">= 0.35x"));
            rows.add(new Row("`klite:` consumer, exchange per message, " + size + ", vs raw sequential SELECT of id,"
                    + " data, key, created", perMessage, selectMessages, ""));
            rows.add(new Row("`klite:` consumer, `batching=true`, " + size + ", vs raw sequential SELECT of id, data",
                    batching, select, ">= 0.6x"));
            rows.add(new Row("`klite:` consumer, `batching=true`, " + size + ", vs raw sequential SELECT of id, data,"
                    + " key, created", batching, selectMessages, ""));
            rows.add(new Row("`klite:` consumer, exchange per message, " + size + ", vs camel-sql polling consumer",
                    perMessage, sql, ">= 10x"));
        }
    }

    /**
     * What group membership, leases and fenced commits cost a consumer: the same consumer with
     * {@code groupCoordination=false}, the two taking turns in one JVM (see ConsumeBench).
     */
    private void leaseRows() {
        for (String mode : new String[] {"PerMessage", "Batching"}) {
            String benchmark = "ConsumeBench.leaseCost" + mode;
            String params = "payloadBytes=100";
            double messages = ConsumeBench.MESSAGES * score(benchmark, params, "pairs");
            rows.add(new Row("`klite:` consumer with leases, " + (mode.equals("Batching") ? "`batching=true`"
                    : "exchange per message") + ", 100 B, vs `groupCoordination=false`, taking turns",
                    messages / (score(benchmark, params, "withLeasesNanos") / 1e9),
                    messages / (score(benchmark, params, "withoutLeasesNanos") / 1e9), ">= 0.95x"));
        }
    }

    /**
     * What Klite's meters cost: a consumer in a context with a Prometheus registry vs one without, taking turns in one
     * JVM (MetricsCostBench); the runtime's workers with metrics on (the bundled settings) vs
     * {@code --camel.metrics.enabled=false}, taking turns (RuntimeMetricsCostBench).
     */
    private void metricsRows(String[] runtimeMetrics) {
        for (String mode : new String[] {"PerMessage", "Batching"}) {
            String benchmark = "MetricsCostBench.metricsCost" + mode;
            double messages = MetricsCostBench.MESSAGES * score(benchmark, "", "pairs");
            rows.add(new Row("`klite:` consumer with a Prometheus registry in the context (metrics on), "
                    + (mode.equals("Batching") ? "`batching=true`" : "exchange per message")
                    + ", 100 B, vs no registry, taking turns",
                    messages / (score(benchmark, "", "withMetricsNanos") / 1e9),
                    messages / (score(benchmark, "", "withoutMetricsNanos") / 1e9), ">= 0.95x"));
        }
        // fields: name onMsgPerSecond offMsgPerSecond messages partitions pairs
        rows.add(new Row(String.format(Locale.ROOT, "runtime workers delivering %,d messages, %s partitions, to a"
                + " local HTTP sink with metrics on (bundled settings), vs `--camel.metrics.enabled=false`, taking"
                + " turns (%s pairs)", Long.parseLong(runtimeMetrics[3]), runtimeMetrics[4], runtimeMetrics[5]),
                Double.parseDouble(runtimeMetrics[1]), Double.parseDouble(runtimeMetrics[2]), ">= 0.95x"));
    }

    private void deadLetterRows() {
        double deadLetters = score("DeadLetterBench.deadLetterMaxAttempts1", "");
        // for scale: the happy path moves hundreds of thousands of messages a second in fetches of 1000 with one
        // commit each, while every dead letter is a write transaction of its own (its copy and the group's commit
        // past it must be one)
        rows.add(new Row("`klite:` consumer, exchange per message, `maxAttempts=1`, route throws for each of "
                + String.format(Locale.ROOT, "%,d", DeadLetterBench.MESSAGES) + " orders (all dead-lettered), vs the"
                + " same route succeeding", deadLetters, score("DeadLetterBench.happyPathMaxAttempts1", ""), ""));
        // the target: a dead letter costs at most twice a single send (one write transaction each, plus the
        // exception, Camel's error handler and the WARN line)
        rows.add(new Row("the same dead-lettering vs 1 thread, `send` each, NORMAL", deadLetters,
                score("SingleSendBench.kliteSend1Thread", "durability=NORMAL,payloadBytes=100"), ">= 0.5x"));
    }

    private void latencyRows(String[] latency) {
        // fields: queue p50 p99 p999 max count, one queue after the other
        Map<String, double[]> byQueue = new HashMap<>();
        for (int i = 0; i + 5 < latency.length; i += 6) {
            byQueue.put(latency[i], new double[] {Double.parseDouble(latency[i + 1]),
                Double.parseDouble(latency[i + 2]), Double.parseDouble(latency[i + 3])});
        }
        double[] klite = byQueue.get("latency.klite");
        double[] seda = byQueue.get("latency.seda");
        rows.add(Row.millis("produce -> consume p50 at 1k msg/s, vs Camel `seda:`", klite[0], seda[0], ""));
        rows.add(Row.millis("produce -> consume p99 at 1k msg/s, vs Camel `seda:`", klite[1], seda[1], "<= 5 ms"));
        rows.add(Row.millis("produce -> consume p99.9 at 1k msg/s, vs Camel `seda:`", klite[2], seda[2], ""));
    }

    private void retentionRows(String[] retention) {
        // fields: name and five values, one line after the other; see RetentionLatencyBench
        Map<String, String[]> byName = new HashMap<>();
        for (int i = 0; i + 5 < retention.length; i += 6) {
            byName.put(retention[i], List.of(retention).subList(i + 1, i + 6).toArray(String[]::new));
        }
        double quiet = Double.parseDouble(byName.get("retention.nocleaner")[1]);
        double cleaning = Double.parseDouble(byName.get("retention.cleaning")[1]);
        String[] deletion = byName.get("retention.deletion");
        String backlog = String.format(Locale.ROOT, "%,d", Long.parseLong(deletion[0]));
        rows.add(new Row("Send p99 latency, no cleaner (`klite:` producer, one 100 B send every ms, from when it was"
                + " due)", Row.millis(quiet), "", Double.NaN, "", ""));
        rows.add(Row.millis("Send p99 latency while the cleaner deletes a " + backlog + "-message backlog of the same"
                + " partition, vs no cleaner", cleaning, quiet, 20, 3));
        rows.add(new Row("the cleaner meanwhile: time to delete the " + backlog + "-message backlog, and its rate",
                String.format(Locale.ROOT, "%.2f s, %.0fk rows/s", Double.parseDouble(deletion[2]),
                        Double.parseDouble(deletion[3]) / 1e3), "", Double.NaN, "", ""));
    }

    private void runtimeRows(String[] runtime) {
        // fields: name msg/s baseline firstQuarterMiB lastQuarterMiB maxMiB gcCount messages partitions flat
        long messages = Long.parseLong(runtime[7]);
        String load = String.format(Locale.ROOT, "%,d messages, %s partitions", messages, runtime[8]);
        rows.add(new Row("runtime (`-Xmx128m`) delivering to a local HTTP sink, batch 500, " + load
                + ", vs plain `HttpClient` POSTs of ready-made batches to the same sink",
                Double.parseDouble(runtime[1]), Double.parseDouble(runtime[2]), ">= 100k msg/s"));
        rows.add(new Row("runtime consuming a " + load + " log with `-Xmx128m`: heap after GC, first quarter ->"
                + " last quarter of the run (max)", runtime[3] + " -> " + runtime[4] + " MiB (" + runtime[5] + ")",
                runtime[6] + " GCs", Double.NaN, "works, heap flat", Row.verdict(Boolean.parseBoolean(runtime[9]))));
    }

    private void failoverRows(String[] failover) {
        // fields: name p50 max min kills heartbeatInterval sessionTimeout, in seconds; see FailoverBench
        double p50 = Double.parseDouble(failover[1]);
        double max = Double.parseDouble(failover[2]);
        double heartbeat = Double.parseDouble(failover[5]);
        double session = Double.parseDouble(failover[6]);
        double bound = session + heartbeat;
        rows.add(new Row(String.format(Locale.ROOT, "failover: a member of a group in another JVM killed (`kill -9`)"
                + " while messages flow, to the survivor's first delivery of its partition, defaults"
                + " `heartbeatInterval` %.0f s and `sessionTimeout` %.0f s: p50 and max of %s kills, vs"
                + " `sessionTimeout + heartbeatInterval`", heartbeat, session, failover[4]),
                String.format(Locale.ROOT, "p50 %.1f s, max %.1f s", p50, max),
                String.format(Locale.ROOT, "%.1f s", bound), max / bound,
                String.format(Locale.ROOT, "max <= %.0f s", bound), Row.verdict(max <= bound)));
    }

    private void kafkaRows(String[] kafka) {
        // fields: name mirrorPerSecond baselinePerSecond messages partitions; see KafkaMirrorBench
        rows.add(new Row(String.format(Locale.ROOT, "`klite-to-kafka` template (runtime, `-Xmx128m`) mirroring %,d"
                + " messages, %s partitions, batch 500, into a local Kafka broker (acks=all, idempotent), vs"
                + " camel-kafka sending the same batches from memory", Long.parseLong(kafka[3]), kafka[4]),
                Double.parseDouble(kafka[1]), Double.parseDouble(kafka[2]), ""));
    }

    /** Where the benchmarks' files go, and its type: on tmpfs an fsync costs nothing, and FULL means little. */
    private static String fileSystem() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        return temp + " (" + Files.getFileStore(temp).type() + ")";
    }

    private static String size(int payload) {
        return payload == 1024 ? "1 KiB" : payload + " B";
    }

    // ---------------------------------------------------------------- running

    private void jmh(Class<?> benchmark, int secondsPerIteration) throws RunnerException {
        run(options(secondsPerIteration, secondsPerIteration, quick ? 2 : 3)
                .include("^" + benchmark.getName() + "\\.")
                .exclude(LEASE_COST));
    }

    /** MetricsCostBench, with more and longer iterations than the rest, as {@link #leaseCost()}. */
    private void metricsCost() throws RunnerException {
        run(options(2, 4, quick ? 2 : 5).include(METRICS_COST));
    }

    /**
     * ConsumeBench's {@code leaseCost*}, at 100 B only, with more and longer iterations than the rest: each
     * invocation is a pair of consumers, and the figure is a difference of a few percent.
     */
    private void leaseCost() throws RunnerException {
        run(options(2, 4, quick ? 2 : 5).include(LEASE_COST).param("payloadBytes", "100"));
    }

    private ChainedOptionsBuilder options(int warmupSeconds, int secondsPerIteration, int measurementIterations) {
        return new OptionsBuilder()
                .forks(1)
                .jvmArgs(FIXED_HEAP.toArray(String[]::new))
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(warmupSeconds))
                .measurementIterations(measurementIterations)
                .measurementTime(TimeValue.seconds(secondsPerIteration));
    }

    private void run(ChainedOptionsBuilder options) throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            List<String> params = new ArrayList<>();
            for (String key : result.getParams().getParamsKeys()) {
                params.add(key + "=" + result.getParams().getParam(key));
            }
            params.sort(null);
            String key = shortName + "[" + String.join(",", params) + "]";
            scores.put(key, result.getPrimaryResult().getScore());
            // AuxCounters: summed over the measured iterations
            result.getSecondaryResults().forEach((label, secondary) -> scores.put(key + label, secondary.getScore()));
        }
    }

    private double score(String benchmark, String params) {
        return score(benchmark, params, "");
    }

    /** A secondary result of a JMH benchmark (an AuxCounters field), or with an empty label its score. */
    private double score(String benchmark, String params, String label) {
        Double score = scores.get(benchmark + "[" + params + "]" + label);
        if (score == null) {
            throw new IllegalStateException("No JMH score for " + benchmark + " [" + params + "]" + label + "; have "
                    + scores.keySet());
        }
        return score;
    }

    /**
     * Runs {@code main} of a class in a child JVM with a fixed heap, echoes its output, and returns its
     * {@code RESULT <name> <values...>} lines by the name's first part.
     */
    static Map<String, String[]> child(Class<?> main, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FIXED_HEAP);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        System.out.println("# " + main.getSimpleName() + " " + String.join(" ", args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, List<String>> results = new HashMap<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println(line);
                if (line.startsWith("RESULT ")) {
                    String[] fields = line.substring("RESULT ".length()).split(" ");
                    String group = fields[0].split("\\.")[0];
                    results.computeIfAbsent(group, key -> new ArrayList<>()).addAll(List.of(fields));
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException(main.getSimpleName() + " failed with exit code " + exit);
        }
        Map<String, String[]> byGroup = new HashMap<>();
        results.forEach((group, fields) -> byGroup.put(group, fields.toArray(String[]::new)));
        return byGroup;
    }

    /**
     * One line of the table: Klite's figure, the baseline's, Klite's over the baseline's (for rates above 1 means
     * Klite is faster; for latencies below 1 means it is faster), the target, and whether the unrounded figure
     * meets it.
     */
    record Row(String figure, String klite, String baseline, double ratio, String target, String met) {

        /** Rates; a target is {@code ">= <ratio>x"} or {@code ">= <n>k msg/s"}. */
        Row(String figure, double klite, double baseline, String target) {
            this(figure, rate(klite), rate(baseline), klite / baseline, target,
                    target.isEmpty() ? "" : verdict(target.endsWith("x") ? klite / baseline >= number(target)
                            : klite >= number(target) * 1000));
        }

        /** Latencies in milliseconds; a target is {@code "<= <n> ms"}. */
        static Row millis(String figure, double klite, double baseline, String target) {
            return new Row(figure, millis(klite), millis(baseline), klite / baseline, target,
                    target.isEmpty() ? "" : verdict(klite <= number(target)));
        }

        /** Latencies in milliseconds with two targets: at most {@code maxMillis}, at most {@code maxRatio}x. */
        static Row millis(String figure, double klite, double baseline, int maxMillis, int maxRatio) {
            return new Row(figure, millis(klite), millis(baseline), klite / baseline,
                    "<= " + maxMillis + " ms, <= " + maxRatio + "x",
                    verdict(klite <= maxMillis && klite / baseline <= maxRatio));
        }

        static String millis(double millis) {
            return String.format(Locale.ROOT, "%.2f ms", millis);
        }

        static String verdict(boolean met) {
            return met ? "met" : "**missed**";
        }

        /** The number in a target such as {@code ">= 0.35x"}, {@code "<= 5 ms"} or {@code ">= 100k msg/s"}. */
        private static double number(String target) {
            return Double.parseDouble(target.replaceAll("^[<>=\\s]+|[^0-9.]+.*$", ""));
        }

        String markdown() {
            return "| " + figure + " | " + klite + " | " + baseline + " | "
                    + (Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2fx", ratio)) + " | " + target
                    + " | " + met + " |";
        }

        private static String rate(double perSecond) {
            if (perSecond >= 1_000_000) {
                return String.format(Locale.ROOT, "%.2fM/s", perSecond / 1e6);
            }
            return String.format(Locale.ROOT, "%.1fk/s", perSecond / 1e3);
        }
    }
}
