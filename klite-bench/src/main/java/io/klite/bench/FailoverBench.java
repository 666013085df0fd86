package io.klite.bench;

import io.klite.camel.KliteComponent;
import io.klite.camel.KliteConstants;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Member;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Failover across processes with the defaults users get ({@code heartbeatInterval} 3 s, {@code sessionTimeout} 15 s):
 * a topic of two partitions consumed by one group of two members, a survivor in this JVM and a member in a child JVM
 * of its own, while a producer in this JVM sends one 100-byte order every millisecond, taking turns over the
 * partitions. Each round starts a new child, waits until it delivers the partition that range assignment gives it,
 * lets it deliver for a while, then kills it with SIGKILL ({@code Process.destroyForcibly()}) and times from the kill
 * to the survivor's first delivery of each partition the child held (read from the file: its member's leases, by the
 * child's pid). The child's last heartbeat before the kill is 0 to 3 s old, so its leases expire 12 to 15 s after the
 * kill, and the survivor looks at the group every 250 ms: the expected bound is {@code sessionTimeout +
 * heartbeatInterval}. The time a child delivers before its kill grows by 0.3 s per round, so that the kills fall at
 * different points between two of its heartbeats.
 *
 * <p>Prints a line per kill, then {@code RESULT failover <p50> <max> <min> <kills> <heartbeatInterval>
 * <sessionTimeout>} in seconds. Argument: kills (default 10). Run it alone from the repository root, after
 * {@code mvn -B -q package -DskipTests} (about 20 s a kill): {@code java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp
 * klite-bench/target/klite-bench.jar io.klite.bench.FailoverBench 10}.
 */
public final class FailoverBench {

