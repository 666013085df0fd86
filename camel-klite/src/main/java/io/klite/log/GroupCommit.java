package io.klite.log;

import io.klite.log.Database.Work;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit on the writer of a {@link Database}: the work of concurrent callers is queued, and whichever caller
 * holds the write lock next runs everything queued so far in one {@code BEGIN IMMEDIATE} transaction, so that N
 * concurrent sends cost one commit (one fsync with {@link Durability#FULL}) instead of N.
 *
 * <p>Invariants: each caller gets the outcome running the works one after the other would have given it: all of its
 * work is committed or none of it, and a failing work costs the others nothing (the transaction is rolled back and
 * they run again together without it). Each caller waits for another connection's lock about as long as the busy
 * timeout, however often its group runs again: a group waits at most until the earliest deadline among its
 * callers, and a work whose deadline has passed fails with a {@link KliteStorageException} saying how long the file
 * was busy rather than waiting again. Every waiting caller is woken once: when its work is done, or when it is its
 * turn to lead a group.
 */
final class GroupCommit {

    /** The most times a group's leader lets the callers of the last group come back before it starts. */
    private static final int GATHER_YIELDS = 16;
    /** A waiting caller looks again after this long even unwoken: a safety net, every release of the lock wakes. */
    private static final long PARK_SAFETY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A group keeps the configured busy timeout unless its callers have less time left than that by this much. */
    private static final long BUSY_SLACK_MILLIS = 50;

    private final Database db;
    private final int busyTimeoutMillis;
    /** Work of callers waiting for the next group transaction. */
    private final ConcurrentLinkedQueue<Grouped<?>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** How many works the last group transaction held. Guarded by the write lock. */
    private int lastGroupSize = 1;

    GroupCommit(Database db) {
        this.db = db;
        this.busyTimeoutMillis = (int) db.options().busyTimeout().toMillis();
        db.onWriterReleased(this::wakeNext);
    }

    /**
     * Runs work in a transaction shared with the work of concurrent callers; returns when that transaction has
     * committed. All of this work, or none of it, is committed; where another work of the group fails, this one
     * runs again in a new transaction, so it must not have effects outside the database. Not from inside other work
     * on the writer.
     *
     * @throws KliteStorageException where the file stayed locked by another connection past the busy timeout
     */
    <T> T write(Work<T> work) {
        return write(db.deadline(), work);
    }

    /** {@link #write(Work)} for a call whose wait for another connection's lock ends at {@code deadline}. */
    <T> T write(long deadline, Work<T> work) {
        if (db.isWriterHeldByCurrentThread()) {
            throw new IllegalStateException("Grouped work cannot run inside other work on the writer of '"
                    + db.path() + "'");
        }
        Grouped<T> mine = new Grouped<>(work, Thread.currentThread(), deadline);
        queued.add(mine);
        queuedCount.incrementAndGet();
        boolean interrupted = false;
        while (!mine.done) {
            if (db.tryLockWriter()) {
                try {
                    if (!mine.done) {
                        commitQueued();
                    }
                } finally {
                    db.unlockWriter();
                }
            } else {
                // unparked when a group holding this work is over, or when the lock is free and this work is next;
                // not interruptible, as taking the lock is not: the work may be in a transaction already
                LockSupport.parkNanos(this, PARK_SAFETY_NANOS);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return mine.outcome();
    }

    /** How many works wait for a group transaction: for tests. */
    int queuedWork() {
        return queued.size();
    }

    /** Wakes the caller of the oldest queued work to lead the next group; runs each time the write lock is free. */
    private void wakeNext() {
        Grouped<?> next = queued.peek();
        if (next != null) {
            LockSupport.unpark(next.caller);
        }
    }

    /**
     * Where the last group had several callers, lets them come back before the next group starts: the callers of
     * a group are woken when it commits, and without this the first one back would commit alone. Yields the CPU a
     * few times at most, and not at all for a lone caller.
     */
    private void gatherCallers() {
        for (int i = 0; i < GATHER_YIELDS && lastGroupSize > 1 && queuedCount.get() < lastGroupSize; i++) {
            Thread.yield();
        }
    }

    /**
     * Runs every queued work in one transaction, in queue order. Where a work fails, the transaction is rolled back
     * and the others run again together without it. Where the transaction itself cannot begin or commit, every work
     * gets that failure, except a lock another connection held: then the works whose deadline has passed fail with
     * the busy error and the others try again until theirs. Call under the write lock.
     */
    private void commitQueued() {
        gatherCallers();
        List<Grouped<?>> group = new ArrayList<>(lastGroupSize);
        for (Grouped<?> next = queued.poll(); next != null; next = queued.poll()) {
            group.add(next);
        }
        queuedCount.addAndGet(-group.size());
        lastGroupSize = group.size();
        Grouped<?>[] running = new Grouped<?>[1];
        while (!group.isEmpty()) {
            try {
                db.write(busyTimeoutFor(group), conn -> {
                    for (Grouped<?> grouped : group) {
                        running[0] = grouped;
                        grouped.runIn(conn);
                    }
                    running[0] = null;
                    return null;
                });
                group.forEach(Grouped::committed);
                return;
            } catch (Throwable e) {
                if (running[0] != null) {
                    // as if run one after the other: the works before it are written, it is not, the ones after go on
                    running[0].failed(e);
                    group.remove(running[0]);
                    running[0] = null;
                } else if (Database.isBusy(e)) {
                    // another connection held the lock: the works out of time fail, the others try again
                    failExpired(group, e);
                } else {
                    // BEGIN or COMMIT failed: nothing of the group is written, and the cause is every work's
                    group.forEach(grouped -> grouped.failed(e));
                    return;
                }
            }
        }
    }

    /**
     * How long this group's {@code BEGIN} may wait for another connection's lock: until the earliest deadline among
     * its works (0 where it has passed: one try, no wait), or the configured busy timeout where that is about the
     * same, which leaves the connection as it is.
     */
    private int busyTimeoutFor(List<Grouped<?>> group) {
        long earliest = Long.MAX_VALUE;
        for (Grouped<?> grouped : group) {
            earliest = Math.min(earliest, grouped.deadline);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(earliest - System.nanoTime());
        return left >= busyTimeoutMillis - BUSY_SLACK_MILLIS ? busyTimeoutMillis : (int) Math.max(0, left);
    }

    /**
     * Fails the works whose deadline has passed (within a millisecond: SQLite's busy wait ends on the deadline) with
     * the busy error, and removes them from the group. Each work left has more than a millisecond to go, so the next
     * try waits at least that long.
     */
    private void failExpired(List<Grouped<?>> group, Throwable busy) {
        long now = System.nanoTime();
        group.removeIf(grouped -> {
            if (grouped.deadline - now > TimeUnit.MILLISECONDS.toNanos(1)) {
                return false;
            }
            grouped.failed(db.busyError(grouped.deadline, busy));
            return true;
        });
    }

    /**
     * One caller's work in a group transaction and, once the transaction is over, its outcome. Written under the
     * write lock; {@code done}, written last, publishes the outcome to the caller.
     */
    private static final class Grouped<T> {

        private final Work<T> work;
        private final Thread caller;
        /** When the caller's busy timeout runs out, on {@link System#nanoTime}'s clock. */
        private final long deadline;
        private T result;
        private Throwable failure;
        private volatile boolean done;

        Grouped(Work<T> work, Thread caller, long deadline) {
            this.work = work;
            this.caller = caller;
            this.deadline = deadline;
        }

        void runIn(Conn conn) throws SQLException {
            result = work.run(conn);
        }

        void committed() {
            finish();
        }

        void failed(Throwable e) {
            failure = e;
            finish();
        }

        private void finish() {
            done = true;
            if (caller != Thread.currentThread()) {
                LockSupport.unpark(caller);
            }
        }

        T outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("Grouped work failed: " + failure, failure);
            }
            return result;
        }
    }
}
