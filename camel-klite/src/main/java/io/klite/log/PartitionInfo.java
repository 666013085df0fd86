package io.klite.log;

/**
 * A partition of a topic with its start and end offsets, read at one moment, so that
 * {@code startOffset <= endOffset + 1}: the messages stored are {@code startOffset..endOffset}.
 *
 * @param startOffset the lowest offset still stored (retention deletes the oldest), or {@code endOffset + 1} where it
 *                    holds none; 1 for a partition that has no table yet
 * @param endOffset   the highest offset ever written to it, 0 when it is empty
 */
public record PartitionInfo(int partition, long startOffset, long endOffset) {
}
