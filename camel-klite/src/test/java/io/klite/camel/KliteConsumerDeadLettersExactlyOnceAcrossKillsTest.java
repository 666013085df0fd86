package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.atIndex;
import static org.awaitility.Awaitility.await;

import io.klite.camel.consumer.UnfinishedDeliveryException;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer with {@code maxAttempts} killed with {@code kill -9} at any moment never both dead-letters a message and
 * lets it through, nor loses it: a real child JVM ({@link CrashingConsumer}) consumes a two-partition topic of a few
 * hundred messages, some of them poison (the route always throws for them), the rest good (the route writes their
 * topic, partition and offset to a sink file, then succeeds); it is killed at random moments and started again, until
 * the group has committed the end of both partitions. The guarantee under test (design §7): the dead-letter write and
 * the group's commit past the message are one transaction, and the count of attempts lives in the file.
 *
 * <p>An attempt the process does not survive counts too (README, "Attempts are counted in the file"): the consumer
 * cannot tell a kill from outside from a crash that the message caused, so a good message (batch) whose deliveries
 * were cut short by {@link #MAX_ATTEMPTS} kills in a row is dead-lettered, with
 * {@link UnfinishedDeliveryException}, like one that kills the process. Kills soon after a child starts land in its
 * first delivery often enough (about one run in two for some seeds) that the test allows this, and only this: such a
 * message (batch) is dead-lettered whole and once, never for a failure of the route, and each kill cuts short one
 * delivery at most, so there are at most {@code kills / maxAttempts} of them.
 *
 * <p>Each kill comes at a random moment from 0 to 300 ms after the child's route started, or from 0 to 50 ms after the
 * child was seen to make progress (a commit moved): so kills land in start-up, while attempts are counted, inside or
 * right after a dead-letter transaction, between a sink write and its commit. The route also notes each failed
 * attempt with its CamelKliteAttempt and process id: a kill may make an attempt again (one whose count, or dead-letter
 * write, it cut short), but the count never goes back. The test prints the seed of its {@link Random} (which poison
 * messages, which delays), the number of kills, the redeliveries of good messages, the attempts made again, and the
 * time taken. Properties:
 * <ul>
 * <li>{@code -Dklite.crash.kills=200}: kills per test (default 10, about half a minute per test on two cores); the
 * topic grows with it, 80 messages per kill (at least 600), so that kills land while there is work left;</li>
 * <li>{@code -Dklite.crash.seed=N}: the seed of a printed run, to repeat its poison messages and delays (the moments
 * of the kills still depend on timing).</li>
 * </ul>
 * For example {@code mvn -B -o test -pl camel-klite -Dtest=KliteConsumerDeadLettersExactlyOnceAcrossKillsTest
 * -Dklite.crash.kills=200}.
 */
class KliteConsumerDeadLettersExactlyOnceAcrossKillsTest {

    private static final int KILLS = Integer.getInteger("klite.crash.kills", 10);
    private static final int PARTITIONS = 2;
    private static final int MESSAGES_PER_PARTITION = Math.max(300, KILLS * 40);
    private static final int BATCH_SIZE = 10;
    private static final int MAX_ATTEMPTS = 2;
    /** A tiny retry wait: the second and last attempt comes at the next poll. */
    private static final String ROUTE = "klite:orders?group=billing&maxAttempts=" + MAX_ATTEMPTS
                                        + "&retryDelay=1&retryMaxDelay=1&initialDelay=0&delay=5"
                                        // a killed consumer's partition is taken over after its session timeout
                                        + "&heartbeatInterval=250&sessionTimeout=2000";

    @TempDir
    Path dir;

    /**
     * One exchange per message: every poison message is in the dead-letter topic exactly once (with
     * {@code klite.attempts=2}) and never reached the sink; every good message reached the sink at least once, and
     * the first deliveries of each partition came in offset order, and none is in the dead-letter topic but where kills
     * cut two deliveries of it short (see {@link #assertOutcome}; the first fetch after a start is counted as a whole
     * under its first offset, so a kill anywhere in it counts for that message); each poison message was tried with
     * CamelKliteAttempt 1, then 2, never going back to 1 after a kill.
     */
    @Test
    void eachPoisonMessageIsDeadLetteredOnceAndEachGoodMessageDeliveredInOrder() throws Exception {
        long seed = Long.getLong("klite.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Topic topic = Topic.fill(dir.resolve("klite.db"), random, 10);
        Run run = killRepeatedly(topic, random, "messages", ROUTE);
        run.print(getClass().getSimpleName() + " batching=false", seed, topic);

        assertOutcome(topic, run, 1);
    }

    /**
     * {@code batching=true}: the batch is the unit of both delivery and dead-lettering, so the rule is about batches.
     * A batch holding a poison message fails whole every time (the route throws before writing anything) and is
     * dead-lettered whole; a batch without one succeeds, and reaches the sink again where a kill came before its
     * commit (at least once).
     *
     * <p>Can a message then be in the sink and in the dead-letter topic? Only where the batch it succeeded in and the
     * batch it was dead-lettered with were different batches: a batch that succeeded but was not committed yet is
     * fetched again after a kill, and had more messages arrived meanwhile (a first fetch that found fewer than
     * {@code batchSize}), the new fetch could add a poison message to it, and dead-letter the good ones with it, after
     * they reached the sink: allowed by at least once. Here the topic is written in full before the first child starts
     * and a failed batch is offered again with the same offsets (also after a restart, from the file's count), so every
     * fetch starts right after a commit, and every commit, of a success or a dead-letter, ends a batch: the batches are
     * always offsets 1..10, 11..20, ... of each partition. So this must hold exactly: every message of a batch with a
     * poison message is in the dead-letter topic exactly once (attempts 2) and never in the sink; every message of a
     * batch without one is in the sink at least once and never in the dead-letter topic, unless kills cut two
     * deliveries of that very batch short (see {@link #assertOutcome}): then the whole batch is, once, for that reason;
     * none is neither; first deliveries come in offset order per partition.
     *
     * <p>Fewer poison messages (4%) than with one exchange per message, so that about two batches in three succeed.
     */
    @Test
    void eachBatchWithAPoisonMessageIsDeadLetteredWholeOnceAndNoneOfItReachesTheSink() throws Exception {
        long seed = Long.getLong("klite.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Topic topic = Topic.fill(dir.resolve("klite.db"), random, 4);
        Run run = killRepeatedly(topic, random, "batches", ROUTE + "&batching=true&batchSize=" + BATCH_SIZE);
        run.print(getClass().getSimpleName() + " batching=true", seed, topic);

        assertOutcome(topic, run, BATCH_SIZE);
    }

    /**
     * Kills a child consumer {@link #KILLS} times while it has work left, then lets one finish: until the group has
     * committed the end of every partition.
     */
    private Run killRepeatedly(Topic topic, Random random, String mode, String uri) throws Exception {
        Path sink = dir.resolve("sink.txt");
        Path childLog = dir.resolve("children.log");
        long started = System.nanoTime();
        int kills = 0;
        try (KliteLog file = KliteLog.open(topic.db())) {
            while (kills < KILLS && !done(file)) {
                try (ConsumerProcess child = ConsumerProcess.start(topic.db(), sink, childLog, mode, uri)) {
                    if (random.nextBoolean()) {
                        pause(random.nextInt(300));
                    } else {
                        long before = committed(file);
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                                .until(() -> committed(file) > before || done(file));
                        pause(random.nextInt(50));
                    }
                    if (done(file)) {
                        break; // the kill would find nothing to do
                    }
                    kills++;
                } // kill -9
            }
            try (ConsumerProcess last = ConsumerProcess.start(topic.db(), sink, childLog, mode, uri)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> done(file));
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        List<Offset> delivered = new ArrayList<>();
        List<Attempt> failed = new ArrayList<>();
        for (String line : Files.readAllLines(sink)) {
            String[] fields = line.split(" ");
            assertThat(fields).as("sink line '" + line + "'").hasSizeGreaterThan(3).contains("orders", atIndex(1));
            Offset offset = new Offset(Integer.parseInt(fields[2]), Long.parseLong(fields[3]));
            if (fields[0].equals("delivered")) {
                delivered.add(offset);
            } else {
                assertThat(fields).as("sink line '" + line + "'").hasSize(6).startsWith("failed");
                failed.add(new Attempt(offset, Integer.parseInt(fields[4]), Long.parseLong(fields[5])));
            }
        }
        return new Run(kills, millis, delivered, failed, ConsumerProcess.problems(childLog));
    }

    /**
     * Checks what the run left, by unit of delivery and of dead-lettering: each message ({@code unitSize} 1), or each
     * batch of offsets {@code 1 + k * unitSize ..} of a partition (see the batch test for why they never move).
     * <ul>
     * <li>Every unit with a poison message is in the dead-letter topic, whole and once, with klite.attempts 2, in
     * offset order, and none of it reached the sink.</li>
     * <li>A unit without one reached the sink (every message of it at least once, first deliveries in offset order);
     * or else it is in the dead-letter topic, whole and once, because {@link #MAX_ATTEMPTS} deliveries of it were cut
     * short by kills (an attempt the process does not survive counts: its count is written as it starts), so with
     * {@link UnfinishedDeliveryException}, never for a failure, which the route has only for poison. Each kill cuts
     * short one delivery at most, so there are at most {@code kills / maxAttempts} such units. Such a unit may have
     * reached the sink before it was dead-lettered: a success that a kill kept from its commit is not known to the
     * consumer (at least once).</li>
     * <li>The failed attempts the route noted are of units with a poison message only, CamelKliteAttempt 1, then 2,
     * never going back (a kill may repeat an attempt whose count, or dead-letter write, it prevented, or cut the last
     * attempt short before the route noted it: counted as it started, it is not made again).</li>
     * </ul>
     */
    private static void assertOutcome(Topic topic, Run run, int unitSize) {
        Function<Offset, Offset> unitOf = offset -> offset.unit(unitSize);
        Map<Offset, List<Offset>> units = topic.all().stream()
                .collect(Collectors.groupingBy(unitOf, TreeMap::new, Collectors.toList()));
        Set<Offset> poisonUnits = topic.poison().stream().map(unitOf)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(poisonUnits).as("messages (batches) with a poison message").isNotEmpty()
                .hasSizeLessThan(units.size());

        List<Letter> letters = new ArrayList<>();
        try (KliteLog file = KliteLog.open(topic.db())) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                assertThat(file.committed("billing", "orders", partition)).hasValue(MESSAGES_PER_PARTITION);
            }
            assertThat(file.deliveryAttempts()).as("counts of attempts left behind").isEmpty();

            int dlqPartitions = file.partitionCount("orders.dlq");
            for (int partition = 0; partition < dlqPartitions; partition++) {
                for (Message letter : file.read("orders.dlq", partition, 0, Integer.MAX_VALUE)) {
                    Offset original = new Offset(Integer.parseInt(letter.headers().get(DeadLetter.ORIGINAL_PARTITION)),
                            Long.parseLong(letter.headers().get(DeadLetter.ORIGINAL_OFFSET)));
                    assertThat(letter.headers()).as("headers of the dead letter of " + original)
                            .containsEntry(DeadLetter.ORIGINAL_TOPIC, "orders")
                            .containsEntry(DeadLetter.GROUP, "billing")
                            .containsEntry(DeadLetter.ATTEMPTS, String.valueOf(MAX_ATTEMPTS));
                    assertThat(new String(letter.payload(), StandardCharsets.UTF_8))
                            .as("payload of the dead letter of " + original).isEqualTo(topic.payload(original));
                    letters.add(new Letter(original, letter.headers().get(DeadLetter.EXCEPTION_CLASS)));
                }
            }
        }
        List<Offset> lettered = letters.stream().map(Letter::original).toList();
        assertThat(lettered).as("dead letters: none twice").doesNotHaveDuplicates();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int p = partition;
            List<Long> offsets = lettered.stream().filter(o -> o.partition() == p).map(Offset::offset).toList();
            assertThat(offsets).as("dead letters of partition " + p + " in offset order").isSorted();
        }
        Map<Offset, List<Offset>> letteredUnits = lettered.stream()
                .collect(Collectors.groupingBy(unitOf, TreeMap::new, Collectors.toList()));
        letteredUnits.forEach((unit, offsets) -> assertThat(offsets)
                .as("dead letters of the message (batch) at " + unit + ": all of it")
                .containsExactlyInAnyOrderElementsOf(units.get(unit)));
        assertThat(letteredUnits.keySet()).as("dead letters: every message (batch) with a poison message")
                .containsAll(poisonUnits);
        Set<Offset> cutShort = new TreeSet<>(letteredUnits.keySet());
        cutShort.removeAll(poisonUnits);
        if (!cutShort.isEmpty()) {
            System.out.printf("%d messages (batches) without poison dead-lettered after kills cut %d deliveries of"
                              + " each short: %s%n", cutShort.size(), MAX_ATTEMPTS, cutShort);
        }
        assertThat(letters).filteredOn(letter -> cutShort.contains(unitOf.apply(letter.original())))
                .as("dead letters of messages that must go through: only where kills cut their deliveries short,"
                    + " never for a failure")
                .allSatisfy(letter -> assertThat(letter.exceptionClass())
                        .isEqualTo(UnfinishedDeliveryException.class.getName()));
        assertThat(cutShort.size() * MAX_ATTEMPTS)
                .as("dead letters of messages (batches) that must go through, " + cutShort + ", times maxAttempts:"
                    + " each of them needs that many kills, and a kill cuts short one delivery at most")
                .isLessThanOrEqualTo(run.kills());

        assertThat(run.failed()).as("CamelKliteAttempt of failed attempts: at most maxAttempts")
                .allSatisfy(attempt -> assertThat(attempt.attempt()).isBetween(1, MAX_ATTEMPTS));
        Map<Offset, List<Integer>> attempts = run.failed().stream().collect(Collectors.groupingBy(Attempt::unit,
                TreeMap::new, Collectors.mapping(Attempt::attempt, Collectors.toList())));
        // a kill during the last attempt allowed, counted as it started, may cut it short before the route noted it:
        // the next process dead-letters the message without another attempt (UnfinishedDeliveryException)
        assertThat(poisonUnits).as("the messages (batches) that failed are ones with a poison message")
                .containsAll(attempts.keySet());
        attempts.forEach((unit, numbers) -> assertThat(numbers)
                .as("CamelKliteAttempt of each attempt at " + unit + ": the count never goes back")
                .isSorted());

        Set<Offset> neverDelivered = poisonUnits.stream().flatMap(unit -> units.get(unit).stream())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Offset> mustBeDelivered = units.entrySet().stream()
                .filter(unit -> !letteredUnits.containsKey(unit.getKey())).flatMap(unit -> unit.getValue().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(run.delivered()).as("sink: no message of a message (batch) with a poison message ever reached it")
                .doesNotContainAnyElementsOf(neverDelivered);
        Set<Offset> firstDeliveries = new LinkedHashSet<>(run.delivered());
        assertThat(firstDeliveries).as("sink: every message that was not dead-lettered reached it")
                .containsAll(mustBeDelivered);
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int p = partition;
            assertThat(firstDeliveries.stream().filter(o -> o.partition() == p).map(Offset::offset).toList())
                    .as("first deliveries of partition " + p + " in offset order").isSorted();
        }
    }

    /** Whether the group has committed the end of every partition. */
    private static boolean done(KliteLog file) {
        return committed(file) == (long) PARTITIONS * MESSAGES_PER_PARTITION;
    }

    /** The group's committed offsets of all partitions, added up: it grows with every commit. */
    private static long committed(KliteLog file) {
        long sum = 0;
        for (int partition = 0; partition < PARTITIONS; partition++) {
            sum += file.committed("billing", "orders", partition).orElse(0);
        }
        return sum;
    }

    /** Waits {@code millis}, for the random moment of a kill. */
    private static void pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** A message's place. */
    private record Offset(int partition, long offset) implements Comparable<Offset> {

        /** The first offset of the unit of {@code size} offsets (from 1 + k * size) that this one is in. */
        Offset unit(int size) {
            return new Offset(partition, offset - (offset - 1) % size);
        }

        @Override
        public int compareTo(Offset other) {
            return partition != other.partition ? Integer.compare(partition, other.partition)
                    : Long.compare(offset, other.offset);
        }

        @Override
        public String toString() {
            return partition + ":" + offset;
        }
    }

    /**
     * The topic {@code orders}: {@link #PARTITIONS} partitions of {@link #MESSAGES_PER_PARTITION} messages each,
     * written before any consumer starts; about {@code percent}% of them poison.
     */
    private record Topic(Path db, Map<Offset, String> payloads, Set<Offset> poison) {

        static Topic fill(Path db, Random random, int percent) {
            Map<Offset, String> payloads = new TreeMap<>();
            Set<Offset> poison = new TreeSet<>();
            try (KliteLog file = KliteLog.open(db)) {
                file.createTopic("orders", PARTITIONS);
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    List<String> batch = new ArrayList<>();
                    for (long offset = 1; offset <= MESSAGES_PER_PARTITION; offset++) {
                        boolean bad = random.nextInt(100) < percent;
                        String payload = (bad ? "poison " : "good ") + partition + "-" + offset;
                        batch.add(payload);
                        payloads.put(new Offset(partition, offset), payload);
                        if (bad) {
                            poison.add(new Offset(partition, offset));
                        }
                    }
                    assertThat(file.sendBatch("orders", partition, batch).lastOffset())
                            .isEqualTo(MESSAGES_PER_PARTITION);
                }
            }
            return new Topic(db, payloads, poison);
        }

        Set<Offset> all() {
            return payloads.keySet();
        }

        String payload(Offset offset) {
            return payloads.get(offset);
        }
    }

    /** A dead letter: the place of the message it holds, and its klite.exception.class. */
    private record Letter(Offset original, String exceptionClass) {
    }

    /** One failed attempt at a message (batch) {@code unit}, by its first offset, made by process {@code pid}. */
    private record Attempt(Offset unit, int attempt, long pid) {
    }

    /**
     * What a run of kills did: the kills, its time, the sink's deliveries and failed attempts in order, and what the
     * children logged besides their failed attempts.
     */
    private record Run(int kills, long millis, List<Offset> delivered, List<Attempt> failed,
                       List<String> childWarnings) {

        void print(String name, long seed, Topic topic) {
            long redeliveries = delivered.size() - delivered.stream().distinct().count();
            long repeatedFirst = repeated(1);
            long repeatedSecond = repeated(2);
            long continued = failed.stream().collect(Collectors.groupingBy(Attempt::unit,
                    Collectors.mapping(Attempt::pid, Collectors.toSet()))).values().stream()
                    .filter(pids -> pids.size() > 1).count();
            System.out.printf("%s: seed %d; %d messages (%d poison) in %d partitions; %d kills; %d redeliveries of"
                              + " good messages; %d failed attempts, repeated: %d first attempts (a kill before"
                              + " their count), %d second (a kill before the dead-letter write); %d failing messages"
                              + " (batches) tried by more than one process; %d ms%n", name, seed, topic.all().size(),
                    topic.poison().size(), PARTITIONS, kills, redeliveries, failed.size(), repeatedFirst,
                    repeatedSecond, continued, millis);
            if (!childWarnings.isEmpty()) {
                System.out.printf("%s: %d warnings of the children besides failed attempts, the first: %s%n", name,
                        childWarnings.size(), childWarnings.stream().limit(10).collect(Collectors.joining("\n")));
            }
        }

        /** How many failed attempts numbered {@code attempt} were made again: a kill kept them from counting. */
        private long repeated(int attempt) {
            List<Offset> units = failed.stream().filter(a -> a.attempt() == attempt).map(Attempt::unit).toList();
            return units.size() - units.stream().distinct().count();
        }
    }
}
