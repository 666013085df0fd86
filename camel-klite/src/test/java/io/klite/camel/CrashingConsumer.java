package io.klite.camel;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * context runs, and waits to be killed from outside (it stops by itself after two minutes, should nobody kill it).
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
 * and succeeds.</li>
 * </ul>
 * The route has no error handler: a failure goes straight back to the consumer, which counts it, retries it and
 * dead-letters it.
 */
public final class CrashingConsumer {

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
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            };
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler());
                    from(uri).process(processor);
                }
            });
            context.start();
            System.out.println("started");
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
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
