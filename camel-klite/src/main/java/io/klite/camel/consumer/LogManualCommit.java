package io.klite.camel.consumer;

import io.klite.log.LeaseLostException;
import io.klite.camel.KliteManualCommit;
import io.klite.log.KliteLog;

/**
 * Commits one exchange's offset to the log the consumer read it from; with a member id, only while that member holds
 * the partition's lease (a refused commit throws {@link io.klite.log.LeaseLostException} to the route, and the
 * consumer stops the partition).
 */
record LogManualCommit(KliteLog log, String group, String topic, int partition, long offset, GroupMember member)
        implements KliteManualCommit {

    @Override
    public void commit() {
        if (member == null) {
            log.commit(group, topic, partition, offset);
            return;
        }
        try {
            log.commit(group, topic, partition, offset, member.memberId());
        } catch (LeaseLostException e) {
            member.lost(partition, e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "KliteManualCommit[group=" + group + ", topic=" + topic + ", partition=" + partition + ", offset="
                + offset + "]";
    }
}
