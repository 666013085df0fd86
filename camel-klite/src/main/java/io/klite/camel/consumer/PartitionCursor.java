package io.klite.camel.consumer;

import io.klite.log.Message;
import java.util.List;

/**
 * Where a consumer stands on one partition. Invariants: {@link #position()} is the offset of the last message whose
 * exchange succeeded (or where the group started), so the next fetch starts right after it and a failed message is
 * fetched again before anything after it; a failed batch is fetched again with the same offsets, not more, until it
 * succeeds; {@link #attempt(long)} counts the deliveries of the message (batch) being retried, from 1, going on from
 * the count the file held when the cursor was placed ({@link #resume}), so a restart continues it. Used by the
 * consumer's poll thread only.
 */
public final class PartitionCursor {

    private final int partition;
    private long position;
    private long retryAtNanos;
    private boolean paused;
    private long failedBatchEnd;
    /** The offset whose delivery last failed, and how many times it did (as the file counts them). */
    private long failingOffset = -1;
    private int failures;
    /** Whether a fetch has been delivered since the cursor was placed. */
    private boolean fetchedOnce;
    /**
     * The last offset the file says a delivery was under way for when the cursor was placed (a process stopped during
     * it), 0 where none: up to it, each delivery is counted before it runs (see {@link Delivery#isCareful}).
     */
    private long carefulThrough;
    /** A dead-letter write that failed, written again before anything else of the partition; null where none. */
    private PendingDeadLetter pendingDeadLetter;
    /** The last offset reported as deleted before the group consumed it, so that each such gap is reported once. */
    private long lostReportedThrough;

    /** A message (batch) to dead-letter again, with what its dead letter says. */
    record PendingDeadLetter(long firstOffset, int attempts, Exception cause, boolean permanent) {
    }

    PartitionCursor(int partition, long position) {
        this.partition = partition;
        this.position = position;
    }

    public int partition() {
        return partition;
    }

    public long position() {
        return position;
    }

    /** Moves past messages that were processed. */
    void advanceTo(long offset) {
        position = Math.max(position, offset);
    }

    /**
     * The first of the offsets before {@code firstFetched} that were deleted (by retention, or another program) before
     * the group consumed them and that were not reported yet, which it marks reported; 0 where there are none. A
     * cursor at 0 has consumed nothing and starts at the oldest message kept, which is no loss.
     */
    public long unreportedLossBefore(long firstFetched) {
        long from = Math.max(position, lostReportedThrough) + 1;
        if (position == 0 || firstFetched <= from) {
            return 0;
        }
        lostReportedThrough = firstFetched - 1;
        return from;
    }

    /** Moves to {@code offset}, backwards too: the group's offset was reset. */
    void resetTo(long offset) {
        position = offset;
        lostReportedThrough = 0;
        pendingDeadLetter = null;
        failedBatchEnd = 0;
        failingOffset = -1;
    }

    /** Remembers the last offset of a batch that failed, so that it is offered again as the same batch. */
    void batchFailed(long lastOffset) {
        failedBatchEnd = lastOffset;
    }

    /** The most messages the next fetch may take: {@code batchSize}, or what is left of a failed batch. */
    public int fetchLimit(int batchSize) {
        long left = failedBatchEnd - position;
        return left > 0 && left < batchSize ? (int) left : batchSize;
    }

    /**
     * The fetched messages that belong in the next batch: all of them, or, while a failed batch is offered again,
     * those up to its last offset (offsets may have gaps, where rows were deleted, so the fetch limit alone can
     * take more).
     */
    public List<Message> toDeliver(List<Message> fetched) {
        if (failedBatchEnd <= position || fetched.isEmpty()
            || fetched.get(fetched.size() - 1).offset() <= failedBatchEnd) {
            return fetched;
        }
        int end = 0;
        while (end < fetched.size() && fetched.get(end).offset() <= failedBatchEnd) {
            end++;
        }
        return end == 0 ? fetched : fetched.subList(0, end);
    }

    /** Which delivery of the message (batch) starting at {@code offset} the next is: 1, or its failures + 1. */
    int attempt(long offset) {
        return offset == failingOffset ? failures + 1 : 1;
    }

    /** Whether this is the first fetch delivered since the cursor was placed (true once). */
    boolean firstFetch() {
        boolean first = !fetchedOnce;
        fetchedOnce = true;
        return first;
    }

    /** Whether {@code offset} is one the file says a delivery was under way for when the cursor was placed. */
    boolean inCarefulZone(long offset) {
        return offset <= carefulThrough;
    }

    /** Notes a dead-letter write that failed: the next delivery of {@code firstOffset} writes it again instead. */
    void deadLetterFailed(PendingDeadLetter pending) {
        pendingDeadLetter = pending;
        failed(pending.firstOffset(), pending.attempts());
    }

    /** The dead-letter write of the message (batch) starting at {@code offset} that failed, or null. */
    PendingDeadLetter pendingDeadLetter(long offset) {
        return pendingDeadLetter != null && pendingDeadLetter.firstOffset() == offset ? pendingDeadLetter : null;
    }

    /** Notes that the message (batch) starting at {@code offset} has failed {@code attempts} times so far. */
    void failed(long offset, int attempts) {
        failures = attempts;
        failingOffset = offset;
    }

    /**
     * Goes on from a failure the file holds for the group: the message (batch, or fetch) {@code first..last} that
     * failed, or was under way when a process stopped, {@code attempts} times. It is offered again with the same
     * offsets, each delivery up to {@code last} counted before it runs; the next attempt of {@code first} is number
     * {@code attempts + 1}, except where a row of several offsets counted a fetch of single messages ahead (see
     * {@link Delivery#countFetchAhead}). Ignored where the cursor has moved past it.
     */
    void resume(long first, long last, int attempts, boolean oneExchangePerMessage) {
        if (first > position) {
            // with one exchange per message, a row of several offsets counted a first fetch ahead: the process stopped
            // somewhere in it, not in a known message, so none of them is charged the attempt; each is now counted
            // on its own, as it starts
            failed(first, oneExchangePerMessage && last > first ? attempts - 1 : attempts);
            carefulThrough = last;
            if (last > first) {
                batchFailed(last);
            }
        }
    }

    /** Moves past a message (batch) that went to the dead-letter topic, committed past already. */
    void deadLettered(long lastOffset) {
        advanceTo(lastOffset);
        pendingDeadLetter = null;
        failingOffset = -1;
        failures = 0;
        failedBatchEnd = 0;
    }

    /** Holds the partition back until {@code retryAtNanos} ({@link System#nanoTime()}), after a failure. */
    void pauseUntil(long retryAtNanos) {
        this.retryAtNanos = retryAtNanos;
        this.paused = true;
    }

    /** Whether the partition may be fetched now: it did not fail, or its retry time has come. */
    public boolean isDue(long nowNanos) {
        if (paused && nowNanos - retryAtNanos < 0) {
            return false;
        }
        paused = false;
        return true;
    }

    @Override
    public String toString() {
        return "partition " + partition + " at offset " + position;
    }
}
