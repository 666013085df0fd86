package io.klite.bench;

import io.klite.camel.KliteBatch;
import io.klite.camel.KliteComponent;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Reading a partition from its start: raw sequential {@code SELECT id, data ... WHERE id > ? ORDER BY id LIMIT 1000}
 * (and the same of every column a message has: id, data, key, created)
 * against a {@code klite:} consumer (one exchange per message, and {@code batching=true}, {@code batchSize=1000}, each
 * round committed) and against what a Camel user would otherwise write: camel-sql's polling consumer over a SQLite
 * table with an {@code onConsume} update. Scores are messages per second. Every Klite invocation is a new consumer
 * group reading the whole prefilled partition, its start (and with it joining the group) timed; the camel-sql table
 * is reset before each invocation.
 *
 * <p>The {@code klite:} consumers run as users get them: members of their group, with partition leases and every
 * commit fenced by the lease. What that costs is measured by {@code leaseCost*}: each invocation consumes the partition
 * with leases and with {@code groupCoordination=false} (no membership, leases or fencing), one after the other, taking
 * turns at going first, so that the machine's swings fall on both alike; their times are {@link CoordinationTimes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConsumeBench {

    static final int MESSAGES = 200_000;
    static final int SQL_MESSAGES = 20_000;
    static final int FETCH = 1000;

    @Param({"100", "1024"})
    public int payloadBytes;

    private Path folder;
    private Path file;
    private Connection reader;
    private PreparedStatement select;
    private PreparedStatement selectMessages;
    private CamelContext camel;
    private int runs;
    /** Invocations of a {@code leaseCost*} benchmark: which consumer goes first. */
    private int alternations;

    @Setup(Level.Trial)
    public void prefill() throws Exception {
        folder = BenchFiles.newFolder("klite-bench-consume");
        file = folder.resolve("klite.db");
        try (KliteLog log = BenchFiles.openLog(file, Durability.NORMAL)) {
            List<byte[]> batch = BenchFiles.payloads(payloadBytes, FETCH);
            for (int written = 0; written < MESSAGES; written += FETCH) {
                log.sendBatch("bench", 0, null, batch);
            }
        }
        reader = BenchFiles.rawReader(file);
        select = reader.prepareStatement("SELECT id, data FROM \"bench_0\" WHERE id > ? ORDER BY id LIMIT ?");
        selectMessages = reader.prepareStatement(
                "SELECT id, data, key, created FROM \"bench_0\" WHERE id > ? ORDER BY id LIMIT ?");
        camel = new DefaultCamelContext();
        camel.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(file.toString());
        camel.start();
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        camel.close();
        reader.close();
        BenchFiles.deleteFolder(folder);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long rawSequentialSelect(Blackhole blackhole) throws SQLException {
        return readPartition(select, 2, blackhole);
    }

    /** The same with every column a message has: what the consumer reads. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long rawSequentialSelectMessageColumns(Blackhole blackhole) throws SQLException {
        return readPartition(selectMessages, 4, blackhole);
    }

    /** Reads the partition from its start, {@value #FETCH} rows at a time: the id, the payload, then text columns. */
    private static long readPartition(PreparedStatement select, int columns, Blackhole blackhole) throws SQLException {
        long after = 0;
        int read = 0;
        while (read < MESSAGES) {
            select.setLong(1, after);
            select.setInt(2, FETCH);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    after = rs.getLong(1);
                    blackhole.consume(rs.getBytes(2));
                    for (int column = 3; column <= columns; column++) {
                        blackhole.consume(rs.getString(column));
                    }
                    read++;
                }
            }
        }
        return after;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void kliteConsumerPerMessage(StartedRoute started) throws Exception {
        consume(started, "batching=false", perMessage());
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void kliteConsumerBatching(StartedRoute started) throws Exception {
        consume(started, "batching=true", perBatch());
    }

    /** Exchange per message with leases and without, in turns; the score counts both, the figures are the times. */
    @Benchmark
    @OperationsPerInvocation(2 * MESSAGES)
    public void leaseCostPerMessage(CoordinationTimes times) throws Exception {
        alternate(times, "batching=false", ConsumeBench::perMessage);
    }

    /** {@code batching=true} with leases and without, in turns; the score counts both, the figures are the times. */
    @Benchmark
    @OperationsPerInvocation(2 * MESSAGES)
    public void leaseCostBatching(CoordinationTimes times) throws Exception {
        alternate(times, "batching=true", ConsumeBench::perBatch);
    }

    @Benchmark
    @OperationsPerInvocation(SQL_MESSAGES)
    public void camelSqlPollingConsumer(SqlPeer peer) throws Exception {
        peer.camel.getRouteController().startRoute("camel-sql");
        peer.done.await(5, TimeUnit.MINUTES);
        if (peer.seen.get() < SQL_MESSAGES) {
            throw new IllegalStateException("camel-sql consumed " + peer.seen.get() + " of " + SQL_MESSAGES + " rows");
        }
    }

    /** A route's processor that counts down when it has seen every message, one exchange each. */
    private static Function<CountDownLatch, Processor> perMessage() {
        AtomicInteger seen = new AtomicInteger();
        return done -> exchange -> {
            if (seen.incrementAndGet() == MESSAGES) {
                done.countDown();
            }
        };
    }

    /** A route's processor that counts down when it has seen every message, in batches. */
    private static Function<CountDownLatch, Processor> perBatch() {
        AtomicInteger seen = new AtomicInteger();
        return done -> exchange -> {
            if (seen.addAndGet(exchange.getIn().getBody(KliteBatch.class).size()) == MESSAGES) {
                done.countDown();
            }
        };
    }

    /**
     * Consumes the partition with a consumer with leases and one with {@code groupCoordination=false}, each timed as
     * {@link #consume} times it (from its start to its last message) and stopped before the other starts, untimed;
     * the one with leases goes first every other invocation.
     */
    private void alternate(CoordinationTimes times, String options,
                           Supplier<Function<CountDownLatch, Processor>> route) throws Exception {
        boolean leasesFirst = alternations++ % 2 == 0;
        for (boolean leases : new boolean[] {leasesFirst, !leasesFirst}) {
            StartedRoute started = new StartedRoute();
            try {
                long start = System.nanoTime();
                consume(started, leases ? options : options + "&groupCoordination=false", route.get());
                long nanos = System.nanoTime() - start;
                if (leases) {
                    times.withLeasesNanos += nanos;
                } else {
                    times.withoutLeasesNanos += nanos;
                }
            } finally {
                started.remove();
            }
        }
        times.pairs++;
    }

    /**
     * Starts a consumer of a new group and waits until it has handed every message of the partition to its route;
     * the route is stopped after the invocation, untimed.
     */
    private void consume(StartedRoute started, String options, Function<CountDownLatch, Processor> route)
            throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        String id = "group-" + (++runs);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:bench?group=" + id + "&batchSize=" + FETCH + "&initialDelay=0&" + options)
                        .routeId(id).process(route.apply(done));
            }
        });
        started.camel = camel;
        started.routeId = id;
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("The consumer of group " + id + " did not get every message");
        }
    }

    /**
     * The times of a {@code leaseCost*} benchmark, each summed over the measured iterations: nanoseconds the consumers
     * with leases took, those with {@code groupCoordination=false}, and how many of each ran (each read
     * {@value ConsumeBench#MESSAGES} messages).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CoordinationTimes {
        public long withLeasesNanos;
        public long withoutLeasesNanos;
        public long pairs;
    }

    /**
     * camel-sql's polling consumer on a table {@code (id, data, processed)} of the same payloads, marking each row
     * as consumed, as its documentation shows: {@code onConsume=UPDATE ... SET processed = 1 WHERE id = :#id}. The
     * route is created stopped; before each invocation it is stopped and the rows are reset, and the invocation
     * starts it and waits for the last row.
     */
    @State(Scope.Benchmark)
    public static class SqlPeer {

        private Path folder;
        private SingleConnectionDataSource dataSource;
        private CamelContext camel;
        final AtomicInteger seen = new AtomicInteger();
        volatile CountDownLatch done;

        @Setup(Level.Trial)
        public void create(ConsumeBench bench) throws Exception {
            folder = BenchFiles.newFolder("klite-bench-sql");
            Path file = folder.resolve("peer.db");
            try (Connection connection = BenchFiles.rawWriter(file, Durability.NORMAL)) {
                BenchFiles.exec(connection, "CREATE TABLE peer (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " data BLOB NOT NULL, processed INTEGER NOT NULL DEFAULT 0)");
                BenchFiles.exec(connection, "CREATE INDEX peer_unprocessed ON peer (processed, id)");
                BenchFiles.exec(connection, "BEGIN");
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO peer (data) VALUES (?)")) {
                    byte[] payload = BenchFiles.payload(bench.payloadBytes);
                    for (int i = 0; i < SQL_MESSAGES; i++) {
                        insert.setBytes(1, payload);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                BenchFiles.exec(connection, "COMMIT");
            }
            // as Klite's own connections: WAL (set when the table was created) and synchronous=NORMAL
            dataSource = new SingleConnectionDataSource("jdbc:sqlite:" + file + "?synchronous=NORMAL", true);
            camel = new DefaultCamelContext();
            camel.getRegistry().bind("peerDb", dataSource);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sql:SELECT id, data FROM peer WHERE processed = 0 ORDER BY id LIMIT " + FETCH
                            + "?dataSource=#peerDb&onConsume=UPDATE peer SET processed = 1 WHERE id = :#id"
                            + "&initialDelay=0&delay=1&greedy=true")
                            .routeId("camel-sql").autoStartup(false)
                            .process(exchange -> {
                                if (seen.incrementAndGet() == SQL_MESSAGES) {
                                    done.countDown();
                                }
                            });
                }
            });
            camel.start();
        }

        @Setup(Level.Invocation)
        public void reset() throws Exception {
            camel.getRouteController().stopRoute("camel-sql");
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE peer SET processed = 0")) {
                update.executeUpdate();
            }
            seen.set(0);
            done = new CountDownLatch(1);
        }

        @TearDown(Level.Trial)
        public void delete() throws Exception {
            camel.close();
            dataSource.destroy();
            BenchFiles.deleteFolder(folder);
        }
    }
}
