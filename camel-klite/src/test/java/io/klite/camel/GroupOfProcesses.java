package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Member;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Group {@code billing} of topic {@code orders} consumed by real child JVMs ({@link ConsumerProcess} in mode
 * {@code members} or {@code slow}), on one file in a test's directory, for the tests of groups across processes. The
 * children append each delivery to one shared file ({@link Deliveries}); the test JVM produces ({@link #produce}) and
 * looks at the group through its own {@link KliteLog}: who holds what ({@link #holdings}), and the lag.
 *
 * <p>The timings are short, for a test, and no shorter, for a loaded two-core machine: a heartbeat every
 * {@value #HEARTBEAT_MILLIS} ms, a session of {@value #SESSION_MILLIS} ms.
 */
final class GroupOfProcesses implements AutoCloseable {

    static final String TOPIC = "orders";
    static final String GROUP = "billing";
    static final long HEARTBEAT_MILLIS = 250;
    static final long SESSION_MILLIS = 2000;
    static final String URI = "klite:" + TOPIC + "?group=" + GROUP + "&initialDelay=0&delay=20&heartbeatInterval="
                              + HEARTBEAT_MILLIS + "&sessionTimeout=" + SESSION_MILLIS;

    private final Path dir;
    private final Path db;
    private final Path deliveries;
    private final int partitions;
    private final KliteLog file;
    private final List<ConsumerProcess> children = new ArrayList<>();
    private Producer producer;

    GroupOfProcesses(Path dir, int partitions) {
        this.dir = dir;
        this.db = dir.resolve("klite.db");
        this.deliveries = dir.resolve("deliveries.txt");
        this.partitions = partitions;
        this.file = KliteLog.open(db);
        file.createTopic(TOPIC, partitions);
    }

    KliteLog file() {
        return file;
    }

    /** Starts {@code count} members side by side, each with a log of its own ({@link #logOf}), and waits until all run. */
    List<ConsumerProcess> start(int count, String mode) throws Exception {
        return start(count, mode, "");
    }

    /** {@link #start(int, String)} with endpoint options added to {@link #URI}, such as {@code &batchSize=5}. */
    List<ConsumerProcess> start(int count, String mode, String options) throws Exception {
        List<ConsumerProcess> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path log = dir.resolve("member-" + (children.size() + 1) + ".log");
            ConsumerProcess child = ConsumerProcess.launch(db, deliveries, log, mode, URI + options);
            children.add(child);
            started.add(child);
        }
        for (ConsumerProcess child : started) {
            child.awaitStarted();
        }
        return started;
    }

    /** The log of a member started by {@link #start}. */
    Path logOf(ConsumerProcess child) {
        return dir.resolve("member-" + (children.indexOf(child) + 1) + ".log");
    }

    /** The WARN and ERROR lines of every member's log, for a failed run's reader. */
    List<String> problems() throws IOException {
        List<String> problems = new ArrayList<>();
        for (ConsumerProcess child : children) {
            ConsumerProcess.problems(logOf(child)).forEach(line -> problems.add("pid " + child.pid() + ": " + line));
        }
        return problems;
    }

    /** The live members' held partitions, by process id. */
    Map<Long, List<Integer>> holdings() {
        return file.liveMembers(GROUP, TOPIC).stream().collect(Collectors.toMap(GroupOfProcesses::pid,
                Member::partitions, (a, b) -> {
                    throw new AssertionError("two members in one process: " + a + ", " + b);
                }, TreeMap::new));
    }

    private static long pid(Member member) {
        String description = member.description();
        return Long.parseLong(description.substring(description.lastIndexOf(" pid ") + 5));
    }

    /** Waits until the live members are exactly {@code members}, each holding {@code each} partitions. */
    void awaitHoldings(List<ConsumerProcess> members, int each) {
        List<Long> pids = members.stream().map(ConsumerProcess::pid).sorted().toList();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<Long, List<Integer>> holdings = holdings();
            assertThat(holdings.keySet()).as("live members' pids; holdings " + holdings).containsExactlyElementsOf(pids);
            assertThat(holdings.values()).as("partitions held, by member").allSatisfy(p -> assertThat(p).hasSize(each));
        });
    }

    /** Sends one message every {@code period}, round robin over the partitions, from a thread of its own. */
    Producer produce(Duration period) {
        producer = new Producer(file, partitions, period);
        return producer;
    }

    /** The deliveries the members wrote so far, in the order they made them. */
    Deliveries deliveries() throws IOException {
        return Deliveries.read(deliveries);
    }

    /** How many deliveries the members wrote so far. */
    long deliveryCount() throws IOException {
        return deliveries().all().size();
    }

    /** Waits until the group has committed the end of every partition: its lag is 0. */
    void awaitNoLag() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(file.groups())
                .filteredOn(offset -> offset.group().equals(GROUP) && offset.topic().equals(TOPIC))
                .as("the group's offsets").hasSize(partitions)
                .allSatisfy(offset -> assertThat(offset.lag()).as("lag of partition " + offset.partition()).isZero()));
    }

    /** Each partition's end offset. */
    Map<Integer, Long> endOffsets() {
        return IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> p, p -> file.endOffset(TOPIC, p), (a, b) -> a, TreeMap::new));
    }

    /** The group's committed offset of each of {@code partitionsOf}. */
    Map<Integer, Long> committed(List<Integer> partitionsOf) {
        return partitionsOf.stream().collect(Collectors.toMap(p -> p,
                p -> file.committed(GROUP, TOPIC, p).orElse(0), (a, b) -> a, TreeMap::new));
    }

    /** Kills the children still running, stops the producer, closes the file. */
    @Override
    public void close() throws Exception {
        try {
            if (producer != null) {
                producer.close();
            }
        } finally {
            for (ConsumerProcess child : children) {
                child.kill();
            }
            file.close();
        }
    }

    /** The test JVM producing with {@link KliteLog#send}: one message per period, round robin over the partitions. */
    static final class Producer implements AutoCloseable {

        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "producer");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicLong sent = new AtomicLong();
        private volatile RuntimeException failure;

        private Producer(KliteLog file, int partitions, Duration period) {
            timer.scheduleAtFixedRate(() -> {
                long n = sent.get();
                try {
                    file.send(TOPIC, (int) (n % partitions), "message " + n);
                    sent.incrementAndGet();
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Messages sent so far. */
        long sent() {
            check();
            return sent.get();
        }

        private void check() {
            if (failure != null) {
                throw new AssertionError("the producer failed after " + sent.get() + " messages", failure);
            }
        }

        /** Stops producing; throws where a send failed. */
        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            assertThat(timer.awaitTermination(30, TimeUnit.SECONDS)).as("the producer stops").isTrue();
            check();
        }
    }

    /** One delivery a member made: its process, and the message's partition and offset. */
    record Delivery(long pid, int partition, long offset) {

        /** Where the message is: partition and offset. */
        String place() {
            return partition + ":" + offset;
        }
    }

    /** The deliveries of a run, in the order the members made them (every child appends to the one file). */
    record Deliveries(List<Delivery> all) {

        /** Reads the lines the members have ended so far (one being written may not be whole yet). */
        static Deliveries read(Path file) throws IOException {
            if (!Files.exists(file)) {
                return new Deliveries(List.of());
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<Delivery> all = new ArrayList<>();
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
                String[] fields = line.split(" ");
                assertThat(fields).as("delivery line '" + line + "'").hasSize(4).startsWith("delivered");
                all.add(new Delivery(Long.parseLong(fields[1]), Integer.parseInt(fields[2]),
                        Long.parseLong(fields[3])));
            }
            return new Deliveries(all);
        }

        /** From the {@code from}th delivery on. */
        Deliveries since(int from) {
            return new Deliveries(all.subList(Math.min(from, all.size()), all.size()));
        }

        Deliveries of(int partition) {
            return new Deliveries(all.stream().filter(d -> d.partition() == partition).toList());
        }

        Deliveries by(long pid) {
            return new Deliveries(all.stream().filter(d -> d.pid() == pid).toList());
        }

        Deliveries notBy(long pid) {
            return new Deliveries(all.stream().filter(d -> d.pid() != pid).toList());
        }

        List<Long> offsets() {
            return all.stream().map(Delivery::offset).toList();
        }

        /** The deliveries of a message delivered before. */
        List<Delivery> duplicates() {
            Set<String> seen = new HashSet<>();
            return all.stream().filter(d -> !seen.add(d.place())).toList();
        }

        /** How many deliveries each process made. */
        Map<Long, Long> countByPid() {
            return all.stream().collect(Collectors.groupingBy(Delivery::pid, TreeMap::new, Collectors.counting()));
        }

        /**
         * Every offset of every partition up to its end was delivered, and each partition's first deliveries came in
         * offset order: no gap, nothing out of order (a message delivered again may follow later).
         */
        void assertEveryOffsetFirstDeliveredInOrder(Map<Integer, Long> ends) {
            ends.forEach((partition, end) -> assertThat(of(partition).offsets().stream().distinct().toList())
                    .as("partition " + partition + ": its offsets in the order of their first delivery")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, end).boxed().toList()));
        }
    }
}
