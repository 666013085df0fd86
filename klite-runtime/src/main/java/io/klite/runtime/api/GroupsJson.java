package io.klite.runtime.api;

import io.klite.log.GroupOffset;
import io.klite.log.Limits;
import io.klite.log.Member;
import io.klite.log.PartitionInfo;
import io.klite.log.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the groups' answers show, worked out once ({@link #of}) and written two ways: {@code GET /groups}, one row per
 * group, topic and partition, {@code {"group","topic","partition","committedOffset","endOffset","lag","memberId",
 * "members"}}, sorted by group, topic and partition ({@link #list}); and {@code GET /groups/{group}}, the group's
 * topics, each {@code {"topic","partitions":[{"partition","committedOffset","endOffset","lag","memberId"}],
 * "members":[...]}} ({@link #describe}).
 *
 * <p>Invariants: a partition shows where the group committed on it, or where a live member of the group on that topic
 * holds its lease, was given it ({@code partition=...}), or shares the whole topic (a consumer without
 * {@code partition}); a group shows where it has one such partition, that is a commit or a live member.
 * {@code memberId} is the live member that holds the partition's lease, {@code null} where none does;
 * {@code members} lists every live member of the group on the topic, holders and standbys alike. A partition without
 * a commit stands at 0, where a group without one starts ({@code autoOffsetReset=latest} commits its start at once).
 */
final class GroupsJson {

    private GroupsJson() {
    }

    /**
     * A group on one topic: the partitions it shows, with committed and end offsets, and its live members there.
     *
     * @param partitions by partition
     * @param members    by member id
     */
    record GroupTopic(String group, String topic, List<GroupOffset> partitions, List<Member> members) {

        /** The live member holding the partition's lease, or null. */
        String holder(int partition) {
            return members.stream().filter(m -> m.partitions().contains(partition)).map(Member::memberId)
                    .findFirst().orElse(null);
        }
    }

    /**
     * Every group on every topic it shows on, sorted by group and topic.
     *
     * @param offsets the committed offsets, {@code KliteLog.groups()}
     * @param members the live members of every group, {@code KliteLog.liveMembers()}
     * @param topics  the topics with their end offsets, {@code KliteLog.topics()}
     */
    static List<GroupTopic> of(List<GroupOffset> offsets, List<Member> members, List<TopicInfo> topics) {
        Map<List<String>, List<Member>> membersOf = new HashMap<>();
        for (Member member : members) {
            membersOf.computeIfAbsent(List.of(member.group(), member.topic()), k -> new ArrayList<>()).add(member);
        }
        Map<String, TreeMap<Integer, Long>> ends = new HashMap<>();
        for (TopicInfo topic : topics) {
            TreeMap<Integer, Long> byPartition = new TreeMap<>();
            for (PartitionInfo partition : topic.partitions()) {
                byPartition.put(partition.partition(), partition.endOffset());
            }
            ends.put(topic.topic(), byPartition);
        }

        // group and topic -> partition -> committed offset (0 where the partition shows for a member only)
        Map<List<String>, TreeMap<Integer, Long>> rows = new TreeMap<>(GroupsJson::compareGroupAndTopic);
        for (GroupOffset offset : offsets) {
            rows.computeIfAbsent(List.of(offset.group(), offset.topic()), k -> new TreeMap<>())
                    .put(offset.partition(), offset.committedOffset());
        }
        membersOf.forEach((groupAndTopic, live) -> {
            TreeMap<Integer, Long> partitions = rows.computeIfAbsent(groupAndTopic, k -> new TreeMap<>());
            TreeMap<Integer, Long> topicEnds = ends.getOrDefault(groupAndTopic.get(1), new TreeMap<>());
            for (int partition : consumed(live, topicEnds.isEmpty() ? 0 : topicEnds.lastKey() + 1)) {
                partitions.putIfAbsent(partition, 0L);
            }
        });

        List<GroupTopic> groups = new ArrayList<>();
        rows.forEach((groupAndTopic, partitions) -> {
            String group = groupAndTopic.get(0);
            String topic = groupAndTopic.get(1);
            Map<Integer, Long> topicEnds = ends.getOrDefault(topic, new TreeMap<>());
            List<GroupOffset> shown = new ArrayList<>();
            partitions.forEach((partition, committed) -> shown.add(new GroupOffset(group, topic, partition, committed,
                    topicEnds.getOrDefault(partition, 0L))));
            groups.add(new GroupTopic(group, topic, shown, membersOf.getOrDefault(groupAndTopic, List.of())));
        });
        return groups;
    }

    /** The answer of {@code GET /groups}: a row per group, topic and partition. */
    static List<Map<String, Object>> list(List<GroupTopic> groups) {
        List<Map<String, Object>> answer = new ArrayList<>();
        for (GroupTopic groupTopic : groups) {
            List<Map<String, Object>> members = members(groupTopic);
            for (GroupOffset offset : groupTopic.partitions()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("group", offset.group());
                json.put("topic", offset.topic());
                json.putAll(partition(groupTopic, offset));
                json.put("members", members);
                answer.add(json);
            }
        }
        return answer;
    }

    /**
     * The answer of {@code GET /groups/{group}}: the group's topics with their partitions and live members; null where
     * the group shows on none (it has no commit and no live member).
     */
    static Map<String, Object> describe(String group, List<GroupTopic> groups) {
        List<Map<String, Object>> topics = new ArrayList<>();
        for (GroupTopic groupTopic : groups) {
            if (groupTopic.group().equals(group)) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("topic", groupTopic.topic());
                json.put("partitions", groupTopic.partitions().stream().map(offset -> partition(groupTopic, offset))
                        .toList());
                json.put("members", members(groupTopic));
                topics.add(json);
            }
        }
        if (topics.isEmpty()) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", group);
        json.put("topics", topics);
        return json;
    }

    private static Map<String, Object> partition(GroupTopic groupTopic, GroupOffset offset) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partition", offset.partition());
        json.put("committedOffset", offset.committedOffset());
        json.put("endOffset", offset.endOffset());
        json.put("lag", offset.lag());
        json.put("memberId", groupTopic.holder(offset.partition()));
        return json;
    }

    /** The partitions the live members of a group on a topic hold, were given, or share (all of the topic's). */
    private static TreeSet<Integer> consumed(List<Member> live, int partitionCount) {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (Member member : live) {
            partitions.addAll(member.partitions());
            partitions.addAll(member.assigned());
            if (member.assigned().isEmpty()) {
                for (int partition = 0; partition < partitionCount; partition++) {
                    partitions.add(partition);
                }
            }
        }
        return partitions;
    }

    private static List<Map<String, Object>> members(GroupTopic groupTopic) {
        return groupTopic.members().stream().map(GroupsJson::member).toList();
    }

    private static Map<String, Object> member(Member member) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("memberId", member.memberId());
        json.put("description", member.description());
        json.put("assigned", member.assigned());
        json.put("partitions", member.partitions());
        json.put("joinedAt", member.joinedAt().toString());
        json.put("heartbeatAt", member.heartbeatAt().toString());
        json.put("sessionTimeout", Limits.formatRetentionAge(member.sessionTimeout()));
        return json;
    }

    private static int compareGroupAndTopic(List<String> a, List<String> b) {
        int byGroup = a.get(0).compareTo(b.get(0));
        return byGroup != 0 ? byGroup : a.get(1).compareTo(b.get(1));
    }
}
