package io.klite.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which partitions the groups a file knows consume, put together from what the file holds about them: committed
 * offsets, live members (the partitions they hold, were given with {@code partition=...}, or share: all of the
 * topic's where they take their share), partition leases (expired ones too: a holder that stopped or died), and
 * failed deliveries not yet committed past (a consumer failing since its first message has nothing else).
 *
 * <p>Invariants: every (group, topic, partition) shows once, sorted by group, topic and partition; a partition beyond
 * its topic's count does not show (a topic that does not exist yet shows the partitions its members were given);
 * {@code committedOffset} is null exactly where the group has no committed offset on the partition; a row's start and
 * end offsets are those the topics list gives its partition, nothing is read here.
 */
final class KnownGroups {

    private KnownGroups() {
    }

    /**
     * @param committed every committed offset
     * @param live      every live member, with the partitions it holds
     * @param leases    every lease, expired ones too
     * @param failing   every failed delivery not committed past
     * @param topics    the topics with their partitions' start and end offsets, read with the rest at one moment
     */
    static List<GroupPartition> of(List<ConsumerOffsets.Committed> committed, List<Member> live,
            List<PartitionLease> leases, List<DeliveryAttempts> failing, List<TopicInfo> topics) {
        Map<String, List<PartitionInfo>> partitionsOf = new HashMap<>();
        topics.forEach(topic -> partitionsOf.put(topic.topic(), topic.partitions()));

        // group, topic, partition -> committed offset (null where none)
        TreeMap<Key, Long> known = new TreeMap<>();
        committed.forEach(offset -> known.put(new Key(offset.group(), offset.topic(), offset.partition()),
                offset.offset()));
        Map<Key, String> holders = new HashMap<>();
        for (Member member : live) {
            List<Integer> partitions = new ArrayList<>(member.partitions());
            partitions.addAll(member.assigned());
            if (member.assigned().isEmpty()) {
                for (PartitionInfo partition : partitionsOf.getOrDefault(member.topic(), List.of())) {
                    partitions.add(partition.partition());
                }
            }
            partitions.forEach(partition -> known.putIfAbsent(new Key(member.group(), member.topic(), partition), null));
            member.partitions().forEach(partition -> holders.put(new Key(member.group(), member.topic(), partition),
                    member.memberId()));
        }
        leases.forEach(lease -> known.putIfAbsent(new Key(lease.group(), lease.topic(), lease.partition()), null));
        failing.forEach(failed -> known.putIfAbsent(new Key(failed.group(), failed.topic(), failed.partition()), null));

        List<GroupPartition> rows = new ArrayList<>(known.size());
        known.forEach((key, offset) -> {
            List<PartitionInfo> partitions = partitionsOf.get(key.topic());
            if (partitions == null) {
                rows.add(new GroupPartition(key.group(), key.topic(), key.partition(), offset, 1, 0, holders.get(key)));
            } else if (key.partition() < partitions.size()) {
                PartitionInfo partition = partitions.get(key.partition());
                rows.add(new GroupPartition(key.group(), key.topic(), key.partition(), offset,
                        partition.startOffset(), partition.endOffset(), holders.get(key)));
            }
        });
        return rows;
    }

    private record Key(String group, String topic, int partition) implements Comparable<Key> {

        @Override
        public int compareTo(Key other) {
            int byGroup = group.compareTo(other.group);
            if (byGroup != 0) {
                return byGroup;
            }
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }
}
