package io.klite.log;

/**
 * A consumer group's committed offset on one partition: the offset of the last message the group processed.
 *
 * @param endOffset the partition's end offset when listed
 */
public record GroupOffset(String group, String topic, int partition, long committedOffset, long endOffset) {

    /** Messages the group has still to process: {@code endOffset - committedOffset}, never below 0. */
    public long lag() {
        return Math.max(0, endOffset - committedOffset);
    }
}
