package io.klite.camel.consumer;

import io.klite.log.DeliveryAttempts;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions of one consumer whose current message (batch) has failed and not yet been delivered or
 * dead-lettered: what the consumer's health check reads. Invariants: a partition has an entry from the first failed
 * attempt at a message, or failed write of its dead letter (or from a failure the file held when its cursor was
 * placed, so a restart goes on with the file's count and first failure time; not from a row that only says an attempt
 * started and did not end) until the consumer moves past that message, drops the partition (given up, lost, reset,
 * stopped); {@code attempts} is the count the file holds, and {@code since} stays the time of the first failure while
 * the failing message is the same. Written by the poll thread (cleared by the thread that stops the consumer), read by
 * any thread.
 */
public final class FailingPartitions {

    /**
     * A partition's failing message (batch).
     *
     * @param firstOffset the message's offset, or the first of the batch
     * @param lastOffset  the message's offset, or the last of the batch
     * @param attempts    failed attempts so far, counted across restarts
     * @param lastError   why the latest attempt failed, on one line
     * @param since       when its first attempt failed
     */
    public record Failing(int partition, long firstOffset, long lastOffset, int attempts, String lastError,
                          Instant since) {

        /** Whether it has failed {@code afterAttempts} times, or for {@code after} or longer, by {@code now}. */
        public boolean isStuck(Instant now, Duration after, int afterAttempts) {
            return attempts >= afterAttempts || Duration.between(since, now).compareTo(after) >= 0;
        }

        /** {@code 7}, or {@code 7..9} for a batch. */
        public String offsets() {
            return firstOffset == lastOffset ? String.valueOf(firstOffset) : firstOffset + ".." + lastOffset;
        }
    }

    private final Map<Integer, Failing> byPartition = new ConcurrentHashMap<>();

    /** Notes failed attempt number {@code attempts} of {@code first..last} of the partition. */
    void failed(int partition, long first, long last, int attempts, String error) {
        byPartition.compute(partition, (p, before) -> new Failing(p, first, last, attempts, error,
                before != null && before.firstOffset() == first ? before.since() : Instant.now()));
    }

    /**
     * Goes on from a failure the file holds for a cursor just placed, with {@code attempts} of its attempts charged to
     * the message (see {@link PartitionCursor#resume}); nothing where none is, nor where the row holds no failure
     * ({@link #isFailure}): its attempts were only counted as they started and did not end, a process stopped during
     * them, and nothing says that one failed, so their time counts for nothing. Should the next attempt fail, its count
     * goes on from the file's (the cursor's), its time from then.
     */
    void resumed(DeliveryAttempts row, int attempts) {
        if (attempts > 0 && isFailure(row)) {
            byPartition.put(row.partition(), new Failing(row.partition(), row.firstOffset(), row.lastOffset(),
                    attempts, row.lastError(), row.firstFailedAt() != null ? row.firstFailedAt() : Instant.now()));
        }
    }

    /**
     * Whether a {@code klite_delivery_attempts} row holds a failure: its last error is not the one of an attempt
     * counted as it started ({@link Delivery#unfinished}), which a row has only until one of its attempts fails (an
     * attempt counted as it starts keeps the row's failure) and which says no more than that an attempt is running, or
     * that a process stopped during it. The rows the health check goes on from.
     */
    public static boolean isFailure(DeliveryAttempts row) {
        return !Delivery.unfinished(row.lastError());
    }

    /**
     * Whether at least one attempt of a row ended without delivering: one failed ({@link #isFailure}, its error the
     * last error), or the row counts more than one attempt, as a later attempt starts only after one failed or its
     * process stopped. The rows the HTTP API lists as stuck; not a lone first attempt counted as it started, which is
     * running or was stopped with its process and says no more.
     */
    public static boolean hasFailed(DeliveryAttempts row) {
        return row.attempts() > 1 || isFailure(row);
    }

    /** The consumer moved past {@code offset} of the partition (delivered, or dead-lettered): a failure up to it ends. */
    void movedPast(int partition, long offset) {
        if (byPartition.isEmpty()) {
            // the usual case, once per delivered message (batch): no lookup, no lambda
            return;
        }
        byPartition.computeIfPresent(partition, (p, failing) -> failing.firstOffset() <= offset ? null : failing);
    }

    /** Forgets the partition: reset, or no longer the consumer's. */
    void forget(int partition) {
        byPartition.remove(partition);
    }

    /** Keeps only the partitions the consumer still delivers. */
    void retainOnly(Collection<Integer> partitions) {
        byPartition.keySet().retainAll(partitions);
    }

    /** Forgets every partition: the consumer stopped. */
    public void clear() {
        byPartition.clear();
    }

    /** The failing partitions that have failed {@code afterAttempts} times or for {@code after} by now, by partition. */
    public List<Failing> stuck(Instant now, Duration after, int afterAttempts) {
        return byPartition.values().stream().filter(failing -> failing.isStuck(now, after, afterAttempts))
                .sorted(Comparator.comparingInt(Failing::partition)).toList();
    }
}
