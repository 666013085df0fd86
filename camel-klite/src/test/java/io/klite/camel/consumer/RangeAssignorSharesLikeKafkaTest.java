package io.klite.camel.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each member's share of a topic's partitions: Kafka's range assignment over the members without listed partitions,
 * sorted by id, over the partitions no live listed member has; together the shares cover every partition once.
 */
class RangeAssignorSharesLikeKafkaTest {

    @Test
    void sixPartitionsAmongThreeMembersAreTwoEachInIdOrder() {
        List<Member> live = members("b", "c", "a");

        assertThat(RangeAssignor.share("a", List.of(), live, 6)).containsExactly(0, 1);
        assertThat(RangeAssignor.share("b", List.of(), live, 6)).containsExactly(2, 3);
        assertThat(RangeAssignor.share("c", List.of(), live, 6)).containsExactly(4, 5);
    }

    @Test
    void theFirstMembersGetOneMoreWhereTheCountDoesNotDivide() {
        List<Member> live = members("a", "b", "c");

        assertThat(RangeAssignor.share("a", List.of(), live, 7)).containsExactly(0, 1, 2);
        assertThat(RangeAssignor.share("b", List.of(), live, 7)).containsExactly(3, 4);
        assertThat(RangeAssignor.share("c", List.of(), live, 7)).containsExactly(5, 6);
        assertThat(RangeAssignor.share("c", List.of(), live, 2)).as("more members than partitions").isEmpty();
    }

    @Test
    void aMemberNotYetSeenAmongTheLiveOnesCountsItself() {
        assertThat(RangeAssignor.share("b", List.of(), members("a"), 4)).containsExactly(2, 3);
    }

    @Test
    void partitionsListedForLiveMembersAreLeftOutOfTheRanges() {
        List<Member> live = Stream.concat(members("a", "b").stream(),
                Stream.of(member("m", List.of(0, 1)))).toList();

        assertThat(RangeAssignor.share("a", List.of(), live, 6)).containsExactly(2, 3);
        assertThat(RangeAssignor.share("b", List.of(), live, 6)).containsExactly(4, 5);
        assertThat(RangeAssignor.share("m", List.of(0, 1), live, 6)).containsExactly(0, 1);
        assertThat(RangeAssignor.share("m", List.of(0, 9), live, 6)).as("a listed partition the topic lacks")
                .containsExactly(0);
    }

    private static List<Member> members(String... ids) {
        return Stream.of(ids).map(id -> member(id, List.of())).toList();
    }

    private static Member member(String id, List<Integer> assigned) {
        return new Member("billing", "orders", id, "host pid 1", assigned, Duration.ofSeconds(15), Instant.EPOCH,
                Instant.EPOCH, List.of());
    }
}