    static final String TOPIC = "failover";
    static final String GROUP = "failover";
    static final int PARTITIONS = 2;
    /** The same for both members: every option at its default. */
    static final String CONSUMER = "klite:" + TOPIC + "?group=" + GROUP;
    /** What a child prints on its first delivery of a partition, followed by the partition. */
    static final String DELIVERING = "delivering ";
    private static final List<String> CHILD_HEAP = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");
    private static final long SEND_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long FIRST_RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long RUN_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Per partition: the survivor's first delivery (nanoTime) since the last kill, or 0. */
    private final AtomicLongArray firstSinceKill = new AtomicLongArray(PARTITIONS);
    /** Per partition: the offset of that delivery. */
    private final AtomicLongArray firstOffsetSinceKill = new AtomicLongArray(PARTITIONS);
    private volatile boolean watching;

    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path folder = BenchFiles.newFolder("klite-bench-failover");
        try {
            double[] seconds = new FailoverBench().run(folder.resolve("klite.db"), kills);
            Arrays.sort(seconds);
            double p50 = seconds[(seconds.length + 1) / 2 - 1];
            System.out.printf(Locale.ROOT, "Failover over %d kills: p50 %.2f s, max %.2f s, min %.2f s; bound"
                            + " sessionTimeout + heartbeatInterval = %.1f s%n", kills, p50,
                    seconds[seconds.length - 1], seconds[0], seconds(Limits.DEFAULT_SESSION_TIMEOUT.toMillis()
                            + Limits.DEFAULT_HEARTBEAT_INTERVAL.toMillis()));
            System.out.printf(Locale.ROOT, "RESULT failover %.3f %.3f %.3f %d %.3f %.3f%n", p50,
                    seconds[seconds.length - 1], seconds[0], kills,
                    seconds(Limits.DEFAULT_HEARTBEAT_INTERVAL.toMillis()),
                    seconds(Limits.DEFAULT_SESSION_TIMEOUT.toMillis()));
        } finally {
            BenchFiles.deleteFolder(folder);
        }
    }

    /** The seconds from each kill to the survivor's first delivery of the last of the killed member's partitions. */
    private double[] run(Path file, int kills) throws Exception {
        double[] seconds = new double[kills];
        try (CamelContext camel = new DefaultCamelContext()) {
            KliteComponent klite = camel.getComponent("klite", KliteComponent.class);
            klite.getConfiguration().setDatabase(file.toString());
            KliteLog log = klite.acquireLog(file.toString());
            try {
                log.createTopic(TOPIC, PARTITIONS);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(CONSUMER).routeId("survivor").process(exchange -> {
                            long now = System.nanoTime();
                            if (watching) {
                                int partition = exchange.getIn().getHeader(KliteConstants.PARTITION, Integer.class);
                                if (firstSinceKill.compareAndSet(partition, 0, now)) {
                                    firstOffsetSinceKill.set(partition,
                                            exchange.getIn().getHeader(KliteConstants.OFFSET, Long.class));
                                }
                            }
                        });
                    }
                });
                camel.start();
                Producer producer = new Producer(camel.createProducerTemplate());
                producer.start();
                try {
                    for (int kill = 0; kill < kills; kill++) {
                        seconds[kill] = killOne(log, file, kill, FIRST_RUN_NANOS + (kill % 10) * RUN_STEP_NANOS);
                        producer.check();
                    }
                } finally {
                    producer.finish();
                }
            } finally {
                klite.releaseLog(log);
            }
        }
        return seconds;
    }

    /** Starts a child member, lets it deliver for {@code runNanos}, kills it and times the survivor's takeover. */
    private double killOne(KliteLog log, Path file, int kill, long runNanos) throws Exception {
        Child child = Child.start(file, kill);
        try {
            child.awaitDelivering();
            LockSupport.parkNanos(runNanos);
            Set<Integer> held = heldBy(log, child.process.pid());
            if (held.isEmpty()) {
                throw new IllegalStateException("The child member (pid " + child.process.pid() + ") delivered but"
                        + " holds no lease of topic '" + TOPIC + "'");
            }
            for (int partition = 0; partition < PARTITIONS; partition++) {
                firstSinceKill.set(partition, 0);
            }
            watching = true;
            long killedAt = System.nanoTime();
            child.process.destroyForcibly();
            if (!child.process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The child member (pid " + child.process.pid() + ") is still alive"
                        + " 30 s after SIGKILL");
            }
            long last = 0;
            List<String> offsets = new ArrayList<>();
            for (int partition : held) {
                long delivered = awaitSurvivor(partition, killedAt);
                last = Math.max(last, delivered);
                offsets.add("partition " + partition + " from offset " + firstOffsetSinceKill.get(partition)
                        + " after " + String.format(Locale.ROOT, "%.2f s", (delivered - killedAt) / 1e9));
            }
            watching = false;
            double seconds = (last - killedAt) / 1e9;
            System.out.printf(Locale.ROOT, "Kill %d: member pid %d killed after delivering for %.1f s; the survivor"
                    + " delivered %s%n", kill + 1, child.process.pid(), runNanos / 1e9, String.join(", ", offsets));
            return seconds;
        } finally {
            child.process.destroyForcibly();
        }
    }

    /** The partitions whose unexpired leases the member in process {@code pid} holds, as the file says. */
    private static Set<Integer> heldBy(KliteLog log, long pid) {
        Set<Integer> held = new HashSet<>();
        for (Member member : log.liveMembers(GROUP, TOPIC)) {
            if (member.description().endsWith(" pid " + pid)) {
                held.addAll(member.partitions());
            }
        }
        return held;
    }

    private long awaitSurvivor(int partition, long killedAt) {
        long deadline = killedAt + WAIT_NANOS;
        while (firstSinceKill.get(partition) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The survivor did not deliver partition " + partition + " within "
                        + TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS) + " s of the kill of the member that held it");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return firstSinceKill.get(partition);
    }

    private static double seconds(long millis) {
        return millis / 1e3;
    }

    /** A member in a child JVM; its output (Camel's WARN lines, and {@link #DELIVERING}) is echoed, prefixed. */
    private static final class Child {

        final Process process;
        final CompletableFuture<Integer> delivering = new CompletableFuture<>();

        private Child(Process process) {
            this.process = process;
        }

        static Child start(Path file, int kill) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(CHILD_HEAP);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(MemberProcess.class.getName());
            command.add(file.toString());
            Child child = new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
            Thread reader = new Thread(() -> child.read("member " + (kill + 1) + ": "), "failover-child-output");
            reader.setDaemon(true);
            reader.start();
            return child;
        }

        private void read(String prefix) {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(DELIVERING)) {
                        delivering.complete(Integer.parseInt(line.substring(DELIVERING.length())));
                    } else {
                        System.out.println(prefix + line);
                    }
                }
            } catch (IOException e) {
                delivering.completeExceptionally(e);
            }
            delivering.completeExceptionally(new IllegalStateException("The child member exited before it delivered"
                    + " anything"));
        }

        void awaitDelivering() throws Exception {
            delivering.get(WAIT_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** One send every millisecond, taking turns over the partitions, each durable when it returns. */
    private static final class Producer extends Thread {

        private final ProducerTemplate template;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile boolean running = true;
        private volatile RuntimeException failure;

        Producer(ProducerTemplate template) {
            super("failover-producer");
            this.template = template;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (long n = 0; running; n++) {
                    template.sendBody("klite:" + TOPIC + "?partition=" + (n % PARTITIONS), OrderPayloads.order(n));
                    LockSupport.parkNanos(SEND_PERIOD_NANOS);
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                stopped.countDown();
            }
        }

        void check() {
            if (failure != null) {
                throw new IllegalStateException("The producer failed", failure);
            }
        }

        void finish() throws InterruptedException {
            running = false;
            stopped.await(10, TimeUnit.SECONDS);
            check();
        }
    }

    /**
     * The member in the child JVM: the same consumer as the survivor's; prints {@link #DELIVERING} and the partition
     * on its first delivery of each, then runs until it is killed. Argument: the database file.
     */
    public static final class MemberProcess {

        private MemberProcess() {
        }

        public static void main(String[] args) throws Exception {
            CamelContext camel = new DefaultCamelContext();
            camel.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(args[0]);
            Set<Integer> seen = new HashSet<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(CONSUMER).process(exchange -> {
                        int partition = exchange.getIn().getHeader(KliteConstants.PARTITION, Integer.class);
                        if (seen.add(partition)) {
                            System.out.println(DELIVERING + partition);
                            System.out.flush();
                        }
                    });
                }
            });
            camel.start();
            new CountDownLatch(1).await(); // until killed
        }
    }
}
