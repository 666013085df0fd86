package io.klite.bench;

import io.klite.camel.KliteComponent;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import io.klite.log.TopicConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Send latency while retention deletes a backlog: a topic of one partition holds a backlog of 100-byte orders
 * (1,000,000 by default, written up front with {@code sendBatch}, not measured) and keeps its newest 1000
 * ({@code retention.messages=1000}). A producer sends one order every millisecond through {@code klite:} to the same
 * partition, each send durable when it returns, first with no cleaner (after a warm-up), then, in the same run and
 * without a pause, while another thread runs the cleaner's call ({@link KliteLog#applyRetention()} on the component's
 * shared log) that deletes the backlog from the oldest end in transactions of at most 5,000 rows. The producer writes
 * the newest end of the table the cleaner deletes from, as a producer does when retention catches up with a topic.
 *
 * <p>Latency counts from when a send was due, so a producer held up by the cleaner is counted for every send it could
 * not make on time (no coordinated omission). The phase with the cleaner is exactly the deletion: the sends due from
 * its first chunk's start to its last chunk's end, and the producer runs until it ends, however long it takes. The
 * component's own cleaner is off ({@code retentionCheckInterval=0}) so that the deletion starts when this says.
 *
 * <p>Prints {@code RESULT retention.<phase> <p50> <p99> <p999> <max> <count>} in ms for phases {@code nocleaner} and
 * {@code cleaning}, and {@code RESULT retention.deletion <backlog> <deleted> <seconds> <rows/s> <overlap seconds>}.
 * Arguments: warm-up seconds, seconds with no cleaner, backlog messages.
 */
public final class RetentionLatencyBench {

    static final String TOPIC = "orders";
    static final long KEEP = 1000;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int BATCH = 1000;
    /** The producer gives up where the deletion has not ended by then. */
    private static final long MAX_DELETION_NANOS = TimeUnit.MINUTES.toNanos(10);

