package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The file as a group's coordinator (DESIGN §9), first step: members with heartbeats, one lease holder per partition,
 * leases that expire without heartbeats, a clean leave that frees them at once, and commits fenced by the lease.
 */
class KliteLogLeasesPartitionsToOneMemberTest extends LogTestSupport {

    private static final Duration SESSION = Duration.ofSeconds(15);

    @Test
    void aPartitionIsLeasedToOneMemberAtATimeAndHeartbeatsKeepIt() {
        log.createTopic("orders", 2);

        assertThat(log.acquireLease("billing", "orders", 0, "a", SESSION)).isTrue();
        assertThat(log.acquireLease("billing", "orders", 0, "b", SESSION)).isFalse();
        assertThat(log.acquireLease("billing", "orders", 1, "b", SESSION)).isTrue();
        assertThat(log.acquireLease("billing", "orders", 0, "a", SESSION)).as("renewed by its holder").isTrue();
        // another group's leases are its own
        assertThat(log.acquireLease("audit", "orders", 0, "b", SESSION)).isTrue();

        assertThat(log.heartbeat("billing", "orders", "a", "host-a pid 1", List.of(), SESSION)).containsExactly(0);
        assertThat(log.heartbeat("billing", "orders", "b", "host-b pid 2", List.of(), SESSION)).containsExactly(1);
        assertThat(log.liveMembers("billing", "orders")).extracting(Member::memberId, Member::description)
                .containsExactly(tuple("a", "host-a pid 1"),
                        tuple("b", "host-b pid 2"));
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::partition, PartitionLease::memberId)
                .containsExactly(tuple(0, "a"), tuple(1, "b"));
    }

    @Test
    void aLeaseWithoutHeartbeatsExpiresAndAnotherMemberTakesIt() {
        Duration short_ = Duration.ofMillis(300);
        log.createTopic("orders", 1);
        assertThat(log.acquireLease("billing", "orders", 0, "a", short_)).isTrue();
        log.heartbeat("billing", "orders", "a", "", List.of(), short_);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.acquireLease("billing", "orders", 0, "b", short_));

        assertThat(log.liveMembers("billing", "orders")).extracting(Member::memberId).doesNotContain("a");
        assertThat(log.heartbeat("billing", "orders", "a", "", List.of(), short_)).as("a late heartbeat gets no lease back")
                .isEmpty();
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::memberId).containsExactly("b");
    }

    @Test
    void aCommitOfAMemberThatLostItsLeaseIsRefusedAndWritesNothing() {
        // long enough for the first commit on a loaded machine, short enough to wait for
        Duration short_ = Duration.ofSeconds(2);
        log.sendBatch("orders", 0, List.of("a", "b", "c", "d"));
        assertThat(log.acquireLease("billing", "orders", 0, "paused", short_)).isTrue();
        log.commit("billing", "orders", 0, 1, "paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.acquireLease("billing", "orders", 0, "owner", SESSION));
        log.commit("billing", "orders", 0, 2, "owner");

        assertThatThrownBy(() -> log.commit("billing", "orders", 0, 4, "paused"))
                .isInstanceOf(LeaseLostException.class)
                .hasMessage("Cannot commit offset 4 for group 'billing' on topic 'orders' partition 0: member paused"
                            + " does not hold the partition's lease any more (member owner holds it); nothing was"
                            + " written; the lease's holder delivers from the last commit");
        assertThat(log.committed("billing", "orders", 0)).hasValue(2);
        assertThatThrownBy(() -> log.commit("billing", "orders", 0, 3, "stranger"))
                .isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aMemberThatLeavesFreesItsPartitionsAtOnce() {
        log.createTopic("orders", 2);
        log.heartbeat("billing", "orders", "a", "", List.of(), SESSION);
        log.acquireLease("billing", "orders", 0, "a", SESSION);
        log.acquireLease("billing", "orders", 1, "a", SESSION);

        log.releaseLease("billing", "orders", 1, "a");
        assertThat(log.acquireLease("billing", "orders", 1, "b", SESSION)).isTrue();
        log.releaseLease("billing", "orders", 1, "a");
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::memberId).containsExactly("a", "b");

        log.leaveGroup("billing", "orders", "a");

        assertThat(log.acquireLease("billing", "orders", 0, "b", SESSION)).isTrue();
        assertThat(log.liveMembers("billing", "orders")).isEmpty();
        log.deleteGroup("billing");
        assertThat(log.leases("billing", "orders")).isEmpty();
    }

    @Test
    void membersRacingForOneLeaseGetItOnce() throws Exception {
        log.createTopic("orders", 1);
        ExecutorService members = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tries = new ArrayList<>();
            for (int m = 0; m < 8; m++) {
                String member = "m" + m;
                tries.add(() -> log.acquireLease("billing", "orders", 0, member, SESSION));
            }
            int winners = 0;
            for (Future<Boolean> won : members.invokeAll(tries)) {
                winners += won.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            members.shutdownNow();
        }
    }

    @Test
    void theGroupsViewShowsLiveMembersWithThePartitionsEachHolds() {
        log.createTopic("orders", 3);
        log.heartbeat("billing", "orders", "a", "host-a pid 1", List.of(), SESSION);
        log.heartbeat("billing", "orders", "b", "host-b pid 2", List.of(2), Duration.ofSeconds(20));
        log.acquireLease("billing", "orders", 1, "a", SESSION);
        log.acquireLease("billing", "orders", 0, "a", SESSION);
        log.acquireLease("billing", "orders", 2, "b", SESSION);
        log.heartbeat("audit", "orders", "c", "host-c pid 3", List.of(), SESSION);

        assertThat(log.liveMembers()).extracting(Member::group, Member::memberId, Member::assigned,
                Member::sessionTimeout, Member::partitions).containsExactly(
                tuple("audit", "c", List.of(), SESSION, List.of()),
                tuple("billing", "a", List.of(), SESSION, List.of(0, 1)),
                tuple("billing", "b", List.of(2), Duration.ofSeconds(20), List.of(2)));
    }

    @Test
    void aDeadMemberIsForgottenAtTheNextHeartbeatOfItsGroup() throws Exception {
        Duration short_ = Duration.ofMillis(200);
        log.createTopic("orders", 1);
        log.heartbeat("billing", "orders", "dead", "", List.of(), short_);
        log.acquireLease("billing", "orders", 0, "dead", short_);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.liveMembers("billing", "orders").isEmpty());
        log.heartbeat("billing", "orders", "alive", "", List.of(), SESSION);

        try (Jdbc file = new Jdbc(dir.resolve("klite.db"))) {
            assertThat(file.rows("SELECT member_id FROM klite_members")).containsExactly(Map.of("member_id", "alive"));
        }
        assertThat(log.leases("billing", "orders")).as("its expired lease is gone too").isEmpty();
    }

    @Test
    void aGroupWithLiveMembersCannotBeDeleted() {
        log.sendBatch("orders", 0, List.of("a", "b"));
        log.commit("billing", "orders", 0, 1);
        log.heartbeat("billing", "orders", "a", "host-a pid 1", List.of(), SESSION);

        assertThatThrownBy(() -> log.deleteGroup("billing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot delete group 'billing': 1 live member(s) consume with it: a (host-a pid 1) on"
                            + " topic 'orders'; stop them first (a stopped member leaves at once; a killed one counts"
                            + " as live until its session timeout has passed)");
        assertThat(log.committed("billing", "orders", 0)).hasValue(1);

        log.leaveGroup("billing", "orders", "a");
        assertThat(log.deleteGroup("billing")).isEqualTo(1);
    }

    @Test
    void aDeadLetterOfAMemberThatLostItsLeaseIsRefusedAndWritesNothing() {
        // long enough for the first commit on a loaded machine, short enough to wait for
        Duration short_ = Duration.ofSeconds(2);
        log.sendBatch("orders", 0, List.of("a", "b"));
        assertThat(log.acquireLease("billing", "orders", 0, "paused", short_)).isTrue();
        List<Message> first = log.read("orders", 0, 0, 1);
        DeadLetter letter = new DeadLetter("billing", "orders", 0, first, "orders.dlq", 1, "java.lang.Exception",
                "boom", java.time.Instant.now());
        await().atMost(Duration.ofSeconds(10)).until(() -> log.acquireLease("billing", "orders", 0, "owner", SESSION));

        assertThatThrownBy(() -> log.deadLetter(letter, "paused")).isInstanceOf(LeaseLostException.class);
        assertThat(log.partitionCount("orders.dlq")).as("the dead-letter topic is made before the check").isEqualTo(1);
        assertThat(log.endOffset("orders.dlq", 0)).isZero();
        assertThat(log.committed("billing", "orders", 0)).isEmpty();

        assertThat(log.deadLetter(letter, "owner")).isEqualTo(1);
        assertThat(log.committed("billing", "orders", 0)).hasValue(1);
    }

    @Test
    void badMemberIdsAndTimeoutsAreRefused() {
        assertThatThrownBy(() -> log.acquireLease("billing", "orders", 0, " ", SESSION))
                .hasMessage("Invalid member id ' ': a member id must not be empty or blank");
        assertThatThrownBy(() -> log.heartbeat("billing", "orders", "a", "", List.of(), Duration.ZERO))
                .hasMessage("Invalid session timeout PT0S: at least 1 ms");
        assertThat(log.leases("billing", "orders")).isEmpty();
    }
}
