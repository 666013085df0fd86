package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.GroupOfProcesses.Deliveries;
import io.klite.camel.GroupOfProcesses.Delivery;
import io.klite.camel.GroupOfProcesses.Producer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of three processes (real child JVMs) in a crash loop while the test JVM keeps producing to a topic of six
 * partitions: again and again a member chosen at random is killed with {@code kill -9} at a random moment (after a
 * random number, up to {@value #MAX_DELIVERIES_BEFORE_KILL}, of the group's deliveries; so also in a member's start,
 * or while it takes partitions over) and a new one is started in its place. At the end every offset was delivered,
 * each partition's first deliveries came in offset order, a message was delivered again only where killed members
 * had delivered it before (after their last commit), the three live members hold two partitions each, and the
 * group's lag is 0.
 *
 * <p>Three kills in the default build; {@code mvn -B -pl camel-klite verify -Psoak} makes {@code klite.soak.kills}
 * (default 20) instead. {@code -Dklite.crash.seed=N} repeats the choices of a printed run (the moments still depend on
 * timing). The files of a failed run stay in its directory.
 */
class KliteConsumerProcessesSurviveACrashLoopTest {

    private static final int PARTITIONS = 6;
    /** 250 messages a second. */
    private static final Duration SEND_EVERY = Duration.ofMillis(4);
    private static final int MAX_DELIVERIES_BEFORE_KILL = 400;
    private static final long SEED = Long.getLong("klite.crash.seed", System.nanoTime());

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void threeKillsAndRestartsLoseNothingAndKeepEachPartitionsOrder() throws Exception {
        crashLoop(3);
    }

    @Test
    @Tag("soak")
    @Timeout(value = 30, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killsAndRestartsForTheSoakLoseNothingAndKeepEachPartitionsOrder() throws Exception {
        crashLoop(Integer.getInteger("klite.soak.kills", 20));
    }

    private void crashLoop(int kills) throws Exception {
        long started = System.nanoTime();
        Random random = new Random(SEED);
        try (GroupOfProcesses group = new GroupOfProcesses(dir, PARTITIONS)) {
            List<ConsumerProcess> members = new ArrayList<>(group.start(3, "members"));
            Producer producer = group.produce(SEND_EVERY);
            Set<Long> killed = new TreeSet<>();
            Map<Long, Long> killedAfter = new LinkedHashMap<>();
            for (int kill = 1; kill <= kills; kill++) {
                ConsumerProcess victim = members.get(random.nextInt(members.size()));
                int wait = random.nextInt(MAX_DELIVERIES_BEFORE_KILL + 1);
                long moment = group.deliveryCount() + wait;
                await().atMost(Duration.ofSeconds(60)).until(() -> group.deliveryCount() >= moment);
                victim.kill();
                killed.add(victim.pid());
                killedAfter.put(victim.pid(), (long) wait);
                members.remove(victim);
                members.addAll(group.start(1, "members"));
            }
            long more = group.deliveryCount() + 200;
            await().atMost(Duration.ofSeconds(60)).until(() -> group.deliveryCount() >= more);
            group.awaitHoldings(members, 2);
            producer.close();
            group.awaitNoLag();

            Deliveries deliveries = group.deliveries();
            List<Delivery> duplicates = deliveries.duplicates();
            System.out.printf("%s: seed %d; %d kills (pid: after how many deliveries) %s; %d messages sent, %d"
                              + " deliveries, %d of them again; deliveries by pid %s; %d ms%n",
                    getClass().getSimpleName(), SEED, kills, killedAfter, producer.sent(), deliveries.all().size(),
                    duplicates.size(), deliveries.countByPid(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            deliveries.assertEveryOffsetFirstDeliveredInOrder(group.endOffsets());
            // a message delivered again: every delivery of it but the last was by a killed member (that had not
            // committed it); members that are alive hand partitions over after their commits
            List<String> problems = group.problems();
            Map<String, List<Delivery>> byPlace = new LinkedHashMap<>();
            deliveries.all().forEach(d -> byPlace.computeIfAbsent(d.place(), k -> new ArrayList<>()).add(d));
            byPlace.values().stream().filter(all -> all.size() > 1).forEach(all -> assertThat(
                    all.subList(0, all.size() - 1)).as("deliveries of %s but the last; killed pids %s; the members'"
                    + " warnings: %s", all.get(0).place(), killed, problems)
                    .allSatisfy(d -> assertThat(killed).contains(d.pid())));
        }
    }
}