    private RetentionLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int baselineSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int backlog = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Path folder = BenchFiles.newFolder("klite-bench-retention");
        try {
            Path file = folder.resolve("klite.db");
            writeBacklog(file, backlog);
            run(file, backlog, warmupSeconds, baselineSeconds);
        } finally {
            BenchFiles.deleteFolder(folder);
        }
    }

    /** The backlog and the topic's setting, then closed: a backlog written long ago, its WAL checkpointed. */
    private static void writeBacklog(Path file, int backlog) {
        long started = System.nanoTime();
        try (KliteLog log = BenchFiles.openLog(file, Durability.NORMAL)) {
            log.createTopic(TOPIC, 1);
            List<byte[]> batch = new ArrayList<>(BATCH);
            for (int n = 1; n <= backlog; n++) {
                batch.add(OrderPayloads.order(n));
                if (batch.size() == BATCH || n == backlog) {
                    log.sendBatch(TOPIC, 0, batch);
                    batch.clear();
                }
            }
            log.configureTopic(TOPIC, new TopicConfig(null, KEEP, false));
        }
        System.out.printf(Locale.ROOT, "Backlog of %,d orders written in %.1f s (not measured)%n", backlog,
                (System.nanoTime() - started) / 1e9);
    }

    private static void run(Path file, int backlog, int warmupSeconds, int baselineSeconds) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            KliteComponent klite = camel.getComponent("klite", KliteComponent.class);
            klite.getConfiguration().setDatabase(file.toString());
            klite.setRetentionCheckInterval(0);
            camel.start();
            KliteLog log = klite.acquireLog(file.toString());
            try {
                ProducerTemplate producer = camel.createProducerTemplate();
                String to = "klite:" + TOPIC + "?partition=0";
                long start = System.nanoTime() + PERIOD_NANOS;
                long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
                Cleaner cleaner = new Cleaner(log, measureFrom + TimeUnit.SECONDS.toNanos(baselineSeconds));
                cleaner.start();
                // due times and latencies of every send, sorted into the phases once the deletion's times are known
                long[] latencies = new long[(int) TimeUnit.SECONDS.toMillis(warmupSeconds + baselineSeconds + 600)];
                int sent = 0;
                for (long due = start; ; due = start + (++sent) * PERIOD_NANOS) {
                    // on until the deletion has ended and every send due before its end was made (those may be late)
                    if (cleaner.done() && due > cleaner.ended) {
                        break;
                    }
                    if (due - cleaner.startAt > MAX_DELETION_NANOS || sent == latencies.length) {
                        throw new IllegalStateException("The cleaner did not delete the backlog within "
                                + TimeUnit.NANOSECONDS.toSeconds(MAX_DELETION_NANOS) + " s");
                    }
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    producer.sendBody(to, OrderPayloads.order(backlog + sent + 1));
                    latencies[sent] = System.nanoTime() - due;
                }
                cleaner.join();
                if (cleaner.failure != null) {
                    throw cleaner.failure;
                }
                report(backlog, start, measureFrom, cleaner, latencies, sent);
            } finally {
                klite.releaseLog(log);
            }
        }
    }

    private static void report(int backlog, long start, long measureFrom, Cleaner cleaner, long[] latencies,
                               int sent) {
        Histogram noCleaner = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        Histogram cleaning = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        int madeWhileDeleting = 0;
        long firstDue = Long.MAX_VALUE;
        long lastDue = Long.MIN_VALUE;
        for (int i = 0; i < sent; i++) {
            long due = start + i * PERIOD_NANOS;
            long made = due + latencies[i];
            if (made >= cleaner.started && made <= cleaner.ended) {
                madeWhileDeleting++;
            }
            if (due >= measureFrom && due < cleaner.startAt) {
                noCleaner.recordValue(latencies[i]);
            } else if (due >= cleaner.started && due <= cleaner.ended) {
                cleaning.recordValue(latencies[i]);
                firstDue = Math.min(firstDue, due);
                lastDue = Math.max(lastDue, due);
            }
        }
        if (cleaner.deleted < backlog - KEEP) {
            throw new IllegalStateException("The cleaner deleted " + cleaner.deleted + " messages of a backlog of "
                    + backlog + " that keeps " + KEEP);
        }
        double seconds = (cleaner.ended - cleaner.started) / 1e9;
        if (cleaning.getTotalCount() == 0) {
            throw new IllegalStateException("No send was due while the cleaner deleted (" + seconds + " s)");
        }
        double overlap = (lastDue - firstDue) / 1e9;
        System.out.printf(Locale.ROOT, "Cleaner: %,d messages deleted in %.2f s (%,.0f rows/s); sends due from %.1f ms"
                        + " after it started to %.1f ms before it ended were measured with it: %.2f s of %.2f s%n",
                cleaner.deleted, seconds, cleaner.deleted / seconds, (firstDue - cleaner.started) / 1e6,
                (cleaner.ended - lastDue) / 1e6, overlap, seconds);
        System.out.printf(Locale.ROOT, "Sends made while the cleaner deleted: %,d (%,d were due)%n", madeWhileDeleting,
                cleaning.getTotalCount());
        LatencyResult.print("retention.nocleaner", noCleaner);
        LatencyResult.print("retention.cleaning", cleaning);
        System.out.printf(Locale.ROOT, "RESULT retention.deletion %d %d %.3f %.0f %.3f%n", backlog, cleaner.deleted,
                seconds, cleaner.deleted / seconds, overlap);
    }


    /** The component cleaner's call, once, from {@code startAt} on; it returns when the backlog is gone. */
    private static final class Cleaner extends Thread {

        private final KliteLog log;
        final long startAt;
        volatile long started;
        volatile long ended;
        volatile long deleted;
        volatile RuntimeException failure;
        private volatile boolean done;

        Cleaner(KliteLog log, long startAt) {
            super("bench-cleaner");
            this.log = log;
            this.startAt = startAt;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (long wait = startAt - System.nanoTime(); wait > 0; wait = startAt - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                started = System.nanoTime();
                deleted = log.applyRetention();
                ended = System.nanoTime();
            } catch (RuntimeException e) {
                ended = System.nanoTime();
                failure = e;
            } finally {
                done = true;
            }
        }

        boolean done() {
            return done;
        }
    }
}
