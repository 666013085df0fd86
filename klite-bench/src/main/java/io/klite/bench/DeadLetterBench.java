package io.klite.bench;

import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
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
 * The cost of poison messages: a {@code klite:} consumer, one exchange per message, with {@code maxAttempts=1}, whose
 * route throws for every one of {@value #MESSAGES} orders, so that each is dead-lettered to {@code orders.dlq} (one
 * transaction per message: its copy with the eight {@code klite.*} headers and the group's commit past it). The
 * baseline, measured in the same run, is the same route and messages with a processor that succeeds: the happy path
 * of the same consumer. Scores are messages per second, timed from adding the route (which starts it) until the group's
 * committed offset reaches the last message; every invocation is a new consumer group.
 *
 * <p>Logging is as a user has it with the README's advice for failing routes: Camel's error handler at DEBUG (else it
 * logs every failed exchange again, at ERROR with its stack trace), Klite's one WARN line per dead letter. Those lines
 * go to a file in the trial's folder, as the runtime's log does in {@link RuntimeDeliveryBench}: tens of thousands of
 * them through JMH's output would cost the measuring JVM and bury the output. The trial checks that the file holds one
 * line per dead letter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DeadLetterBench {

    static final int MESSAGES = 10_000;
    static final String TOPIC = "orders";
    static final String DEAD_LETTER_TOPIC = TOPIC + ".dlq";
    /** As {@link ConsumeBench}, so the baseline is comparable with its exchange-per-message rows. */
    static final int FETCH = 1000;
    private static final String LOG_FILE = "slf4j.log";

    private Path folder;
    private CamelContext camel;
    private KliteComponent klite;
    private KliteLog log;
    private String database;
    private long end;
    private int runs;
    private long deadLettered;

    @Setup(Level.Trial)
    public void prefill() throws Exception {
        folder = BenchFiles.newFolder("klite-bench-dead-letter");
        // before anything logs: slf4j-simple reads this when its first logger is made
        System.setProperty("org.slf4j.simpleLogger.logFile", folder.resolve(LOG_FILE).toString());
        Path file = folder.resolve("klite.db");
        try (KliteLog writer = BenchFiles.openLog(file, Durability.NORMAL)) {
            List<byte[]> orders = new ArrayList<>(MESSAGES);
            for (int i = 1; i <= MESSAGES; i++) {
                orders.add(OrderPayloads.order(i));
            }
            end = writer.sendBatch(TOPIC, 0, null, orders).lastOffset();
        }
        database = file.toString();
        camel = new DefaultCamelContext();
        klite = camel.getComponent("klite", KliteComponent.class);
        klite.getConfiguration().setDatabase(database);
        camel.start();
        log = klite.acquireLog(database);
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        klite.releaseLog(log);
        camel.close();
        long warnings = warnLines();
        System.out.println("DeadLetterBench: " + deadLettered + " messages dead-lettered, " + warnings
                + " WARN lines logged");
        BenchFiles.deleteFolder(folder);
        if (warnings != deadLettered) {
            throw new IllegalStateException("Expected one WARN line per dead letter (" + deadLettered + ") in "
                    + LOG_FILE + ", found " + warnings + ": is logging still set up as this benchmark expects?");
        }
    }

    /** Every message dead-lettered at its first failure. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void deadLetterMaxAttempts1(StartedRoute started) throws Exception {
        long before = log.endOffset(DEAD_LETTER_TOPIC, 0);
        consume(started, "maxAttempts=1", last -> exchange -> {
            last.countDown(exchange);
            throw new IllegalArgumentException("order cannot be billed: "
                    + exchange.getIn().getHeader(KliteConstants.OFFSET));
        });
        long written = log.endOffset(DEAD_LETTER_TOPIC, 0) - before;
        if (written != MESSAGES) {
            throw new IllegalStateException(written + " of " + MESSAGES + " messages reached " + DEAD_LETTER_TOPIC);
        }
        deadLettered += written;
    }

    /** The baseline: the same route and messages, the processor succeeds. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void happyPathMaxAttempts1(StartedRoute started) throws Exception {
        consume(started, "maxAttempts=1", last -> last::countDown);
    }

    /**
     * Adds a route of a new group with {@code options} and the processor made from the latch of the last message,
     * and waits until the group has committed the last message. Fails where the processor did not see every message
     * exactly once.
     */
    private void consume(StartedRoute started, String options,
                         java.util.function.Function<LastMessage, Processor> processor) throws Exception {
        String group = "group-" + (++runs);
        LastMessage last = new LastMessage(end);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().loggingLevel(LoggingLevel.DEBUG));
                from("klite:" + TOPIC + "?group=" + group + "&batchSize=" + FETCH + "&initialDelay=0&" + options)
                        .routeId(group).process(processor.apply(last));
            }
        });
        started.camel = camel;
        started.routeId = group;
        if (!last.seen.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("The consumer of group " + group + " did not reach offset " + end);
        }
        // the last message's commit (with its dead-letter copy) follows its exchange at once
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (OptionalLong committed = log.committed(group, TOPIC, 0);
             committed.isEmpty() || committed.getAsLong() < end; committed = log.committed(group, TOPIC, 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Group " + group + " did not commit offset " + end);
            }
            LockSupport.parkNanos(10_000);
        }
        if (last.count.get() != MESSAGES) {
            throw new IllegalStateException("The route of group " + group + " saw " + last.count.get()
                    + " exchanges for " + MESSAGES + " messages");
        }
    }

    /** Counts the exchanges and opens when the one of the last offset arrives: no polling while the route runs. */
    static final class LastMessage {

        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch seen = new CountDownLatch(1);
        private final long lastOffset;

        LastMessage(long lastOffset) {
            this.lastOffset = lastOffset;
        }

        void countDown(org.apache.camel.Exchange exchange) {
            count.incrementAndGet();
            if (exchange.getIn().getHeader(KliteConstants.OFFSET, Long.class) == lastOffset) {
                seen.countDown();
            }
        }
    }

    private long warnLines() throws IOException {
        Path file = folder.resolve(LOG_FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(" WARN ") && line.contains("dead-lettered to topic")).count();
        }
    }
}
