package io.klite.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The HTTP API's produce throughput: {@value #CLIENTS} clients, each on one HTTP/1.1 connection kept alive for the
 * whole run ({@link KeepAliveConnection}), post 100-byte JSON orders, one a request or {@value #BATCH_SIZE} a request,
 * as fast as the service answers, to the packaged service in a child JVM ({@value #CHILD_HEAP} fixed heap, its
 * database in a temporary folder). Six cases ({@link ProduceCase}): single or batch, to the API
 * ({@code /topics/bench/messages}, {@code /topics/bench/batch}), to the API with a new {@code Idempotency-Key} on every
 * request, and to the baseline: a {@code platform-http} route of the same service, from a route file in its
 * {@code routes/} folder, answering 201 with a constant JSON and writing nothing. Same server, clients and bodies.
 *
 * <p>Every case is warmed up in turn, then measured in rounds, each case a turn of a few seconds per round, in a new
 * order each round ({@link #order}), so that the machine's noise falls on all of them alike.
 * Checked, failing loudly otherwise: every answer is 201; after every turn the server holds exactly the clients'
 * {@value #CLIENTS} connections (where Linux lists them); at the end, every message answered 201 is stored, once, at
 * the offset answered ({@link StoredOffsets}).
 *
 * <p>Prints the CPU time the service and the clients took (they share the machine's cores), one line per case, then
 * {@code RESULT api.<shape>.<endpoint> <msg/s> <requests/s> <p50 ms> <p99 ms> <requests> <seconds>} and the README's
 * rows. Arguments: warm-up seconds per case (3), rounds (6), seconds per case per round (2); about 2 minutes with
 * these. Run it alone from the repository root, after
 * {@code mvn -B -q package -DskipTests}: {@code java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp
 * klite-bench/target/klite-bench.jar io.klite.bench.ApiProduceBench}. The runtime jar as {@link RuntimeJar} says.
 */
public final class ApiProduceBench {

    static final int CLIENTS = 8;
    static final int BATCH_SIZE = 100;
    static final String TOPIC = "bench";
    static final String CHILD_HEAP = "512m";

    /** The baseline: the same server's own HTTP handling, answering as the API does (201, JSON, a length). */
    static final String BASELINE_ROUTES =
            baselineRoute("messages", "{\"topic\":\"bench\",\"partition\":0,\"offset\":0}")
            + baselineRoute("batch", "{\"topic\":\"bench\",\"partition\":0,\"firstOffset\":0,\"count\":100}");

    private static final Pattern RUNNING = Pattern.compile("Klite is running: API http://([^:/]+):(\\d+)/topics");
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** One case's figures over its measured turns. */
    record Measured(double messagesPerSecond, double requestsPerSecond, double p50Millis, double p99Millis,
                    long requests, double seconds) {
    }

    private ApiProduceBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int turnSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        if (warmupSeconds < 0 || rounds < 1 || turnSeconds < 1) {
            throw new IllegalArgumentException("Usage: " + ApiProduceBench.class.getName() + " [warm-up seconds per"
                    + " case >= 0] [rounds >= 1] [seconds per case per round >= 1]");
        }
        Path jar = RuntimeJar.find();
        Path workDir = BenchFiles.newFolder("klite-bench-api");
        Map<ProduceCase, Measured> results;
        try {
            results = run(jar, workDir, warmupSeconds, rounds, turnSeconds);
        } catch (Exception | Error e) {
            System.out.println("The runtime's log and database are left in " + workDir);
            throw e;
        }
        results.forEach((produceCase, measured) -> System.out.printf(Locale.ROOT,
                "RESULT %s %.1f %.1f %.3f %.3f %d %.1f%n", produceCase.resultName(), measured.messagesPerSecond(),
                measured.requestsPerSecond(), measured.p50Millis(), measured.p99Millis(), measured.requests(),
                measured.seconds()));
        System.out.println();
        rows(results).forEach(row -> System.out.println(row.markdown()));
        BenchFiles.deleteFolder(workDir);
    }

    /**
     * Starts the service in {@code workDir}, runs every case and checks what was stored; leaves the child's log
     * ({@code runtime.log}) and database there.
     */
    static Map<ProduceCase, Measured> run(Path jar, Path workDir, int warmupSeconds, int rounds, int turnSeconds)
            throws Exception {
        Files.createDirectories(workDir.resolve("routes"));
        Files.writeString(workDir.resolve("routes").resolve("baseline.yaml"), BASELINE_ROUTES);
        Path log = workDir.resolve("runtime.log");
        Process child = RuntimeJar.start(RuntimeJar.command(jar,
                List.of("-Xms" + CHILD_HEAP, "-Xmx" + CHILD_HEAP, "-XX:+AlwaysPreTouch"),
                List.of("--camel.server.port=0",
                        "--camel.component.klite.database=" + workDir.resolve("klite.db").toAbsolutePath())),
                workDir, log);
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        List<ProduceClient> clients = new ArrayList<>();
        try {
            Matcher address = awaitRunning(child, log);
            String host = address.group(1);
            int port = Integer.parseInt(address.group(2));
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new ProduceClient(new KeepAliveConnection(host, port), i));
            }
            // the topic, created by its first message (one partition, the default) before the clients race to it
            clients.get(0).post(ProduceCase.SINGLE_PLAIN);
            ProduceCase[] cases = ProduceCase.values();
            for (ProduceCase produceCase : cases) {
                turn(threads, clients, produceCase, warmupSeconds, false, port, child, log);
            }
            for (int round = 0; round < rounds; round++) {
                for (ProduceCase produceCase : order(round)) {
                    turn(threads, clients, produceCase, turnSeconds, true, port, child, log);
                }
            }
            if (ServerConnections.available()) {
                System.out.printf("Checked: after each of the %d turns the server held exactly the %d clients'"
                        + " connections (/proc/net/tcp), the same from start to end%n", cases.length * (rounds + 1),
                        CLIENTS);
            }
            List<long[]> acknowledged = new ArrayList<>();
            clients.forEach(client -> acknowledged.add(client.acknowledged()));
            StoredOffsets.verify(TOPIC, acknowledged, clients.get(0).connection());
            // the clients and the server share the machine's cores: how much each took
            System.out.printf(Locale.ROOT, "CPU time: the runtime %.1f s, this JVM (the clients) %.1f s, over %d"
                    + " cores%n", child.info().totalCpuDuration().map(d -> d.toMillis() / 1e3).orElse(Double.NaN),
                    ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime() / 1e9, Runtime.getRuntime().availableProcessors());
            Map<ProduceCase, Measured> results = new EnumMap<>(ProduceCase.class);
            for (ProduceCase produceCase : cases) {
                results.put(produceCase, measured(clients, produceCase, (double) rounds * turnSeconds));
                System.out.println(describe(produceCase, results.get(produceCase)));
            }
            return results;
        } finally {
            threads.shutdownNow();
            for (ProduceClient client : clients) {
                client.connection().close();
            }
            RuntimeJar.stop(child);
        }
    }

    /**
     * The cases in round {@code round}: rows of a Williams design, so that over six rounds each case runs once in
     * each place and follows each other case once. The order matters: with a seeded shuffle (the same every run)
     * the batches with a key came out 3% to 14% faster than those without in six runs out of six, though the service
     * ignored the key; the batches without a key followed another batch case in three rounds of six, those with a key
     * in one.
     */
    static List<ProduceCase> order(int round) {
        ProduceCase[] cases = ProduceCase.values();
        int n = cases.length;
        List<ProduceCase> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // the first row: 0, 1, n-1, 2, n-2, ...; each next row adds 1
            int first = i % 2 == 1 ? (i + 1) / 2 : (n - i / 2) % n;
            order.add(cases[(first + round) % n]);
        }
        return order;
    }

    /** All clients post {@code produceCase} for {@code seconds}; then checks the server holds their connections. */
    private static void turn(ExecutorService threads, List<ProduceClient> clients, ProduceCase produceCase,
                             int seconds, boolean measured, int port, Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> running = new ArrayList<>();
        for (ProduceClient client : clients) {
            running.add(threads.submit(() -> {
                client.run(produceCase, deadline, measured);
                return null;
            }));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException((measured ? "" : "Warming up, ") + produceCase.path() + " failed: "
                        + e.getCause().getMessage() + (child.isAlive() ? "" : "; the runtime exited with code "
                        + child.exitValue() + RuntimeJar.tail(log)), e.getCause());
            }
        }
        checkConnections(clients, port);
    }

    /** The server holds exactly one connection per client, theirs: nothing was reconnected. */
    private static void checkConnections(List<ProduceClient> clients, int port) throws IOException {
        if (!ServerConnections.available()) {
            return; // not Linux: the clients still never reconnect (KeepAliveConnection)
        }
        Set<Integer> ours = new HashSet<>();
        clients.forEach(client -> ours.add(client.connection().localPort()));
        Set<Integer> server = ServerConnections.remotePorts(port);
        if (!server.equals(ours)) {
            throw new IllegalStateException("The server on port " + port + " holds connections from ports " + server
                    + "; the clients' " + CLIENTS + " are on " + ours);
        }
    }

    private static Measured measured(List<ProduceClient> clients, ProduceCase produceCase, double seconds) {
        Histogram latencies = new Histogram(1_000, 60_000_000_000L, 3);
        long requests = 0;
        for (ProduceClient client : clients) {
            latencies.add(client.latencies(produceCase));
            requests += client.measuredRequests(produceCase);
        }
        return new Measured(requests * produceCase.messagesPerRequest() / seconds, requests / seconds,
                latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6, requests,
                seconds);
    }

    private static String describe(ProduceCase produceCase, Measured measured) {
        String what = "POST " + produceCase.path() + (produceCase.withKey() ? " + key" : "");
        return String.format(Locale.ROOT, "%-33s %,10.0f msg/s %,9.0f requests/s  p50 %6.2f ms  p99 %6.2f ms  (%,d"
                        + " requests in %.0f s)", what, measured.messagesPerSecond(), measured.requestsPerSecond(), measured.p50Millis(),
                measured.p99Millis(), measured.requests(), measured.seconds());
    }

    /** Waits for the service's "Klite is running" line; its API's host and port. */
    private static Matcher awaitRunning(Process child, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException("The runtime exited with code " + child.exitValue()
                        + RuntimeJar.tail(log));
            }
            Matcher running = RUNNING.matcher(Files.readString(log));
            if (running.find()) {
                return running;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("The runtime did not say it runs within 60 s" + RuntimeJar.tail(log));
    }

    // ---------------------------------------------------------------- the README's rows

    /** The README's rows: per shape, the API and the API with a key, each against the baseline of its shape. */
    static List<KliteBench.Row> rows(Map<ProduceCase, Measured> results) {
        List<KliteBench.Row> rows = new ArrayList<>();
        for (ProduceCase produceCase : ProduceCase.values()) {
            if (produceCase.baseline()) {
                continue;
            }
            Measured klite = results.get(produceCase);
            Measured baseline = results.get(produceCase.baselineCase());
            String what = "API `POST " + produceCase.path() + "`" + (produceCase.batch()
                    ? ", batches of " + BATCH_SIZE + " orders of 100 B" : ", one 100 B order a request")
                    + (produceCase.withKey() ? ", a new `Idempotency-Key` on each" : "");
            rows.add(new KliteBench.Row(what + ", " + CLIENTS + " keep-alive HTTP/1.1 clients: messages and requests"
                    + " per second, vs a `platform-http` route of the same service answering 201 without writing",
                    rates(klite), rates(baseline), klite.messagesPerSecond() / baseline.messagesPerSecond(), "", ""));
            rows.add(KliteBench.Row.millis("the same, p50 a request", klite.p50Millis(), baseline.p50Millis(), ""));
            rows.add(KliteBench.Row.millis("the same, p99 a request", klite.p99Millis(), baseline.p99Millis(), ""));
        }
        return rows;
    }

    /** Results by case from the fields of the {@code RESULT api.*} lines, in order. */
    static Map<ProduceCase, Measured> parse(String[] fields) {
        Map<ProduceCase, Measured> results = new EnumMap<>(ProduceCase.class);
        for (int i = 0; i + 6 < fields.length; i += 7) {
            for (ProduceCase produceCase : ProduceCase.values()) {
                if (produceCase.resultName().equals(fields[i])) {
                    results.put(produceCase, new Measured(Double.parseDouble(fields[i + 1]),
                            Double.parseDouble(fields[i + 2]), Double.parseDouble(fields[i + 3]),
                            Double.parseDouble(fields[i + 4]), Long.parseLong(fields[i + 5]),
                            Double.parseDouble(fields[i + 6])));
                }
            }
        }
        if (results.size() != ProduceCase.values().length) {
            throw new IllegalStateException("ApiProduceBench gave results for " + results.keySet() + " only");
        }
        return results;
    }

    private static String rates(Measured measured) {
        return count(measured.messagesPerSecond()) + " msg/s, " + count(measured.requestsPerSecond()) + " req/s";
    }

    private static String count(double perSecond) {
        if (perSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        return perSecond >= 1000 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1e3)
                : String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String baselineRoute(String path, String answer) {
        return "- route:\n"
                + "    id: baseline-" + path + "\n"
                + "    from:\n"
                + "      uri: platform-http:/baseline/" + path + "?httpMethodRestrict=POST\n"
                + "      steps:\n"
                + "        - removeHeaders:\n"
                + "            pattern: \"*\"\n"
                + "        - setHeader:\n"
                + "            name: CamelHttpResponseCode\n"
                + "            constant: 201\n"
                + "        - setHeader:\n"
                + "            name: Content-Type\n"
                + "            constant: application/json\n"
                + "        - setBody:\n"
                + "            constant: '" + answer + "'\n"
                // bytes, as the API answers: a Content-Length rather than chunks
                + "        - convertBodyTo:\n"
                + "            type: \"byte[]\"\n";
    }
}
