package io.klite.log;

/**
 * A partition of a topic and its end offset: the highest offset ever written to it, 0 when it is empty.
 */
public record PartitionInfo(int partition, long endOffset) {
}
