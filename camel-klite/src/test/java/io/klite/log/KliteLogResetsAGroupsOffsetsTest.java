package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin's reset of a group on several partitions of a topic ({@link KliteLog#resetOffsets}): one transaction that
 * moves each exactly, refused while live members of the group consume the topic, and, forced, revoking the reset
 * partitions' leases so that the holder's next commit is refused.
 */
class KliteLogResetsAGroupsOffsetsTest extends LogTestSupport {

    private static final Duration SESSION = Duration.ofSeconds(30);

    @BeforeEach
    void threePartitions() {
        log.createTopic("orders", 3);
        log.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e", "f"));
        log.sendBatch("orders", 1, List.of("a", "b", "c", "d"));
        log.sendBatch("orders", 2, List.of("a", "b", "c"));
        log.commit("billing", "orders", 0, 5);
        log.commit("billing", "orders", 2, 2);
    }

    @Test
    void aResetMovesEachGivenPartitionExactlyAndAnswersWhatItHadBefore() {
        Map<Integer, Long> before = log.resetOffsets("billing", "orders", Map.of(0, 1L, 1, 3L), false);

        assertThat(before).as("partition 1 had no commit").containsExactly(Map.entry(0, 5L), Map.entry(1, 0L));
        assertThat(log.committed("billing", "orders", 0)).hasValue(1);
        assertThat(log.committed("billing", "orders", 1)).hasValue(3);
        assertThat(log.committed("billing", "orders", 2)).as("not given: untouched").hasValue(2);
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset)
                .containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(log.fetch("billing", "orders", 1, 10)).extracting(Message::offset).containsExactly(4L);

        // forwards, to each end, and to 0 (from the start)
        log.resetOffsets("billing", "orders", Map.of(0, 6L, 1, 0L, 2, 3L), false);
        assertThat(log.groups()).extracting(GroupOffset::partition, GroupOffset::committedOffset)
                .containsExactly(tuple(0, 6L), tuple(1, 0L), tuple(2, 3L));
    }

    @Test
    void anOffsetOutOfRangeRefusesTheWholeResetAndWritesNothing() {
        assertThatThrownBy(() -> log.resetOffsets("billing", "orders", Map.of(0, 1L, 1, 5L), false))
                .isInstanceOf(InvalidOffsetException.class)
                .hasMessage("Cannot commit offset 5 for group 'billing' on orders-1: an offset is that of the last message"
                            + " processed, 0..4 (the partition's end offset is 4)");
        assertThatThrownBy(() -> log.resetOffsets("billing", "orders", Map.of(0, 1L, 1, -1L), false))
                .isInstanceOf(InvalidOffsetException.class);
        assertThatThrownBy(() -> log.resetOffsets("billing", "orders", Map.of(0, 1L, 3, 0L), false))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("Partition 3");
        assertThatThrownBy(() -> log.resetOffsets("billing", "payments", Map.of(0, 0L), false))
                .isInstanceOf(UnknownTopicException.class)
                .hasMessage("Cannot reset the offsets of group 'billing' on topic 'payments': the topic does not exist");
        assertThatThrownBy(() -> log.resetOffsets("billing", "orders", Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no partition given");
        assertThatThrownBy(() -> log.resetOffsets(" ", "orders", Map.of(0, 0L), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid consumer group ' '");

        assertThat(log.committed("billing", "orders", 0)).hasValue(5);
        assertThat(log.committed("billing", "orders", 1)).isEmpty();
        assertThat(log.committed("billing", "payments", 0)).isEmpty();
    }

    @Test
    void aResetIsRefusedWhileALiveMemberOfTheGroupConsumesTheTopicAndWritesNothing() {
        // a member that holds none of the partitions reset still consumes the topic: it may take them any moment
        log.heartbeat("billing", "orders", "m1", "host-a pid 1", List.of(), SESSION);
        assertThat(log.acquireLease("billing", "orders", 2, "m1", SESSION)).isTrue();
        // members of another group, or of the group on another topic, do not hold a reset back
        log.heartbeat("audit", "orders", "other-group", "", List.of(), SESSION);
        log.send("payments", 0, "x");
        log.heartbeat("billing", "payments", "other-topic", "", List.of(), SESSION);

        assertThatThrownBy(() -> log.resetOffsets("billing", "orders", Map.of(0, 1L), false))
                .isInstanceOf(GroupNotEmptyException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot reset the offsets of group 'billing' on topic 'orders': 1 live member(s) consume it"
                            + " with the group: m1 (host-a pid 1) on topic 'orders'; stop them first (a stopped member"
                            + " leaves at once; a killed one counts as live until its session timeout has passed), or"
                            + " force the reset, which revokes their leases of the partitions reset: the holder's next"
                            + " commit is refused and it delivers again from the new offset");
        assertThat(log.committed("billing", "orders", 0)).hasValue(5);
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::partition).containsExactly(2);

        log.leaveGroup("billing", "orders", "m1");
        assertThat(log.resetOffsets("billing", "orders", Map.of(0, 1L), false)).containsExactly(Map.entry(0, 5L));
        assertThat(log.committed("billing", "orders", 0)).hasValue(1);
    }

    @Test
    void aMemberDeadPastItsSessionDoesNotHoldAResetBack() {
        log.heartbeat("billing", "orders", "killed", "", List.of(), Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.liveMembers("billing", "orders").isEmpty());

        log.resetOffsets("billing", "orders", Map.of(0, 0L), false);

        assertThat(log.committed("billing", "orders", 0)).hasValue(0);
    }

    @Test
    void aForcedResetRevokesTheResetPartitionsLeasesSoTheHoldersNextCommitIsRefused() {
        log.heartbeat("billing", "orders", "holder", "host-a pid 1", List.of(), SESSION);
        for (int partition = 0; partition < 3; partition++) {
            assertThat(log.acquireLease("billing", "orders", partition, "holder", SESSION)).isTrue();
        }
        log.commit("billing", "orders", 0, 6, "holder");

        Map<Integer, Long> before = log.resetOffsets("billing", "orders", Map.of(0, 2L, 1, 1L), true);

        assertThat(before).containsExactly(Map.entry(0, 6L), Map.entry(1, 0L));
        assertThat(log.committed("billing", "orders", 0)).hasValue(2);
        assertThat(log.leases("billing", "orders")).as("only the reset partitions' leases go")
                .extracting(PartitionLease::partition, PartitionLease::memberId).containsExactly(tuple(2, "holder"));
        assertThat(log.liveMembers("billing", "orders")).as("the member stays; it takes the partitions again")
                .extracting(Member::memberId).containsExactly("holder");
        // the holder, still delivering from where it stood, is fenced off
        assertThatThrownBy(() -> log.commit("billing", "orders", 0, 6, "holder"))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("member holder does not hold the partition's lease any more (it expired, or a"
                                      + " forced reset of the group's offsets revoked it)");
        assertThat(log.committed("billing", "orders", 0)).hasValue(2);
        assertThat(log.heartbeat("billing", "orders", "holder", "host-a pid 1", List.of(), SESSION))
                .as("a heartbeat does not bring a revoked lease back").containsExactly(2);
        log.commit("billing", "orders", 2, 3, "holder");

        // taken again, the partition is delivered from the reset
        assertThat(log.acquireLease("billing", "orders", 0, "holder", SESSION)).isTrue();
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(3L, 4L, 5L, 6L);
        log.commit("billing", "orders", 0, 3, "holder");
        assertThat(log.committed("billing", "orders", 0)).hasValue(3);
    }
}
