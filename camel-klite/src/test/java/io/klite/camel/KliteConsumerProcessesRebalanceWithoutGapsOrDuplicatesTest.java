package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.GroupOfProcesses.Deliveries;
import io.klite.camel.GroupOfProcesses.Producer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rebalancing between processes (real child JVMs) is cooperative: while the test JVM keeps producing to a topic of six
 * partitions, a third member joins two, and then one of the three stops cleanly (its CamelContext stops); a member
 * hands a partition over only after committing what it delivered of it, and takes one only once it is free. So every
 * partition's deliveries, across all members and in the order they were made, are its offsets 1, 2, 3... to its end:
 * no gap, nothing out of order, nothing twice.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerProcessesRebalanceWithoutGapsOrDuplicatesTest {

    private static final int PARTITIONS = 6;
    /** 500 messages a second. */
    private static final Duration SEND_EVERY = Duration.ofMillis(2);
    /** Deliveries to wait for after each change, so that each member works in each state of the group. */
    private static final int DELIVERIES_PER_STEP = 300;

    /** The files of a failed run stay: the members' deliveries and logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aMemberJoiningAndAMemberStoppingWhileMessagesFlowDeliverEveryOffsetOnceInOrder() throws Exception {
        long started = System.nanoTime();
        try (GroupOfProcesses group = new GroupOfProcesses(dir, PARTITIONS)) {
            List<ConsumerProcess> first = group.start(2, "members");
            group.awaitHoldings(first, 3);
            Producer producer = group.produce(SEND_EVERY);
            awaitMoreDeliveries(group);

            long joining = System.nanoTime();
            ConsumerProcess third = group.start(1, "members").get(0);
            long joined = System.nanoTime();
            group.awaitHoldings(List.of(first.get(0), first.get(1), third), 2);
            long joinRebalance = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
            Map<Long, List<Integer>> afterJoin = group.holdings();
            awaitMoreDeliveries(group);

            ConsumerProcess leaving = first.get(0);
            long stopping = System.nanoTime();
            leaving.stop();
            long stopped = System.nanoTime();
            group.awaitHoldings(List.of(first.get(1), third), 3);
            long leaveRebalance = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            awaitMoreDeliveries(group);

            producer.close();
            group.awaitNoLag();

            Deliveries deliveries = group.deliveries();
            System.out.printf("%s: %d messages sent; the third member started in %d ms, the group held 2 each %d ms"
                              + " later (%s); the leaving member stopped in %d ms, the others held 3 each %d ms later;"
                              + " deliveries by pid %s; %d ms%n", getClass().getSimpleName(), producer.sent(),
                    TimeUnit.NANOSECONDS.toMillis(joined - joining), joinRebalance, afterJoin,
                    TimeUnit.NANOSECONDS.toMillis(stopped - stopping), leaveRebalance, deliveries.countByPid(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            List<String> problems = group.problems();
            group.endOffsets().forEach((partition, end) -> assertThat(deliveries.of(partition).offsets())
                    .as("partition %d's deliveries in the order made: each offset once, in order; the members'"
                        + " warnings: %s", partition, problems)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, end).boxed().toList()));
            assertThat(deliveries.by(third.pid()).all()).as("deliveries of the member that joined").isNotEmpty();
            assertThat(deliveries.by(leaving.pid()).all()).as("deliveries of the member that left").isNotEmpty();
            assertThat(problems).as("the members' warnings").isEmpty();
        }
    }

    /** Waits until the members made {@link #DELIVERIES_PER_STEP} more deliveries. */
    private static void awaitMoreDeliveries(GroupOfProcesses group) throws Exception {
        long target = group.deliveryCount() + DELIVERIES_PER_STEP;
        await().atMost(Duration.ofSeconds(30)).until(() -> group.deliveryCount() >= target);
    }
}
