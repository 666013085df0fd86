package io.klite.camel.consumer;

import io.klite.log.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which partitions of a topic are a member's share (DESIGN §9): a member with listed partitions ({@code partition=0,1})
 * has those; the others split what the live listed members do not have by Kafka's range assignor: sorted by member
 * id, each gets a contiguous range, the first {@code partitions % members} one more. Every member computes the same
 * answer from the same view of the file; where views differ for a moment, the leases decide.
 */
final class RangeAssignor {

    private RangeAssignor() {
    }

    /**
     * @param memberId       the member whose share it is
     * @param listed         its listed partitions, or empty
     * @param live           the group's live members on the topic (it may be among them)
     * @param partitionCount the topic's partitions
     */
    static Set<Integer> share(String memberId, List<Integer> listed, List<Member> live, int partitionCount) {
        Set<Integer> share = new TreeSet<>();
        if (!listed.isEmpty()) {
            listed.stream().filter(p -> p < partitionCount).forEach(share::add);
            return share;
        }
        Set<Integer> listedByOthers = new TreeSet<>();
        Set<String> sharing = new TreeSet<>();
        sharing.add(memberId);
        for (Member member : live) {
            if (member.assigned().isEmpty()) {
                sharing.add(member.memberId());
            } else if (!member.memberId().equals(memberId)) {
                listedByOthers.addAll(member.assigned());
            }
        }
        List<Integer> free = new ArrayList<>();
        for (int partition = 0; partition < partitionCount; partition++) {
            if (!listedByOthers.contains(partition)) {
                free.add(partition);
            }
        }
        int index = new ArrayList<>(sharing).indexOf(memberId);
        int each = free.size() / sharing.size();
        int extra = free.size() % sharing.size();
        int first = index * each + Math.min(index, extra);
        share.addAll(free.subList(first, first + each + (index < extra ? 1 : 0)));
        return share;
    }
}
