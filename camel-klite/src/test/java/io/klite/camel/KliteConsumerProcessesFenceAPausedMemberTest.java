package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.GroupOfProcesses.Deliveries;
import io.klite.camel.GroupOfProcesses.Delivery;
import io.klite.camel.GroupOfProcesses.Producer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member paused (SIGSTOP, as a long GC pause or a suspended VM would) inside a delivery for longer than the session
 * timeout, with deliveries since its last commit: the other member (a real child JVM, like it) takes its partitions
 * once their leases expire and delivers them again from the last commit; when the paused member runs again (SIGCONT),
 * the commit it was about to make is refused by the lease (its log says it stops consuming the partition, with the
 * refusal), and it delivers nothing further from where it stood, beyond the one delivery it was paused in. Being live
 * again, it is soon given its share back by a rebalance, after the other member's commits: so after the pause, each of
 * its partitions is delivered from the last commit on, each offset once and in order, by whichever member holds it.
 * Nothing is lost, and the group's lag reaches 0. The files of a failed run stay in its directory.
 *
 * <p>The members are {@code slow} (a delivery takes 20 ms) and fetch {@value #BATCH_SIZE} messages per partition and
 * round, committing at the end of each partition's batch. The test sends a message that takes 1.5 s to deliver (of
 * the process's own time) and pauses the member right after it started delivering it; so when the member runs again,
 * it is still in that delivery for more than a second, long enough for the group to hand its partitions back to it
 * (and a stale cursor would go on from where it stood: six runs in seven failed so before that was fixed). A pause
 * that lands while the member holds the file's write lock (a heartbeat transaction) would stall every process on the
 * file: the test sees that (the producer's sends stall) and pauses again at another lingering message.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerProcessesFenceAPausedMemberTest {

    private static final int PARTITIONS = 4;
    /** 100 messages a second: the slow members (50 deliveries a second each) keep up, with batches. */
    private static final Duration SEND_EVERY = Duration.ofMillis(10);
    /** Few messages per partition and round: a member that takes partitions with a backlog goes round them soon. */
    private static final int BATCH_SIZE = 5;
    private static final Duration SESSION = Duration.ofMillis(GroupOfProcesses.SESSION_MILLIS);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aMemberPausedPastItsSessionHasItsCommitRefusedAndTheNewOwnerRedeliversFromTheLastCommit() throws Exception {
        long started = System.nanoTime();
        try (GroupOfProcesses group = new GroupOfProcesses(dir, PARTITIONS)) {
            List<ConsumerProcess> members = group.start(2, "slow", "&batchSize=" + BATCH_SIZE);
            group.awaitHoldings(members, 2);
            Producer producer = group.produce(SEND_EVERY);
            ConsumerProcess paused = members.get(0);
            ConsumerProcess other = members.get(1);
            List<Integer> pausedHeld = group.holdings().get(paused.pid());
            long warm = group.deliveries().by(paused.pid()).all().size() + 20;
            await().atMost(Duration.ofSeconds(30)).until(() -> group.deliveries().by(paused.pid()).all().size() >= warm);

            Pause pause = pauseInALingeringDelivery(group, paused, producer, pausedHeld);
            await().atMost(Duration.ofSeconds(30)).until(() -> group.holdings().getOrDefault(other.pid(), List.of())
                    .containsAll(pausedHeld));
            long takenOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pause.nanos());
            // the other member delivers its partitions again, past the lingering message
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Deliveries since = group.deliveries().since(pause.lines()).notBy(paused.pid());
                return pausedHeld.stream().allMatch(p -> !since.of(p).all().isEmpty())
                       && since.of(pause.lingering().partition()).offsets().stream()
                               .anyMatch(offset -> offset > pause.lingering().offset());
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - pause.nanos() > SESSION.toNanos());
            long pausedFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pause.nanos());
            paused.resume();

            await().atMost(Duration.ofSeconds(30)).until(() -> !refusals(group.logOf(paused)).isEmpty());
            group.awaitHoldings(members, 2);
            long handedBack = group.deliveryCount() + 50;
            await().atMost(Duration.ofSeconds(30)).until(() -> group.deliveryCount() >= handedBack);
            producer.close();
            group.awaitNoLag();

            Deliveries deliveries = group.deliveries();
            Deliveries beforePause = new Deliveries(deliveries.all().subList(0, pause.lines()));
            Deliveries afterPause = deliveries.since(pause.lines());
            List<String> refusals = refusals(group.logOf(paused));
            List<String> problems = group.problems();
            Map<Integer, Long> ends = group.endOffsets();
            // after the pause, each of its partitions is delivered from the last commit on, once and in order: by the
            // other member, and by the paused one once it is given the partition again; the one delivery it was
            // paused in may end after the pause
            List<Delivery> inFlight = new ArrayList<>();
            for (int partition : pausedHeld) {
                List<Delivery> after = new ArrayList<>(afterPause.of(partition).all());
                List<Long> expected = offsets(pause.committed().get(partition) + 1, ends.get(partition));
                if (!new Deliveries(after).offsets().equals(expected)) {
                    after.stream().filter(d -> d.pid() == paused.pid()).findFirst().ifPresent(late -> {
                        inFlight.add(late);
                        after.remove(late);
                    });
                }
                assertThat(new Deliveries(after).offsets())
                        .as("partition %d's deliveries after the pause (but one of the paused member), the last commit"
                            + " being %d; the members' warnings: %s", partition, pause.committed().get(partition),
                                problems)
                        .containsExactlyElementsOf(expected);
            }
            long redelivered = pausedHeld.stream().mapToLong(p -> pause.delivered().get(p) - pause.committed().get(p))
                    .sum();
            System.out.printf("%s: paused pid %d holding %s, %d tries to pause it in a delivery; the last commits %s, the"
                              + " last deliveries %s; the other member held its partitions %d ms after the pause;"
                              + " paused %d ms; %d messages delivered again after the pause, %d of them by the paused"
                              + " member once given its partitions again; %d deliveries it was paused in ended after"
                              + " it; its refusals: %s; %d messages sent; deliveries by pid %s; %d ms%n",
                    getClass().getSimpleName(), paused.pid(), pausedHeld, pause.tries(), pause.committed(),
                    pause.delivered(), takenOver, pausedFor, redelivered, afterPause.by(paused.pid()).all().stream()
                            .filter(d -> d.offset() <= pause.delivered().get(d.partition())).count() - inFlight.size(),
                    inFlight.size(), refusals, producer.sent(), deliveries.countByPid(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            assertThat(redelivered).as("messages the paused member delivered after its last commits").isPositive();
            assertThat(inFlight).as("deliveries of the paused member after the pause from where it stood: at most the"
                    + " one it was paused in").hasSizeLessThanOrEqualTo(1);
            for (int partition : pausedHeld) {
                assertThat(beforePause.of(partition).offsets()).as("partition %d's deliveries before the pause",
                        partition).containsExactlyElementsOf(offsets(1, pause.delivered().get(partition)));
                assertThat(afterPause.notBy(paused.pid()).of(partition).all().get(0).offset())
                        .as("partition %d: the first offset the other member delivered after the pause", partition)
                        .isEqualTo(pause.committed().get(partition) + 1);
            }
            for (int partition = 0; partition < PARTITIONS; partition++) {
                if (!pausedHeld.contains(partition)) {
                    assertThat(deliveries.of(partition).offsets()).as("partition %d's deliveries", partition)
                            .containsExactlyElementsOf(offsets(1, ends.get(partition)));
                }
            }
            assertThat(refusals).as("the paused member's log: its late commit refused")
                    .anySatisfy(line -> assertThat(line).contains("Cannot commit offset")
                            .contains("does not hold the partition's lease any more"));
            assertThat(refusals).as("the partitions whose commits were refused: the paused member's")
                    .allSatisfy(line -> assertThat(pausedHeld.stream().anyMatch(p -> line.contains("topic 'orders'"
                            + " partition " + p + ":"))).as(line).isTrue());
        }
    }

    private static List<Long> offsets(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /**
     * Sends a message that {@code member} lingers over to the first of its partitions, and pauses the member right
     * after it started delivering it (so with deliveries since its last commit there), while the others can still
     * write the file (it holds no write lock: else it pauses again at another lingering message).
     */
    private static Pause pauseInALingeringDelivery(GroupOfProcesses group, ConsumerProcess member, Producer producer,
            List<Integer> held) throws Exception {
        for (int tries = 1; tries <= 5; tries++) {
            Delivery lingering = new Delivery(member.pid(), held.get(0),
                    group.file().send(GroupOfProcesses.TOPIC, held.get(0), "linger " + tries));
            await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(30))
                    .until(() -> group.deliveries().all().contains(lingering));
            member.pause();
            long nanos = System.nanoTime();
            Deliveries deliveries = group.deliveries();
            Map<Integer, Long> committed = group.committed(held);
            Map<Integer, Long> delivered = new TreeMap<>();
            for (int partition : held) {
                List<Long> offsets = deliveries.of(partition).offsets();
                delivered.put(partition, offsets.isEmpty() ? 0 : offsets.get(offsets.size() - 1));
            }
            if (othersCanWrite(producer)) {
                return new Pause(nanos, deliveries.all().size(), lingering, committed, delivered, tries);
            }
            member.resume();
        }
        throw new AssertionError("5 pauses landed while the member held the file's write lock");
    }

    /** Whether the producer's sends go on: the paused process holds no lock on the file. */
    private static boolean othersCanWrite(Producer producer) {
        long sent = producer.sent();
        try {
            await().atMost(Duration.ofSeconds(2)).until(() -> producer.sent() >= sent + 5);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** The paused member's log lines saying it stopped consuming a partition whose commit was refused. */
    private static List<String> refusals(Path log) throws Exception {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("WARN") && line.contains("stops consuming topic 'orders'"
                    + " partition")).toList();
        }
    }

    /**
     * A pause: when, how many deliveries the file held then, the delivery it was paused in, the group's committed
     * offsets and the last delivered offsets of the paused member's partitions then, and the tries it took.
     */
    private record Pause(long nanos, int lines, Delivery lingering, Map<Integer, Long> committed,
                         Map<Integer, Long> delivered, int tries) {
    }
}
