package io.klite.log;

/**
 * A partition a known group consumes, where the group stands on it and who holds it: a row of
 * {@link KliteLog#groupPartitions()}.
 *
 * @param committedOffset the offset of the last message the group processed there; null where it has never committed
 *                        there (it starts from {@code startOffset}, or at the end with {@code autoOffsetReset=latest},
 *                        which commits that at once)
 * @param startOffset     the partition's oldest stored offset, {@code endOffset + 1} where it holds none
 * @param endOffset       the partition's highest offset ever written, 0 where none was
 * @param holder          the live member holding the partition's lease, or null where none does
 */
public record GroupPartition(String group, String topic, int partition, Long committedOffset, long startOffset,
                             long endOffset, String holder) {

    /**
     * Messages the group has still to process there: those after its committed offset that are still stored, all the
     * stored ones where it has never committed; never below 0.
     */
    public long lag() {
        return lag(committedOffset, startOffset, endOffset);
    }

    static long lag(Long committedOffset, long startOffset, long endOffset) {
        long processed = committedOffset == null ? startOffset - 1 : Math.max(committedOffset, startOffset - 1);
        return Math.max(0, endOffset - processed);
    }
}
