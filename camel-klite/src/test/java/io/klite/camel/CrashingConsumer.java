package io.klite.camel;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Child-JVM main for the consumer crash tests: runs one route from a {@code klite:} URI on a plain
 * {@link DefaultCamelContext} whose {@code klite} component uses the given file, prints {@code started} once the
 * context runs, and waits to be killed from outside; a line {@code stop} on its standard input (or its end: the test
 * JVM is gone) stops the context cleanly, after which it prints {@code stopped} and exits. It stops by itself after
 * two minutes, should nobody kill or stop it.
 *
 * <p>Arguments: database file, output file, log file (the child's stderr, so the test output stays readable), mode,
 * route URI. What the route writes goes to the output file in one {@code write} call per exchange, so that a
 * {@code kill -9} never leaves half a line (the kernel keeps what was written; {@code attempts} also forces it to
 * disk). Modes:
 * <ul>
 * <li>{@code attempts}: every delivery appends {@code "<offset> <attempt>"} (CamelKliteOffset, CamelKliteAttempt), then
 * throws;</li>
 * <li>{@code hangs}: every delivery appends {@code "<offset> <attempt>"} (forced to disk), then never returns, as a
 * delivery that the process dies in (out of memory, a crash, a watchdog's kill) would;</li>
 * <li>{@code killer}: as {@code hangs} for a payload starting with {@code kill}; any other appends
 * {@code "<offset> <attempt> delivered"} and succeeds;</li>
 * <li>{@code messages}: a payload starting with {@code poison} appends
 * {@code "failed <topic> <partition> <offset> <attempt> <pid>"} and throws; any other appends
 * {@code "delivered <topic> <partition> <offset>"} and succeeds;</li>
 * <li>{@code batches} ({@code batching=true}): a batch holding a poison payload appends one {@code failed} line with
 * the batch's first offset and throws; any other appends one {@code delivered} line per message, all in one write,
 * and succeeds;</li>
 * <li>{@code members}: every delivery appends {@code "delivered <pid> <partition> <offset>"} and succeeds: the
 * children of one group share the output file, whose lines are then in the order of the deliveries across
 * processes (every child appends);</li>
 * <li>{@code slow}: as {@code members}, then spends {@link #SLOW_DELIVERY_MILLIS} ms more in the delivery, so that
 * a pause or a kill from outside finds it inside one, with deliveries since its last commit; a payload starting with
 * {@code linger} takes {@link #LINGER_MILLIS} ms of the process's own time (in steps of 10 ms, so that a pause of
 * the process does not count), as a slow call to another system would.</li>
 * </ul>
 * The route has no error handler: a failure goes straight back to the consumer, which counts it, retries it and
 * dead-letters it.
 */
public final class CrashingConsumer {

    /** How long a delivery takes in mode {@code slow}. */
    static final long SLOW_DELIVERY_MILLIS = 20;
    /** How long a delivery of a payload starting with {@code linger} takes in mode {@code slow}. */
    static final long LINGER_MILLIS = 1500;

    private CrashingConsumer() {
    }

    public static void main(String[] args) throws Exception {
        // before the first logger is made: slf4j-simple writes to System.err
        System.setErr(new PrintStream(new FileOutputStream(args[2], true), true, StandardCharsets.UTF_8));
        Path db = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String mode = args[3];
        String uri = args[4];
        try (FileChannel output = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND); CamelContext context = new DefaultCamelContext()) {
            context.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(db.toString());
            Processor processor = switch (mode) {
                case "attempts" -> exchange -> {
                    append(output, exchange.getIn().getHeader(KliteConstants.OFFSET) + " "
                                   + exchange.getIn().getHeader(KliteConstants.ATTEMPT) + "\n");
                    output.force(true);
                    throw new IllegalStateException("always fails");
                };
                case "hangs" -> exchange -> {
                    append(output, exchange.getIn().getHeader(KliteConstants.OFFSET) + " "
                                   + exchange.getIn().getHeader(KliteConstants.ATTEMPT) + "\n");
                    output.force(true);
                    while (true) {
                        LockSupport.park();
                    }
                };
                case "killer" -> exchange -> {
                    boolean kills = exchange.getIn().getBody(String.class).startsWith("kill");
                    append(output, exchange.getIn().getHeader(KliteConstants.OFFSET) + " "
                                   + exchange.getIn().getHeader(KliteConstants.ATTEMPT) + (kills ? "" : " delivered")
                                   + "\n");
                    output.force(true);
                    while (kills) {
                        LockSupport.park();
                    }
                };
                case "messages" -> exchange -> {
                    long offset = exchange.getIn().getHeader(KliteConstants.OFFSET, Long.class);
                    if (exchange.getIn().getBody(String.class).startsWith("poison")) {
                        append(output, failed(exchange, offset));
                        throw new IllegalStateException("poison message");
                    }
                    append(output, delivered(exchange, offset));
                };
                case "batches" -> exchange -> {
                    KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                    if (batch.messages().stream().anyMatch(m -> new String(m.payload(), StandardCharsets.UTF_8)
                            .startsWith("poison"))) {
                        append(output, failed(exchange, batch.firstOffset()));
                        throw new IllegalStateException("poison message in the batch");
                    }
                    StringBuilder lines = new StringBuilder();
                    batch.messages().forEach(m -> lines.append(delivered(exchange, m.offset())));
                    append(output, lines.toString());
                };
                case "members" -> exchange -> append(output, member(exchange));
                case "slow" -> exchange -> {
                    append(output, member(exchange));
                    boolean lingers = exchange.getIn().getBody(String.class).startsWith("linger");
                    for (long step = 0; step < (lingers ? LINGER_MILLIS : SLOW_DELIVERY_MILLIS); step += 10) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                };
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler());
                    from(uri).process(processor);
                }
            });
            CountDownLatch stop = stopOnInput();
            context.start();
            System.out.println("started");
            System.out.flush();
            stop.await(2, TimeUnit.MINUTES);
            context.stop();
            System.out.println("stopped");
            System.out.flush();
        }
    }

    /** Counts down when standard input has a line {@code stop}, or ends. */
    private static CountDownLatch stopOnInput() {
        CountDownLatch stop = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
                    System.err.println("ignoring input line '" + line + "'");
                }
            } catch (IOException e) {
                System.err.println("standard input failed, stopping: " + e);
            } finally {
                stop.countDown();
            }
        }, "stop-on-input");
        reader.setDaemon(true);
        reader.start();
        return stop;
    }

    private static String member(Exchange exchange) {
        return "delivered " + ProcessHandle.current().pid() + " "
               + exchange.getIn().getHeader(KliteConstants.PARTITION) + " "
               + exchange.getIn().getHeader(KliteConstants.OFFSET) + "\n";
    }

    private static String delivered(Exchange exchange, long offset) {
        return "delivered " + exchange.getIn().getHeader(KliteConstants.TOPIC) + " "
               + exchange.getIn().getHeader(KliteConstants.PARTITION) + " " + offset + "\n";
    }

    private static String failed(Exchange exchange, long offset) {
        return "failed " + exchange.getIn().getHeader(KliteConstants.TOPIC) + " "
               + exchange.getIn().getHeader(KliteConstants.PARTITION) + " " + offset + " "
               + exchange.getIn().getHeader(KliteConstants.ATTEMPT) + " " + ProcessHandle.current().pid() + "\n";
    }

    /** One write call: a kill never tears it (output opened with APPEND). */
    private static void append(FileChannel output, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            output.write(bytes);
        }
    }
}
