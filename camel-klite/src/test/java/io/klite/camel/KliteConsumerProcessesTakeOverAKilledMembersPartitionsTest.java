package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.GroupOfProcesses.Deliveries;
import io.klite.camel.GroupOfProcesses.Delivery;
import io.klite.camel.GroupOfProcesses.Producer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member killed with {@code kill -9} while the test JVM keeps producing: its partitions' leases expire one session
 * timeout after its last heartbeat, and the two other members (real child JVMs, like it) take them and deliver them,
 * from the group's last commit, within the session timeout and one heartbeat of the kill (plus
 * {@link #MARGIN_MILLIS} for a loaded machine; the figure is printed). Nothing is lost, and the only messages
 * delivered twice are those the killed member delivered after its last commit on its partitions: exactly those, each
 * once more.
 *
 * <p>The members are {@code slow} (each delivery takes 20 ms) and the kill comes right after the victim's latest
 * delivery was written, so it lands inside a delivery, with deliveries since its last commit. They fetch
 * {@value #BATCH_SIZE} messages per partition and round, so that a member that took partitions with a backlog
 * delivers each of them within a round, rather than one partition's backlog after the other's.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerProcessesTakeOverAKilledMembersPartitionsTest {

    private static final int PARTITIONS = 6;
    /** 100 messages a second: the slow members (50 deliveries a second each) keep up, with batches. */
    private static final Duration SEND_EVERY = Duration.ofMillis(10);
    /** Room for a loaded two-core machine on top of the session timeout and one heartbeat. */
    private static final long MARGIN_MILLIS = 2000;
    private static final int BATCH_SIZE = 5;

    /** The files of a failed run stay: the members' deliveries and logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void theOthersDeliverAKilledMembersPartitionsFromItsLastCommitWithinTheSessionTimeout() throws Exception {
        long started = System.nanoTime();
        try (GroupOfProcesses group = new GroupOfProcesses(dir, PARTITIONS)) {
            List<ConsumerProcess> members = group.start(3, "slow", "&batchSize=" + BATCH_SIZE);
            group.awaitHoldings(members, 2);
            Producer producer = group.produce(SEND_EVERY);
            ConsumerProcess victim = members.get(1);
            List<Integer> victims = group.holdings().get(victim.pid());
            // a while of steady work, then the kill right after one of its deliveries
            long warm = group.deliveries().by(victim.pid()).all().size() + 30;
            await().atMost(Duration.ofSeconds(30)).until(() -> group.deliveries().by(victim.pid()).all().size() >= warm);
            long seen = group.deliveries().by(victim.pid()).all().size();
            await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> group.deliveries().by(victim.pid()).all().size() > seen);
            victim.kill();
            long killed = System.nanoTime();
            Map<Integer, Long> lastCommits = group.committed(victims);
            int killedAt = group.deliveries().all().size();

            Map<Integer, Long> takenOver = new TreeMap<>();
            Map<Integer, Long> leased = new TreeMap<>();
            await().pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                group.holdings().forEach((pid, held) -> held.stream().filter(victims::contains)
                        .filter(p -> pid != victim.pid())
                        .forEach(p -> leased.putIfAbsent(p, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed))));
                Deliveries after = group.deliveries().since(killedAt);
                for (int partition : victims) {
                    if (!takenOver.containsKey(partition) && !after.of(partition).all().isEmpty()) {
                        takenOver.put(partition, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
                    }
                }
                assertThat(takenOver).containsOnlyKeys(victims);
            });
            awaitMoreDeliveries(group, 100);
            producer.close();
            group.awaitNoLag();

            Deliveries deliveries = group.deliveries();
            Deliveries uncommitted = new Deliveries(deliveries.by(victim.pid()).all().stream()
                    .filter(d -> d.offset() > lastCommits.get(d.partition())).toList());
            List<Delivery> duplicates = deliveries.duplicates();
            long failover = takenOver.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("%s: killed pid %d holding %s, last commits %s; its partitions leased by the others %s"
                              + " ms after the kill, delivered by them %s ms after it (at most %d ms; the bound %d ms);"
                              + " %d deliveries of it after its last commits, %d messages delivered twice; %d messages"
                              + " sent; deliveries by pid %s; %d ms%n", getClass().getSimpleName(), victim.pid(),
                    victims, lastCommits, leased, takenOver, failover, bound(), uncommitted.all().size(), duplicates.size(), producer.sent(),
                    deliveries.countByPid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            assertThat(failover).as("ms from the kill until the others delivered each of its partitions")
                    .isLessThanOrEqualTo(bound());
            deliveries.assertEveryOffsetFirstDeliveredInOrder(group.endOffsets());
            for (int partition : victims) {
                assertThat(deliveries.since(killedAt).of(partition).all().get(0).offset())
                        .as("partition %d: the first offset the others delivered after the kill, its last commit"
                            + " being %d", partition, lastCommits.get(partition))
                        .isEqualTo(lastCommits.get(partition) + 1);
            }
            assertThat(duplicates).as("the messages delivered twice: those the killed member delivered after its last"
                    + " commit, each once more; the members' warnings: " + group.problems())
                    .extracting(Delivery::place)
                    .containsExactlyInAnyOrderElementsOf(uncommitted.all().stream().map(Delivery::place).toList());
        }
    }

    /** The session timeout, one heartbeat, and the margin. */
    private static long bound() {
        return GroupOfProcesses.SESSION_MILLIS + GroupOfProcesses.HEARTBEAT_MILLIS + MARGIN_MILLIS;
    }

    private static void awaitMoreDeliveries(GroupOfProcesses group, int count) throws Exception {
        long target = group.deliveryCount() + count;
        await().atMost(Duration.ofSeconds(30)).until(() -> group.deliveryCount() >= target);
    }
}
