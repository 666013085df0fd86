package io.klite.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a file's WAL below DESIGN.md's 64 MiB while readers never pause. SQLite's automatic checkpoints are passive:
 * they copy the WAL into the database but start it over only at a moment when no reader holds a snapshot of it, and
 * readers whose read transactions overlap (consumers polling, tail readers) leave no such moment, so the {@code -wal}
 * file grows with everything written (checkpoint starvation; we saw it pass 64 MiB within 10 s of steady writes).
 *
 * <p>Invariants: runs only on the writer connection, under the write lock, as its outermost holder releases it, with
 * the writer outside any transaction; looks at the WAL's size (a {@code nanoTime}, then one {@code stat}) at most
 * every {@link #LOOK_INTERVAL_NANOS}; checkpoints ({@code TRUNCATE}: the WAL copied into the database and cut to 0
 * bytes) only where the WAL is above {@link #LIMIT_BYTES}; such a checkpoint waits for other connections at most
 * {@link #CHECKPOINT_BUSY_TIMEOUT_MILLIS}; where it cannot complete in that time, the next look waits twice as long as
 * the one before, from {@link #LOOK_INTERVAL_NANOS} up to {@link #RETRY_MAX_NANOS}, so that a reader that keeps one
 * snapshot for long (or another process's lock) costs producers a tenth of their time at most; it never throws (the
 * write before it has committed, and a later look tries again): a checkpoint that could not complete is a DEBUG line,
 * a failure, and a WAL above the 64 MiB target that cannot be reset, one WARN line per cause until a checkpoint
 * completes. A single transaction larger than the target makes the WAL as large as it, until the next look.
 *
 * <p>Why on the writer as the write lock is released, rather than on a thread of its own (the component's cleaner):
 * a {@code TRUNCATE} checkpoint keeps every writer out while it waits for readers and copies, on whatever thread it
 * runs, so producers wait for it either way; here it needs no thread, connection or lock of its own, serves a plain
 * {@link KliteLog} as well as the component, and runs right after the write that took the WAL past the limit rather
 * than up to a cleaner's interval (a minute by default) later, by which time a fast writer is far past the target. The
 * callers whose work that write committed have been told already (see {@link GroupCommit}); only the caller that
 * releases the lock (one send in many) and the writers queued behind it wait, about
 * {@link #CHECKPOINT_BUSY_TIMEOUT_MILLIS} at most plus the copy (30 to 80 ms for 16 MiB here).
 */
final class WalLimit {

    private static final Logger LOG = LoggerFactory.getLogger(WalLimit.class);

    private static final long MIB = 1 << 20;
    /** DESIGN.md §8's bound for the WAL under steady load. */
    static final long TARGET_BYTES = 64 * MIB;
    /**
     * The WAL size above which the writer checkpoints, and the size SQLite cuts the WAL to where it starts it over
     * itself ({@code journal_size_limit}, so that a burst leaves neither a large file nor a needless checkpoint
     * behind). A quarter of the target: what a writer adds between two looks (a WAL grows up to ~60 MiB/s under
     * starvation on this 2-core VM, ~6 MiB in {@link #LOOK_INTERVAL_NANOS}) leaves the target far off; four times
     * SQLite's own 4 MiB (an automatic checkpoint at 1000 pages of 4 KiB) leaves the WAL to SQLite where its
     * checkpoints are not starved.
     */
    static final long LIMIT_BYTES = 16 * MIB;
    /** The most often the WAL's size is looked at: a stat costs microseconds; this bounds what one look may miss. */
    static final long LOOK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * The longest wait for the next look while checkpoints cannot complete, ten times their busy timeout: producers
     * then wait at most a tenth of the time.
     */
    static final long RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a checkpoint waits for other connections: a Klite read holds its snapshot for one statement (a fetch of
     * at most a batch of rows, milliseconds), so readers that began before the checkpoint are done well within it,
     * and those that begin once the WAL is copied read the database, not the WAL, and do not hold it up.
     */
    static final int CHECKPOINT_BUSY_TIMEOUT_MILLIS = 100;

    private static final String CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)";

    private final Path database;
    private final Path wal;
    /** When the WAL's size may be looked at next, on {@link System#nanoTime}'s clock. Guarded by the write lock. */
    private long nextLook = System.nanoTime();
    /** The wait before the next look after a checkpoint that could not complete. Guarded by the write lock. */
    private long retryNanos = LOOK_INTERVAL_NANOS;
    /** The cause last logged at WARN, until a checkpoint completes; null where none. Guarded by the write lock. */
    private String warned;

    WalLimit(Path database) {
        this.database = database;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
    }

    /**
     * Where it is time to look, looks at the WAL's size and checkpoints where it is above {@link #LIMIT_BYTES}. Call
     * under the write lock, with the writer outside any transaction. Never throws.
     *
     * @param busyTimeoutMillis the writer's busy timeout, restored after the checkpoint's shorter one
     */
    void afterWrites(Conn writer, int busyTimeoutMillis) {
        long now = System.nanoTime();
        if (now - nextLook < 0) {
            return;
        }
        nextLook = now + LOOK_INTERVAL_NANOS;
        try {
            long size = walSize();
            if (size > LIMIT_BYTES) {
                checkpoint(writer, size, busyTimeoutMillis);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            if (e instanceof SQLException) {
                // the writer's invariant: no cached statement survives an error (the driver may have closed it)
                writer.forgetStatements();
            }
            nextLook = System.nanoTime() + RETRY_MAX_NANOS;
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            if (warnOnce(e.getClass().getName() + ": " + reason)) {
                LOG.warn("Checkpoint of the WAL of '{}' failed; the write before it is committed; trying again in {}"
                        + " ms; reason: {}", database, TimeUnit.NANOSECONDS.toMillis(RETRY_MAX_NANOS), reason);
            }
            LOG.debug("WAL checkpoint failure in detail", e);
        }
    }

    private long walSize() throws IOException {
        try {
            return Files.size(wal);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private void checkpoint(Conn writer, long size, int busyTimeoutMillis) throws SQLException {
        long start = System.nanoTime();
        boolean busy;
        writer.busyTimeout(CHECKPOINT_BUSY_TIMEOUT_MILLIS);
        try (ResultSet rs = writer.prepare(CHECKPOINT).executeQuery()) {
            // one row: 1 where the checkpoint could not complete (busy), the WAL's frames, the frames copied
            busy = rs.next() && rs.getInt(1) != 0;
        } finally {
            writer.busyTimeout(busyTimeoutMillis);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!busy) {
            LOG.debug("Checkpointed the WAL of '{}' ({} MiB) in {} ms", database, size / MIB, millis);
            retryNanos = LOOK_INTERVAL_NANOS;
            warned = null;
            return;
        }
        long retryMillis = TimeUnit.NANOSECONDS.toMillis(retryNanos);
        nextLook = System.nanoTime() + retryNanos;
        retryNanos = Math.min(2 * retryNanos, RETRY_MAX_NANOS);
        if (size > TARGET_BYTES && warnOnce("starved")) {
            LOG.warn("The WAL of '{}' is {} MiB, above the {} MiB target, and checkpoints cannot reset it: another"
                    + " connection keeps a snapshot of it for longer than {} ms (a long read transaction, or another"
                    + " process's lock); trying again in {} ms, then at most every {} ms", database, size / MIB,
                    TARGET_BYTES / MIB, CHECKPOINT_BUSY_TIMEOUT_MILLIS, retryMillis,
                    TimeUnit.NANOSECONDS.toMillis(RETRY_MAX_NANOS));
        } else {
            LOG.debug("The WAL of '{}' ({} MiB) could not be checkpointed within {} ms (readers, or another process's"
                    + " lock); trying again in {} ms", database, size / MIB, millis, retryMillis);
        }
    }

    /** Whether a WARN line is due: not where this cause was the last warned about and no checkpoint completed since. */
    private boolean warnOnce(String cause) {
        if (cause.equals(warned)) {
            return false;
        }
        warned = cause;
        return true;
    }
}
