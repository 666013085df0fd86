package io.klite.bench;

import io.klite.camel.KliteComponent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Produce-to-consume latency in one JVM at a fixed rate: a producer sends one 100-byte message every millisecond
 * through {@code klite:} (each send durable when it returns), a {@code klite:} consumer with the default
 * {@code delay} (500 ms) records when its route sees it. The baseline is Camel's in-memory {@code seda:} queue at the
 * same rate. Latency counts from the moment the message was due to be sent, so a producer that falls behind is
 * counted too. Prints one line per queue: {@code RESULT latency.<queue> <p50> <p99> <p999> <max> <count>} in ms.
 */
public final class LatencyBench {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private LatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path folder = BenchFiles.newFolder("klite-bench-latency");
        try {
            LatencyResult.print("latency.seda",
                    measure("seda:latency", "seda:latency", folder, warmupSeconds, seconds));
            LatencyResult.print("latency.klite",
                    measure("klite:latency", "klite:latency?group=latency&initialDelay=0", folder, warmupSeconds,
                            seconds));
        } finally {
            BenchFiles.deleteFolder(folder);
        }
    }

    private static Histogram measure(String to, String from, Path folder, int warmupSeconds, int seconds)
            throws Exception {
        // recorded on the consumer's thread, read on this one
        Histogram histogram = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getComponent("klite", KliteComponent.class).getConfiguration()
                    .setDatabase(folder.resolve("latency.db").toString());
            long[] measureFrom = {Long.MAX_VALUE};
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(from).process(exchange -> {
                        long now = System.nanoTime();
                        long due = ByteBuffer.wrap(exchange.getIn().getBody(byte[].class)).getLong();
                        if (due >= measureFrom[0]) {
                            histogram.recordValue(Math.max(0, now - due));
                        }
                    });
                }
            });
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            byte[] payload = new byte[100];
            long start = System.nanoTime() + PERIOD_NANOS;
            measureFrom[0] = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long count = (long) (warmupSeconds + seconds) * TimeUnit.SECONDS.toNanos(1) / PERIOD_NANOS;
            for (long i = 0; i < count; i++) {
                long due = start + i * PERIOD_NANOS;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                ByteBuffer.wrap(payload).putLong(due);
                producer.sendBody(to, payload.clone());
            }
            // the last messages arrive within the consumer's delay at worst
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long expected = (long) seconds * 1000;
            while (histogram.getTotalCount() < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            if (histogram.getTotalCount() < expected) {
                throw new IllegalStateException(from + " received " + histogram.getTotalCount() + " of the " + expected
                        + " messages sent while measuring");
            }
        }
        return histogram;
    }

}
