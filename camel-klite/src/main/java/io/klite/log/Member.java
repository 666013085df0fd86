package io.klite.log;

import java.time.Instant;

/**
 * A consumer instance of a group on a topic, as {@code klite_members} holds it.
 *
 * @param memberId    a random id per consumer instance
 * @param description for people: host and process id
 * @param heartbeatAt its last heartbeat; older than the session timeout means dead
 */
public record Member(String group, String topic, String memberId, String description, Instant joinedAt,
                     Instant heartbeatAt) {
}
