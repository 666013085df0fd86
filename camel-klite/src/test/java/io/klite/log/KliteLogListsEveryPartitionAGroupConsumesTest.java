package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An operator sees every partition a group consumes, with how far behind it is, whatever the file knows the group by:
 * a commit, a live member, a lease left by a holder that stopped, or a delivery failing since the group's first
 * message; where the group never committed, the lag is every message still stored.
 */
class KliteLogListsEveryPartitionAGroupConsumesTest extends LogTestSupport {

    @Test
    void aGroupFailingSinceItsFirstMessageShowsItsWholeBacklogAsLag() {
        log.createTopic("orders", 2);
        log.sendBatch("orders", 1, List.of("a", "b", "c", "d"));
        log.deliveryAttempt("billing", "orders", 1, 1, 1, 3, "java.net.ConnectException: Connection refused");

        assertThat(log.groupPartitions()).containsExactly(
                new GroupPartition("billing", "orders", 1, null, 1, 4, null));
        assertThat(log.groupPartitions().get(0).lag()).isEqualTo(4);
        assertThat(log.lag("billing", "orders", 1)).isEqualTo(4);
    }

    @Test
    void lagCountsOnlyTheMessagesStillStoredWhereRetentionDeletedTheOldest() {
        log.sendBatch("orders", 0, List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
        log.commit("slow", "orders", 0, 2);
        log.deliveryAttempt("new", "orders", 0, 1, 1, 1, "down");
        log.configureTopic("orders", new TopicConfig(null, 5L, false));
        assertThat(log.applyRetention("orders")).isEqualTo(5);

        assertThat(log.groupPartitions()).containsExactly(
                new GroupPartition("new", "orders", 0, null, 6, 10, null),
                new GroupPartition("slow", "orders", 0, 2L, 6, 10, null));
        assertThat(log.groupPartitions()).extracting(GroupPartition::lag).containsExactly(5L, 5L);
        assertThat(log.lag("new", "orders", 0)).isEqualTo(5);
        assertThat(log.lag("slow", "orders", 0)).isEqualTo(5);

        log.commit("slow", "orders", 0, 8);
        assertThat(log.lag("slow", "orders", 0)).isEqualTo(2);
        assertThat(log.groupPartitions("slow")).containsExactly(
                new GroupPartition("slow", "orders", 0, 8L, 6, 10, null));
    }

    @Test
    void liveMembersShowThePartitionsTheyHoldWereGivenOrShare() {
        log.createTopic("orders", 3);
        log.createTopic("audit", 2);
        log.sendBatch("orders", 2, List.of("a", "b"));
        // one member takes its share of orders and holds partition 2; another was given audit's partition 1
        log.heartbeat("billing", "orders", "m1", "host pid 1", List.of(), Duration.ofSeconds(30));
        assertThat(log.acquireLease("billing", "orders", 2, "m1", Duration.ofSeconds(30))).isTrue();
        log.heartbeat("billing", "audit", "m2", "host pid 2", List.of(1), Duration.ofSeconds(30));

        assertThat(log.groupPartitions("billing")).containsExactly(
                new GroupPartition("billing", "audit", 1, null, 1, 0, null),
                new GroupPartition("billing", "orders", 0, null, 1, 0, null),
                new GroupPartition("billing", "orders", 1, null, 1, 0, null),
                new GroupPartition("billing", "orders", 2, null, 1, 2, "m1"));
        assertThat(log.lag("billing", "orders", 2)).isEqualTo(2);
    }

    @Test
    void aLeaseLeftByAHolderThatDiedStillShowsItsGroup() {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        assertThat(log.acquireLease("billing", "orders", 0, "dead", Duration.ofMillis(1))).isTrue();
        // the lease has expired (1 ms) and the member never heartbeat: no live member, yet the group shows

        assertThat(log.liveMembers()).isEmpty();
        assertThat(log.groupPartitions()).containsExactly(
                new GroupPartition("billing", "orders", 0, null, 1, 3, null));
    }

    @Test
    void committedGroupsShowAsBeforeAndNothingElseDoes() {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        log.send("audit", 0, "x");
        log.commit("shipping", "orders", 0, 3);
        log.commit("billing", "orders", 0, 1);

        assertThat(log.groupPartitions()).containsExactly(
                new GroupPartition("billing", "orders", 0, 1L, 1, 3, null),
                new GroupPartition("shipping", "orders", 0, 3L, 1, 3, null));
        assertThat(log.groupPartitions()).extracting(GroupPartition::lag).containsExactly(2L, 0L);
        assertThat(log.groupPartitions("nobody")).isEmpty();
        assertThat(log.lag("nobody", "orders", 0)).as("a group that never committed starts from the start")
                .isEqualTo(3);
        assertThat(log.lag("nobody", "missing", 0)).isZero();
        assertThatThrownBy(() -> log.groupPartitions(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
