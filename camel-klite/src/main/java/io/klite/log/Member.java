package io.klite.log;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A consumer instance of a group on a topic, as {@code klite_members} holds it, with the partitions it holds.
 *
 * @param memberId       a random id per consumer instance
 * @param description    for people: host and process id
 * @param assigned       the partitions given to it by hand ({@code partition=0,1}), or empty where it takes its share
 *                       of the topic's partitions (range assignment over the live members without partitions)
 * @param sessionTimeout how long after its last heartbeat it counts as dead
 * @param heartbeatAt    its last heartbeat
 * @param partitions     the partitions whose unexpired leases it holds, in order
 */
public record Member(String group, String topic, String memberId, String description, List<Integer> assigned,
                     Duration sessionTimeout, Instant joinedAt, Instant heartbeatAt, List<Integer> partitions) {

    public Member {
        assigned = List.copyOf(assigned);
        partitions = List.copyOf(partitions);
    }
}
