package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics with their partitions and start and end offsets, and groups with committed offsets and lag, as an admin sees them. */
class KliteLogListsTopicsAndGroupsTest {

    @TempDir
    Path dir;

    @Test
    void listsTopicsPartitionsEndOffsetsAndGroupLag() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"), LogOptions.DEFAULTS.withDefaultPartitionCount(3))) {
            assertThat(log.topics()).isEmpty();
            assertThat(log.groups()).isEmpty();

            log.send("orders", 2, "auto-created with 3 partitions");
            log.sendBatch("orders", 0, List.of("a", "b"));
            assertThat(log.createTopic("payments", 1)).isEqualTo(1);
            assertThat(log.createTopic("payments", 2)).isEqualTo(2);
            assertThat(log.createTopic("payments", 1)).as("never shrinks").isEqualTo(2);
            log.send("audit.v1_x-y", 0, "odd but valid name");
            log.commit("billing", "orders", 0, 1);
            log.commit("billing", "orders", 2, 1);
            log.commit("analytics", "orders", 0, 2);

            assertThat(log.topics()).containsExactly(
                    new TopicInfo("audit.v1_x-y", List.of(new PartitionInfo(0, 1, 1), new PartitionInfo(1, 1, 0),
                            new PartitionInfo(2, 1, 0))),
                    new TopicInfo("orders", List.of(new PartitionInfo(0, 1, 2), new PartitionInfo(1, 1, 0),
                            new PartitionInfo(2, 1, 1))),
                    new TopicInfo("payments", List.of(new PartitionInfo(0, 1, 0), new PartitionInfo(1, 1, 0))));
            assertThat(log.partitionCount("orders")).isEqualTo(3);
            assertThat(log.partitionCount("nope")).isZero();

            List<GroupOffset> groups = log.groups();
            assertThat(groups).containsExactly(
                    new GroupOffset("analytics", "orders", 0, 2, 2),
                    new GroupOffset("billing", "orders", 0, 1, 2),
                    new GroupOffset("billing", "orders", 2, 1, 1));
            assertThat(groups).extracting(GroupOffset::lag).containsExactly(0L, 1L, 0L);
        }
    }

    @Test
    void aGapBetweenPartitionTablesIsAnEmptyPartitionCreatedWhenFirstWritten() throws Exception {
        Path file = dir.resolve("gap.db");
        try (Jdbc other = new Jdbc(file)) {
            other.createSeedPartition("clicks_0");
            other.createSeedPartition("clicks_3");
            other.exec("CREATE TABLE \"clicks_01\" (id INTEGER PRIMARY KEY)");
            other.exec("CREATE TABLE \"clicks_x\" (id INTEGER PRIMARY KEY)");
        }
        try (KliteLog log = KliteLog.open(file)) {
            assertThat(log.partitionCount("clicks")).isEqualTo(4);
            assertThat(log.topics()).containsExactly(new TopicInfo("clicks", List.of(new PartitionInfo(0, 1, 0),
                    new PartitionInfo(1, 1, 0), new PartitionInfo(2, 1, 0), new PartitionInfo(3, 1, 0))));
            assertThat(log.fetch("g", "clicks", 1, 10)).isEmpty();
            assertThat(log.send("clicks", 1, "fills the gap")).isEqualTo(1);
        }
        try (Jdbc jdbc = new Jdbc(file)) {
            assertThat(jdbc.strings("SELECT name FROM sqlite_master WHERE name LIKE 'clicks%' ORDER BY name"))
                    .containsExactly("clicks_0", "clicks_01", "clicks_1", "clicks_3", "clicks_x");
        }
    }

    @Test
    void aPartitionStartsAtItsOldestStoredMessageAndAfterItsEndWhereEveryOneWasDeleted() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
            log.sendBatch("orders", 0, List.of("a", "b", "c", "d"));
            log.sendBatch("orders", 1, List.of("e", "f"));
            log.configureTopic("orders", new TopicConfig(null, 1L, false));
            log.applyRetention("orders");

            assertThat(log.topics()).containsExactly(new TopicInfo("orders", List.of(new PartitionInfo(0, 4, 4),
                    new PartitionInfo(1, 2, 2), new PartitionInfo(2, 1, 0))));
            try (Jdbc other = new Jdbc(dir.resolve("klite.db"))) {
                other.exec("DELETE FROM orders_0");
                other.exec("DELETE FROM orders_1");
            }

            assertThat(log.topics().get(0).partitions()).containsExactly(new PartitionInfo(0, 5, 4),
                    new PartitionInfo(1, 3, 2), new PartitionInfo(2, 1, 0));
            for (PartitionInfo partition : log.topics().get(0).partitions()) {
                assertThat(partition.startOffset()).isEqualTo(log.startOffset("orders", partition.partition()));
                assertThat(partition.endOffset()).isEqualTo(log.endOffset("orders", partition.partition()));
            }
        }
    }

    @Test
    void listsGroupsOverMorePartitionsThanAConnectionCachesStatements() {
        try (KliteLog log = KliteLog.open(dir.resolve("wide.db"))) {
            int partitions = 600;
            for (String topic : List.of("wide-a", "wide-b")) {
                log.createTopic(topic, partitions);
                for (int p = 0; p < partitions; p++) {
                    log.sendBatch(topic, p, List.of("a", "b"));
                    log.commit("billing", topic, p, 1);
                }
            }
            List<GroupOffset> groups = log.groups();
            assertThat(groups).hasSize(2 * partitions);
            assertThat(groups).allSatisfy(g -> {
                assertThat(g.committedOffset()).isEqualTo(1);
                assertThat(g.endOffset()).isEqualTo(2);
                assertThat(g.lag()).isEqualTo(1);
            });
            assertThat(log.topics()).allSatisfy(t -> assertThat(t.partitions()).hasSize(partitions)
                    .allSatisfy(p -> assertThat(p.endOffset()).isEqualTo(2)));
        }
    }

    @Test
    void aDeletedGroupIsGoneWithItsAttemptsAndTheOtherGroupsStay() {
        try (KliteLog log = KliteLog.open(dir.resolve("delete.db"))) {
            log.createTopic("orders", 2);
            log.createTopic("payments", 1);
            for (int p = 0; p < 2; p++) {
                log.sendBatch("orders", p, List.of("a", "b", "c"));
            }
            log.sendBatch("payments", 0, List.of("x"));
            log.commit("billing", "orders", 0, 1);
            log.commit("billing", "orders", 1, 2);
            log.commit("billing", "payments", 0, 1);
            log.commit("audit", "orders", 0, 3);
            log.deliveryAttempt("billing", "orders", 0, 2, 2, 3, "HTTP 503");
            log.deliveryAttempt("audit", "payments", 0, 1, 1, 1, "timeout");

            assertThat(log.deleteGroup("billing")).isEqualTo(3);

            assertThat(log.groups()).extracting(GroupOffset::group, GroupOffset::topic, GroupOffset::partition,
                    GroupOffset::committedOffset).containsExactly(tuple("audit",
                            "orders", 0, 3L));
            assertThat(log.committed("billing", "orders", 1)).isEmpty();
            assertThat(log.deliveryAttempts()).extracting(DeliveryAttempts::group).containsExactly("audit");
            assertThat(log.deleteGroup("billing")).isZero();
            // a group that starts again under the same name starts from nothing
            assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(1L, 2L, 3L);
        }
    }
}
