package io.klite.runtime.api;

import io.klite.log.GroupPartition;
import io.klite.log.Limits;
import io.klite.log.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the groups' answers show, from {@link io.klite.log.KliteLog#groupPartitions()} and the live members, written
 * two ways: {@code GET /groups}, one row per group, topic and partition, {@code {"group","topic","partition",
 * "committedOffset","endOffset","lag","memberId","members"}}, sorted by group, topic and partition ({@link #list});
 * and {@code GET /groups/{group}}, the group's topics, each {@code {"topic","partitions":[{"partition",
 * "committedOffset","endOffset","lag","memberId"}],"members":[...]}} ({@link #describe}).
 *
 * <p>Invariants: a partition shows wherever the file knows the group consumes it (a commit, a live member holding,
 * given or sharing it, a lease, a failed delivery); {@code committedOffset} is null where the group has never
 * committed there, and the lag then counts every stored message. {@code memberId} is the live member that holds the
 * partition's lease, {@code null} where none does; {@code members} lists every live member of the group on the topic,
 * holders and standbys alike. The admin CLI answers {@code groups list} and {@code groups describe} with the same
 * JSON.
 */
public final class GroupsJson {

    private GroupsJson() {
    }

    /**
     * A group on one topic: the partitions it shows, and its live members there.
     *
     * @param partitions by partition
     * @param members    by member id
     */
    public record GroupTopic(String group, String topic, List<GroupPartition> partitions, List<Member> members) {
    }

    /**
     * Every group on every topic it shows on, sorted by group and topic.
     *
     * @param partitions {@code KliteLog.groupPartitions()}
     * @param members    the live members of every group, {@code KliteLog.liveMembers()}
     */
    public static List<GroupTopic> of(List<GroupPartition> partitions, List<Member> members) {
        Map<List<String>, List<Member>> membersOf = new HashMap<>();
        for (Member member : members) {
            membersOf.computeIfAbsent(List.of(member.group(), member.topic()), k -> new ArrayList<>()).add(member);
        }
        Map<List<String>, List<GroupPartition>> rows = new LinkedHashMap<>(); // sorted as groupPartitions() is
        for (GroupPartition partition : partitions) {
            rows.computeIfAbsent(List.of(partition.group(), partition.topic()), k -> new ArrayList<>()).add(partition);
        }
        List<GroupTopic> groups = new ArrayList<>();
        rows.forEach((groupAndTopic, shown) -> groups.add(new GroupTopic(groupAndTopic.get(0), groupAndTopic.get(1),
                shown, membersOf.getOrDefault(groupAndTopic, List.of()))));
        return groups;
    }

    /** The answer of {@code GET /groups}: a row per group, topic and partition. */
    public static List<Map<String, Object>> list(List<GroupTopic> groups) {
        List<Map<String, Object>> answer = new ArrayList<>();
        for (GroupTopic groupTopic : groups) {
            List<Map<String, Object>> members = members(groupTopic);
            for (GroupPartition partition : groupTopic.partitions()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("group", partition.group());
                json.put("topic", partition.topic());
                json.putAll(partition(partition));
                json.put("members", members);
                answer.add(json);
            }
        }
        return answer;
    }

    /**
     * The answer of {@code GET /groups/{group}}: the group's topics with their partitions and live members; null where
     * the group shows on none (no commit, live member, lease or failed delivery).
     */
    public static Map<String, Object> describe(String group, List<GroupTopic> groups) {
        List<Map<String, Object>> topics = new ArrayList<>();
        for (GroupTopic groupTopic : groups) {
            if (groupTopic.group().equals(group)) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("topic", groupTopic.topic());
                json.put("partitions", groupTopic.partitions().stream().map(GroupsJson::partition).toList());
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

    private static Map<String, Object> partition(GroupPartition partition) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partition", partition.partition());
        json.put("committedOffset", partition.committedOffset());
        json.put("endOffset", partition.endOffset());
        json.put("lag", partition.lag());
        json.put("memberId", partition.holder());
        return json;
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
}
