package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KliteLog#topics()} and {@link KliteLog#groupPartitions()} read the file at one moment, while another process
 * (Python's sqlite3 module, {@link TableChurn}) creates, fills, empties and drops a topic's tables and commits a
 * group on them, over and over: no call fails, and every answer is one the file held at some moment: the churned
 * topic whole (every partition at 1..5, or every one emptied after 5) or absent, two partitions written in the same
 * transactions with the same offsets, the group's rows on the churned topic there exactly with the topic. Reading
 * writes nothing, not even Klite's columns to a table another program created without them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteLogListsTopicsAndGroupsAtOneMomentTest {

    /** How long the calls go on at most while waiting to have seen each state of the churned topic. */
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int MIN_CALLS = 300;

    private static final List<PartitionInfo> ORDERS = List.of(new PartitionInfo(0, 1, 3), new PartitionInfo(1, 1, 0));
    private static final List<PartitionInfo> CHURN_FULL =
            List.of(new PartitionInfo(0, 1, 5), new PartitionInfo(1, 1, 5), new PartitionInfo(2, 1, 5));
    private static final List<PartitionInfo> CHURN_EMPTIED =
            List.of(new PartitionInfo(0, 6, 5), new PartitionInfo(1, 6, 5), new PartitionInfo(2, 6, 5));

    @TempDir
    Path dir;

    @Test
    void topicsNeverFailAndShowOneMomentWhileAnotherProcessCreatesAndDropsTables() throws Exception {
        try (KliteLog log = openWithTopics()) {
            Set<String> seen = new HashSet<>();
            int calls = 0;
            try (TableChurn churn = TableChurn.start(log.path())) {
                for (long start = System.nanoTime(); calls < MIN_CALLS || seen.size() < 3; calls++) {
                    if (System.nanoTime() - start > MAX_NANOS) {
                        break;
                    }
                    List<TopicInfo> topics = log.topics();
                    assertThat(topics).extracting(TopicInfo::topic).contains("orders", "lockstep")
                            .isSorted().doesNotHaveDuplicates();
                    assertThat(partitions(topics, "orders")).isEqualTo(ORDERS);
                    seen.add(churnState(partitions(topics, "churn")));
                    assertLockstep(partitions(topics, "lockstep").get(0), partitions(topics, "lockstep").get(1));
                }
                assertThat(churn.stop()).as("turns of the other process").isGreaterThanOrEqualTo(3);
            }
            assertThat(seen).as("states of topic churn seen in %d calls", calls)
                    .containsExactlyInAnyOrder("absent", "full", "emptied");
        }
    }

    @Test
    void groupPartitionsNeverFailAndShowOneMomentWhileAnotherProcessCreatesAndDropsTables() throws Exception {
        try (KliteLog log = openWithTopics()) {
            log.commit("billing", "orders", 0, 2);
            log.commit("billing", "lockstep", 0, 0);
            log.commit("billing", "lockstep", 1, 0);
            Set<String> seen = new HashSet<>();
            int calls = 0;
            try (TableChurn churn = TableChurn.start(log.path())) {
                for (long start = System.nanoTime(); calls < MIN_CALLS || seen.size() < 3; calls++) {
                    if (System.nanoTime() - start > MAX_NANOS) {
                        break;
                    }
                    List<GroupPartition> rows = calls % 2 == 0 ? log.groupPartitions() : concat(
                            log.groupPartitions("billing"), log.groupPartitions("churner"));
                    assertThat(rows).filteredOn(row -> row.topic().equals("orders"))
                            .containsExactly(new GroupPartition("billing", "orders", 0, 2L, 1, 3, null));
                    List<GroupPartition> lockstep = rows.stream().filter(row -> row.topic().equals("lockstep"))
                            .toList();
                    assertThat(lockstep).extracting(GroupPartition::partition).containsExactly(0, 1);
                    assertLockstep(new PartitionInfo(0, lockstep.get(0).startOffset(), lockstep.get(0).endOffset()),
                            new PartitionInfo(1, lockstep.get(1).startOffset(), lockstep.get(1).endOffset()));
                    List<GroupPartition> churned = rows.stream().filter(row -> row.group().equals("churner"))
                            .toList();
                    assertThat(churned).allSatisfy(row -> assertThat(row.committedOffset()).isEqualTo(2L));
                    seen.add(churnState(churned.isEmpty() ? null : churned.stream()
                            .map(row -> new PartitionInfo(row.partition(), row.startOffset(), row.endOffset()))
                            .toList()));
                }
                assertThat(churn.stop()).as("turns of the other process").isGreaterThanOrEqualTo(3);
            }
            assertThat(seen).as("states of topic churn seen in %d calls", calls)
                    .containsExactlyInAnyOrder("absent", "full", "emptied");
        }
    }

    @Test
    void listingTopicsAndGroupsWritesNothingToTablesAnotherProgramCreated() throws Exception {
        Path file = dir.resolve("seed.db");
        try (Jdbc other = new Jdbc(file)) {
            other.createSeedPartition("clicks_0");
            other.exec("INSERT INTO clicks_0 (data) VALUES ('a'), ('b')");
        }
        try (KliteLog log = KliteLog.open(file)) {
            try (Jdbc other = new Jdbc(file)) {
                other.exec("INSERT INTO consumer_offsets (consumer_group, topic, partition, commit_offset)"
                        + " VALUES ('seed', 'clicks', 0, 1)");
            }
            long schemaVersion = schemaVersion(file);

            assertThat(log.topics()).containsExactly(new TopicInfo("clicks", List.of(new PartitionInfo(0, 1, 2))));
            assertThat(log.groupPartitions()).containsExactly(
                    new GroupPartition("seed", "clicks", 0, 1L, 1, 2, null));
            assertThat(log.groupPartitions("seed")).hasSize(1);
            assertThat(log.groups()).containsExactly(new GroupOffset("seed", "clicks", 0, 1, 2));

            assertThat(schemaVersion(file)).as("no table altered").isEqualTo(schemaVersion);
            try (Jdbc jdbc = new Jdbc(file)) {
                assertThat(jdbc.strings("SELECT name FROM pragma_table_info('clicks_0')"))
                        .containsExactly("id", "data", "created");
            }
        }
    }

    /**
     * Each read transaction ends before its connection goes back to the pool, also where its work failed: the next
     * call sees what was written since, and nothing holds the WAL (a {@code TRUNCATE} checkpoint completes).
     */
    @Test
    void eachCallReadsTheFileAsItIsNowAndLeavesNoTransactionOpen() throws Exception {
        try (KliteLog log = openWithTopics()) {
            log.commit("billing", "orders", 0, 1);
            assertThat(log.topics()).hasSize(2);
            assertThat(log.groupPartitions()).hasSize(1);
            Database db = log.database();
            for (int i = 0; i < 3; i++) {
                assertThat(catchThrowable(() -> db.readTransaction(conn -> {
                    ConsumerOffsets.committedIn(conn);
                    throw new IllegalStateException("work failed after a read");
                }))).hasMessage("work failed after a read");
            }

            log.send("orders", 1, "d");
            log.commit("billing", "orders", 0, 3);
            assertThat(partitions(log.topics(), "orders"))
                    .containsExactly(new PartitionInfo(0, 1, 3), new PartitionInfo(1, 1, 1));
            assertThat(log.groupPartitions())
                    .containsExactly(new GroupPartition("billing", "orders", 0, 3L, 1, 3, null));
            try (Jdbc jdbc = new Jdbc(log.path())) {
                assertThat(jdbc.rows("PRAGMA wal_checkpoint(TRUNCATE)").get(0).get("busy"))
                        .as("a reader holding a snapshot would keep the checkpoint from finishing").isEqualTo(0);
            }
        }
    }

    /** A log on a new file with topics "orders" (2 partitions, 3 messages in 0) and "lockstep" (2 partitions). */
    private KliteLog openWithTopics() {
        KliteLog log = KliteLog.open(dir.resolve("klite.db"));
        log.createTopic("orders", 2);
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        log.createTopic("lockstep", 2);
        return log;
    }

    private static List<PartitionInfo> partitions(List<TopicInfo> topics, String topic) {
        return topics.stream().filter(t -> t.topic().equals(topic)).map(TopicInfo::partitions).findFirst()
                .orElse(null);
    }

    /** Which of the states the other process leaves topic churn in these partitions are; fails for any other. */
    private static String churnState(List<PartitionInfo> partitions) {
        if (partitions == null) {
            return "absent";
        }
        assertThat(partitions).as("topic churn").isIn(CHURN_FULL, CHURN_EMPTIED);
        return partitions.equals(CHURN_FULL) ? "full" : "emptied";
    }

    /** lockstep's partitions are written in the same transactions: the same offsets, each empty or holding one row. */
    private static void assertLockstep(PartitionInfo first, PartitionInfo second) {
        assertThat(second.startOffset()).as("start offsets of %s and %s", first, second)
                .isEqualTo(first.startOffset());
        assertThat(second.endOffset()).as("end offsets of %s and %s", first, second).isEqualTo(first.endOffset());
        assertThat(first.startOffset()).isBetween(first.endOffset(), first.endOffset() + 1);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static long schemaVersion(Path file) throws Exception {
        try (Jdbc jdbc = new Jdbc(file)) {
            return jdbc.count("PRAGMA schema_version");
        }
    }
}
