package io.klite.log;

import java.time.Instant;

/** Which member of a group consumes a partition, until when, as {@code klite_partition_leases} holds it. */
public record PartitionLease(String group, String topic, int partition, String memberId, Instant expiresAt) {
}
