package io.klite.log;

/**
 * Where a batch was written: offsets {@code firstOffset .. firstOffset + count - 1}, contiguous, in list order.
 */
public record BatchResult(long firstOffset, int count) {

    public long lastOffset() {
        return firstOffset + count - 1;
    }
}
