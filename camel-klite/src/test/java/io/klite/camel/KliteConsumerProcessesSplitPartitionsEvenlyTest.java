package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.camel.GroupOfProcesses.Deliveries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three processes (real child JVMs) consuming one topic of six partitions with one group split it evenly: each ends up
 * holding two partitions, and together they deliver every message, each once, in offset order per partition, though
 * they start side by side, so that the first one up takes every partition and gives four of them away as the others
 * join.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerProcessesSplitPartitionsEvenlyTest {

    private static final int PARTITIONS = 6;
    private static final int MESSAGES_PER_PARTITION = 50;

    /** The files of a failed run stay: the members' deliveries and logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void threeMembersHoldTwoOfSixPartitionsEachAndDeliverEveryMessageOnce() throws Exception {
        long started = System.nanoTime();
        try (GroupOfProcesses group = new GroupOfProcesses(dir, PARTITIONS)) {
            sendRound(group);
            List<ConsumerProcess> members = group.start(3, "members");

            group.awaitHoldings(members, 2);
            Map<Long, List<Integer>> holdings = group.holdings();
            List<Integer> held = new ArrayList<>();
            holdings.values().forEach(held::addAll);
            assertThat(new TreeSet<>(held)).as("every partition held, by one member").hasSize(PARTITIONS)
                    .containsExactly(0, 1, 2, 3, 4, 5);
            int before = group.deliveries().all().size();
            sendRound(group);
            group.awaitNoLag();

            Deliveries deliveries = group.deliveries();
            System.out.printf("%s: holdings %s; deliveries by pid %s; %d ms%n", getClass().getSimpleName(), holdings,
                    deliveries.countByPid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            deliveries.assertEveryOffsetFirstDeliveredInOrder(group.endOffsets());
            assertThat(deliveries.duplicates()).as("messages delivered twice (joins hand partitions over after their"
                    + " commits); the members' warnings: " + group.problems()).isEmpty();
            // after the split, each member delivers the messages of its two partitions, and no others
            Deliveries afterSplit = deliveries.since(before);
            holdings.forEach((pid, partitions) -> assertThat(afterSplit.by(pid).all())
                    .as("deliveries of member pid " + pid + " after the split").isNotEmpty()
                    .allSatisfy(d -> assertThat(d.partition()).isIn(partitions)));
            assertThat(group.problems()).as("the members' warnings").isEmpty();
        }
    }

    /** Sends {@link #MESSAGES_PER_PARTITION} messages to each partition. */
    private static void sendRound(GroupOfProcesses group) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < MESSAGES_PER_PARTITION; i++) {
                batch.add("message " + i);
            }
            group.file().sendBatch(GroupOfProcesses.TOPIC, partition, batch);
        }
    }
}
