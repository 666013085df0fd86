package io.klite.bench;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;

/**
 * The runtime's {@code klite-to-kafka} template mirroring a prefilled topic into a real Kafka broker (batch
 * {@value RuntimeDeliveryBench#BATCH_SIZE}), against camel-kafka producing the same messages from memory in the same
 * run: the same broker, the same batches of {@value RuntimeDeliveryBench#BATCH_SIZE} as one send each (an Iterable
 * body), each waited for, as the mirror waits for Kafka's acknowledgement before it commits.
 *
 * <p>The broker is {@link KafkaBroker}'s (kafka_2.13 4.4.0, KRaft, one node, in a JVM of its own); the mirror is
 * the runtime jar in a child JVM with a {@value RuntimeDeliveryBench#CHILD_HEAP} heap; its rate is counted from its
 * first commit to its last, read from the file. Run it alone from the repository root, after
 * {@code mvn -B -q package -DskipTests}: {@code java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp
 * klite-bench/target/klite-bench.jar io.klite.bench.KafkaMirrorBench [messages] [partitions]}.
 */
public final class KafkaMirrorBench {

    static final long DEFAULT_MESSAGES = 500_000;
    static final int DEFAULT_PARTITIONS = 2;
    private static final String GROUP = "bench-mirror";
    private static final int BATCH_SIZE = RuntimeDeliveryBench.BATCH_SIZE;
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    /**
     * One run's figures.
     *
     * @param mirrorPerSecond   the template, from its first commit to its last
     * @param baselinePerSecond camel-kafka sending the same messages from memory, batch by batch
     */
    public record Result(long messages, int partitions, double mirrorPerSecond, double baselinePerSecond) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d messages over %d partition(s), batch %d: klite-to-kafka %,.0f"
                    + " msg/s, camel-kafka from memory %,.0f msg/s (mirror at %.0f%% of it)", messages, partitions,
                    BATCH_SIZE, mirrorPerSecond, baselinePerSecond, 100 * mirrorPerSecond / baselinePerSecond);
        }
    }

    private KafkaMirrorBench() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : DEFAULT_MESSAGES;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_PARTITIONS;
        Path workDir = Files.createTempDirectory("klite-kafka-bench");
        Result result = run(RuntimeJar.find(), messages, partitions, workDir);
        System.out.println("KafkaMirrorBench: " + result);
        System.out.printf(Locale.ROOT, "RESULT kafka.mirror %.0f %.0f %d %d%n", result.mirrorPerSecond(),
                result.baselinePerSecond(), result.messages(), result.partitions());
        System.out.println("The runtime's and the broker's logs are in " + workDir);
    }

    /** Starts a broker in {@code workDir}, measures the baseline, then the mirror; stops the broker. */
    public static Result run(Path runtimeJar, long messages, int partitions, Path workDir) throws Exception {
        Path database = workDir.resolve("bench.db");
        long[] endOffsets = RuntimeDeliveryBench.prefill(database, messages, partitions);
        System.out.printf(Locale.ROOT, "Prefilled %,d messages of %d bytes over %d partition(s)%n", messages,
                OrderPayloads.SIZE, partitions);
        long started = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start(workDir.resolve("kafka"))) {
            System.out.printf(Locale.ROOT, "Kafka broker on %s, ready in %.1f s%n", broker.bootstrapServers(),
                    (System.nanoTime() - started) / 1e9);
            broker.createTopic("baseline", partitions);
            broker.createTopic(RuntimeDeliveryBench.TOPIC, partitions);
            double baseline = baseline(broker.bootstrapServers(), messages, partitions);
            System.out.printf(Locale.ROOT, "Baseline, camel-kafka sending ready-made batches of %d: %,.0f msg/s%n",
                    BATCH_SIZE, baseline);
            double mirror = mirror(runtimeJar, broker.bootstrapServers(), database, endOffsets, workDir);
            return new Result(messages, partitions, mirror, baseline);
        }
    }

    /**
     * camel-kafka with its defaults (acks=all, idempotent) sending the prefill's messages, built beforehand, in
     * batches of {@value #BATCH_SIZE} taking turns over the partitions as the prefill wrote them, each batch one
     * exchange with a list of messages as body, waited for before the next; a first pass of a tenth warms it up.
     */
    private static double baseline(String brokers, long messages, int partitions) throws Exception {
        List<List<Message>> batches = new ArrayList<>();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:baseline").to("kafka:baseline?brokers=" + brokers + "&requestRequiredAcks=all"
                            + "&enableIdempotence=true");
                }
            });
            camel.start();
            long written = 0;
            for (int batch = 0; written < messages; batch++) {
                int size = (int) Math.min(BATCH_SIZE, messages - written);
                List<Message> records = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    Message message = new DefaultMessage(camel);
                    message.setBody(OrderPayloads.order(written + i));
                    message.setHeader(KafkaConstants.PARTITION_KEY, batch % partitions);
                    records.add(message);
                }
                batches.add(records);
                written += size;
            }
            ProducerTemplate template = camel.createProducerTemplate();
            for (List<Message> batch : batches.subList(0, Math.max(1, batches.size() / 10))) {
                template.sendBody("direct:baseline", batch);
            }
            long start = System.nanoTime();
            for (List<Message> batch : batches) {
                template.sendBody("direct:baseline", batch);
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The runtime jar with one templated route mirroring the topic; its rate from its first commit to its last. */
    private static double mirror(Path runtimeJar, String brokers, Path database, long[] endOffsets, Path workDir)
            throws Exception {
        Path routes = Files.createDirectories(workDir.resolve("routes"));
        Files.writeString(routes.resolve("mirror.yaml"), String.join("\n",
                "- templatedRoute:",
                "    routeTemplateRef: klite-to-kafka",
                "    routeId: bench-mirror",
                "    parameters:",
                "      - name: topic",
                "        value: " + RuntimeDeliveryBench.TOPIC,
                "      - name: group",
                "        value: " + GROUP,
                "      - name: brokers",
                "        value: \"" + brokers + "\"",
                "      - name: batchSize",
                "        value: \"" + BATCH_SIZE + "\"",
                ""));
        Path childLog = workDir.resolve("runtime.log");
        List<String> command = RuntimeJar.command(runtimeJar, List.of("-Xms" + RuntimeDeliveryBench.CHILD_HEAP,
                "-Xmx" + RuntimeDeliveryBench.CHILD_HEAP, "-XX:+AlwaysPreTouch"), List.of(
                "--camel.component.klite.database=" + database.toAbsolutePath(),
                "--camel.server.enabled=false",
                "--camel.management.enabled=false"));
        long total = 0;
        for (long end : endOffsets) {
            total += end;
        }
        Process child = RuntimeJar.start(command, workDir, childLog);
        try (KliteLog log = KliteLog.open(database)) {
            long firstCommitAt = 0;
            long committedAtFirst = 0;
            long lastProgress = System.nanoTime();
            long lastCommitted = 0;
            while (true) {
                long committed = committed(log, endOffsets.length);
                long now = System.nanoTime();
                if (committed > 0 && firstCommitAt == 0) {
                    firstCommitAt = now;
                    committedAtFirst = committed;
                }
                if (committed >= total) {
                    return (committed - committedAtFirst) / ((now - firstCommitAt) / 1e9);
                }
                if (committed != lastCommitted) {
                    lastCommitted = committed;
                    lastProgress = now;
                } else if (now - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException("The mirror committed nothing for " + STALL.toSeconds()
                            + " s, at " + committed + " of " + total + RuntimeJar.tail(childLog));
                }
                if (!child.isAlive()) {
                    throw new IllegalStateException("The runtime exited with code " + child.exitValue() + " at "
                            + committed + " of " + total + " messages" + RuntimeJar.tail(childLog));
                }
                pause(child);
            }
        } finally {
            RuntimeJar.stop(child);
        }
    }

    private static long committed(KliteLog log, int partitions) {
        long sum = 0;
        for (int partition = 0; partition < partitions; partition++) {
            sum += log.committed(GROUP, RuntimeDeliveryBench.TOPIC, partition).orElse(0);
        }
        return sum;
    }

    /** Waits {@link #POLL}, or less where the child exits meanwhile (the caller checks that next). */
    private static void pause(Process child) throws InterruptedException, ExecutionException {
        try {
            child.onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the interval passed with the child alive
        }
    }
}
