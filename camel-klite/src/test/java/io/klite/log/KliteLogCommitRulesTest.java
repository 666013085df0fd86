package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain commit never moves a group backwards and never past the partition's end; a reset may go back; groups
 * are independent; a fetch starts after the committed offset.
 */
class KliteLogCommitRulesTest extends LogTestSupport {

    @BeforeEach
    void createTopics() {
        log.sendBatch("orders", 0, List.of("1", "2", "3", "4", "5"));
    }

    @Test
    void aGroupWithoutCommitsStartsAtTheBeginning() {
        assertThat(log.committed("billing", "orders", 0)).isEmpty();
        assertThat(log.fetch("billing", "orders", 0, 2)).extracting(Message::offset).containsExactly(1L, 2L);
        assertThat(log.fetch("billing", "orders", 0, 2)).extracting(Message::offset).containsExactly(1L, 2L);
    }

    @Test
    void fetchResumesAfterTheCommittedOffset() {
        log.commit("billing", "orders", 0, 3);
        assertThat(log.committed("billing", "orders", 0)).hasValue(3);
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(4L, 5L);
    }

    @Test
    void aPlainCommitNeverMovesBackwards() {
        log.commit("billing", "orders", 0, 4);
        log.commit("billing", "orders", 0, 2);
        log.commit("billing", "orders", 0, 4);
        assertThat(log.committed("billing", "orders", 0)).hasValue(4);
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(5L);
    }

    @Test
    void aCommitPastTheEndIsRefusedAndWritesNothing() {
        log.commit("billing", "orders", 0, 2);
        assertThatThrownBy(() -> log.commit("billing", "orders", 0, 6))
                .isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("offset 6")
                .hasMessageContaining("0..5")
                .hasMessageContaining("billing");
        assertThatThrownBy(() -> log.commit("billing", "orders", 0, -1))
                .isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("offset -1");
        assertThatThrownBy(() -> log.commit("fresh", "orders", 0, 99))
                .isInstanceOf(InvalidOffsetException.class);
        assertThat(log.committed("billing", "orders", 0)).hasValue(2);
        assertThat(log.committed("fresh", "orders", 0)).isEmpty();
    }

    @Test
    void committingOnAnEmptyPartitionAcceptsOnlyZero() {
        log.createTopic("quiet", 2);
        log.commit("billing", "quiet", 1, 0);
        assertThat(log.committed("billing", "quiet", 1)).hasValue(0);
        assertThatThrownBy(() -> log.commit("billing", "quiet", 1, 1))
                .isInstanceOf(InvalidOffsetException.class)
                .hasMessageContaining("0..0");
    }

    @Test
    void committingOnAnUnknownTopicOrPartitionIsRefusedAndWritesNothing() {
        assertThatThrownBy(() -> log.commit("billing", "unknown-topic", 0, 0))
                .isInstanceOf(UnknownTopicException.class)
                .hasMessageContaining("topic 'unknown-topic' does not exist");
        assertThatThrownBy(() -> log.resetOffset("billing", "orders", 7, 0))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("Partition 7")
                .hasMessageContaining("1 partition (valid: 0)");
        assertThat(log.committed("billing", "unknown-topic", 0)).isEmpty();
        assertThat(log.groups()).isEmpty();
    }

    @Test
    void concurrentCommitsOfOneGroupKeepTheHighestOffset() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> committers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                committers.add(pool.submit(() -> {
                    // every thread walks through all offsets in its own order, late ones included
                    for (int i = 0; i < 200; i++) {
                        log.commit("billing", "orders", 0, (i * 7 + thread) % 6);
                    }
                    return null;
                }));
            }
            for (Future<?> committer : committers) {
                committer.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.committed("billing", "orders", 0)).hasValue(5);
    }

    @Test
    void aResetMovesBackwardsAndForwards() {
        log.commit("billing", "orders", 0, 5);
        log.resetOffset("billing", "orders", 0, 1);
        assertThat(log.committed("billing", "orders", 0)).hasValue(1);
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(2L, 3L, 4L, 5L);
        log.resetOffset("billing", "orders", 0, 0);
        assertThat(log.fetch("billing", "orders", 0, 1)).extracting(Message::offset).containsExactly(1L);
        log.resetOffset("billing", "orders", 0, log.endOffset("orders", 0));
        assertThat(log.fetch("billing", "orders", 0, 10)).isEmpty();
        assertThatThrownBy(() -> log.resetOffset("billing", "orders", 0, 6))
                .isInstanceOf(InvalidOffsetException.class);
    }

    @Test
    void groupsAreIndependent() {
        log.commit("billing", "orders", 0, 4);
        log.commit("analytics", "orders", 0, 1);
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(5L);
        assertThat(log.fetch("analytics", "orders", 0, 10)).extracting(Message::offset)
                .containsExactly(2L, 3L, 4L, 5L);
        assertThat(log.fetch("audit", "orders", 0, 10)).hasSize(5);
        log.resetOffset("analytics", "orders", 0, 0);
        assertThat(log.committed("billing", "orders", 0)).hasValue(4);
    }
}
