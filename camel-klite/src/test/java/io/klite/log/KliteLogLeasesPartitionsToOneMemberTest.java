package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

        assertThat(log.heartbeat("billing", "orders", "a", "host-a pid 1", SESSION)).containsExactly(0);
        assertThat(log.heartbeat("billing", "orders", "b", "host-b pid 2", SESSION)).containsExactly(1);
        assertThat(log.liveMembers("billing", "orders", SESSION)).extracting(Member::memberId, Member::description)
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
        log.heartbeat("billing", "orders", "a", "", short_);

        await().atMost(Duration.ofSeconds(10)).until(() -> log.acquireLease("billing", "orders", 0, "b", short_));

        assertThat(log.liveMembers("billing", "orders", short_)).extracting(Member::memberId).doesNotContain("a");
        assertThat(log.heartbeat("billing", "orders", "a", "", short_)).as("a late heartbeat gets no lease back")
                .isEmpty();
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::memberId).containsExactly("b");
    }

    @Test
    void aCommitOfAMemberThatLostItsLeaseIsRefusedAndWritesNothing() {
        Duration short_ = Duration.ofMillis(300);
        log.sendBatch("orders", 0, List.of("a", "b", "c", "d"));
        assertThat(log.acquireLease("billing", "orders", 0, "paused", short_)).isTrue();
        log.commit("billing", "orders", 0, 1, "paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> log.acquireLease("billing", "orders", 0, "owner", short_));
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
        log.heartbeat("billing", "orders", "a", "", SESSION);
        log.acquireLease("billing", "orders", 0, "a", SESSION);
        log.acquireLease("billing", "orders", 1, "a", SESSION);

        log.releaseLease("billing", "orders", 1, "a");
        assertThat(log.acquireLease("billing", "orders", 1, "b", SESSION)).isTrue();
        log.releaseLease("billing", "orders", 1, "a");
        assertThat(log.leases("billing", "orders")).extracting(PartitionLease::memberId).containsExactly("a", "b");

        log.leaveGroup("billing", "orders", "a");

        assertThat(log.acquireLease("billing", "orders", 0, "b", SESSION)).isTrue();
        assertThat(log.liveMembers("billing", "orders", SESSION)).isEmpty();
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
    void badMemberIdsAndTimeoutsAreRefused() {
        assertThatThrownBy(() -> log.acquireLease("billing", "orders", 0, " ", SESSION))
                .hasMessage("Invalid member id ' ': a member id must not be empty or blank");
        assertThatThrownBy(() -> log.heartbeat("billing", "orders", "a", "", Duration.ZERO))
                .hasMessage("Invalid session timeout PT0S: at least 1 ms");
        assertThat(log.leases("billing", "orders")).isEmpty();
    }
}
