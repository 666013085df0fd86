package io.klite.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The connections to one SQLite file and the only code that opens, locks or closes them.
 *
 * <p>Invariants: all writes of this process go through the single writer connection, one caller at a time under
 * {@link #writeLock}; a unit of work of several statements runs in one {@code BEGIN IMMEDIATE} transaction, so it
 * sees no concurrent writer (in this process or another) between its reads and its writes, and a single statement
 * may run in SQLite's own autocommit transaction. Reads use pooled connections of their own, which WAL lets run
 * beside the writer. Every connection caches its prepared statements; after any SQL error the writer drops them
 * (the driver closes a statement that failed) and a reader is closed, so one failure never poisons later calls.
 * Nothing here knows about topics.
 *
 * <p>Group commit: {@link #writeGrouped} work of concurrent callers is queued, and whichever caller holds the write
 * lock next runs everything queued so far in one transaction, so that N concurrent sends cost one commit (one fsync
 * with {@link Durability#FULL}) instead of N. Each caller still gets its own outcome: where a work fails, the
 * transaction is rolled back and the others run again together without it.
 */
final class Database implements AutoCloseable {

    private static final int MAX_IDLE_READERS = 4;
    private static final int STATEMENT_CACHE_SIZE = 1024;
    /** The most times a group's leader lets the callers of the last group come back before it starts. */
    private static final int GATHER_YIELDS = 16;
    /** A waiting caller looks again after this long even unwoken: a safety net, every release of the lock wakes. */
    private static final long PARK_SAFETY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Work on one connection; SQL errors propagate and are wrapped once, by the caller of {@code read}/{@code write}. */
    @FunctionalInterface
    interface Work<T> {
        T run(Conn conn) throws SQLException;
    }

    private final Path path;
    private final String url;
    private final LogOptions options;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}; null after a failed transaction could not be rolled back, until reopened. */
    private Conn writer;
    private final Deque<Conn> idleReaders = new ConcurrentLinkedDeque<>();
    /** Work of {@link #writeGrouped} callers waiting for the next group transaction. */
    private final ConcurrentLinkedQueue<Grouped<?>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** How many works the last group transaction held. Guarded by the write lock. */
    private int lastGroupSize = 1;
    private volatile boolean closed;

    Database(Path path, LogOptions options) {
        this.path = path.toAbsolutePath().normalize();
        this.url = "jdbc:sqlite:" + this.path;
        this.options = options;
        if (Files.isDirectory(this.path)) {
            throw new KliteStorageException("Cannot open Klite database '" + this.path
                    + "': it is a directory; give the path of a database file", null);
        }
        try {
            Files.createDirectories(this.path.getParent());
        } catch (Exception e) {
            throw new KliteStorageException("Cannot open Klite database '" + this.path + "': cannot create folder '"
                    + this.path.getParent() + "': " + e, e);
        }
        this.writer = open(false);
    }

    /** The writer connection, reopened where a failure closed it. Call under {@link #writeLock}. */
    private Conn writer() {
        checkOpen();
        if (writer == null) {
            writer = open(false);
        }
        return writer;
    }

    Path path() {
        return path;
    }

    /** Runs read-only work on a pooled reader connection (each statement sees a consistent snapshot). */
    <T> T read(Work<T> work) {
        checkOpen();
        Conn conn = idleReaders.pollFirst();
        if (conn == null) {
            conn = open(true);
        }
        boolean healthy = false;
        try {
            T result = work.run(conn);
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw storageError("read", e);
        } finally {
            if (healthy) {
                release(conn);
            } else {
                conn.close();
            }
        }
    }

    /** Runs work on the writer connection in one {@code BEGIN IMMEDIATE} transaction: all of it, or none of it. */
    <T> T write(Work<T> work) {
        return onWriter(conn -> {
            conn.prepare("BEGIN IMMEDIATE").execute();
            try {
                T result = work.run(conn);
                conn.prepare("COMMIT").execute();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(conn, e);
                throw e;
            }
        });
    }

    /**
     * Runs work in a {@code BEGIN IMMEDIATE} transaction shared with the work of concurrent callers (group commit);
     * returns when that transaction has committed. All of this work, or none of it, is committed, as with
     * {@link #write}; where another work of the group fails, this one runs again in a new transaction, so it must
     * not have effects outside the database. Not from inside other work on the writer.
     */
    <T> T writeGrouped(Work<T> work) {
        if (writeLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Grouped work cannot run inside other work on the writer of '" + path + "'");
        }
        Grouped<T> mine = new Grouped<>(work, Thread.currentThread());
        queued.add(mine);
        queuedCount.incrementAndGet();
        boolean interrupted = false;
        while (!mine.done) {
            if (writeLock.tryLock()) {
                try {
                    if (!mine.done) {
                        commitQueued();
                    }
                } finally {
                    unlockWriter();
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

    /** How many {@link #writeGrouped} works wait for a group transaction: for tests. */
    int queuedWork() {
        return queued.size();
    }

    /**
     * Releases the write lock; where it is free now, wakes the caller of the oldest queued work to lead the next
     * group. Every waiting caller is thus woken once: when its work is done, or when it is its turn to lead.
     */
    private void unlockWriter() {
        writeLock.unlock();
        if (!writeLock.isHeldByCurrentThread()) {
            Grouped<?> next = queued.peek();
            if (next != null) {
                LockSupport.unpark(next.caller);
            }
        }
    }

    /**
     * Runs every queued work in one transaction, in queue order. Where a work fails, the transaction is rolled back
     * and the others run again together without it, so each caller gets what running the works one after the other
     * would have given it; where the transaction itself cannot begin or commit, every work gets that failure.
     * Call under the write lock.
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
                write(conn -> {
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
                if (running[0] == null) {
                    // BEGIN or COMMIT failed: nothing of the group is written, and the cause is every work's
                    group.forEach(grouped -> grouped.failed(e));
                    return;
                }
                // as if run one after the other: the works before it are written, it is not, the ones after go on
                running[0].failed(e);
                group.remove(running[0]);
                running[0] = null;
            }
        }
    }

    /**
     * Runs work on the writer connection, one caller at a time; each statement is its own autocommit transaction
     * unless the work opens one.
     */
    <T> T onWriter(Work<T> work) {
        writeLock.lock();
        Conn conn = null;
        try {
            conn = writer();
            return work.run(conn);
        } catch (SQLException e) {
            if (conn != null) {
                conn.forgetStatements();
            }
            throw storageError("write", e);
        } finally {
            unlockWriter();
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Conn idle;
            while ((idle = idleReaders.pollFirst()) != null) {
                idle.close();
            }
            // last, so that as the file's last connection it checkpoints the WAL into the database and removes it
            if (writer != null) {
                writer.close();
                writer = null;
            }
        } finally {
            unlockWriter();
        }
    }

    private Conn open(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.setSynchronous(options.durability() == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        }
        Connection connection = null;
        try {
            connection = config.createConnection(url);
            Conn conn = new Conn(connection);
            // touches the file header: fails here, before anything is written, when the file is not SQLite
            conn.exec("SELECT count(*) FROM sqlite_master");
            return conn;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new KliteStorageException("Cannot open Klite database '" + path + "': " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("NOTADB")
                    ? " (the file exists but is not a SQLite database)" : ""), e);
        }
    }

    private void release(Conn conn) {
        if (!closed && idleReaders.size() < MAX_IDLE_READERS) {
            idleReaders.offerFirst(conn);
            if (closed && idleReaders.remove(conn)) {
                conn.close();
            }
        } else {
            conn.close();
        }
    }

    /**
     * Undoes the failed transaction. After some errors (disk full, I/O) SQLite has already rolled back by itself,
     * and ROLLBACK answers that no transaction is active. Where ROLLBACK fails for any other reason, the writer
     * cannot be trusted to be outside a transaction, so it is closed (which rolls back whatever is left) and the
     * next write opens a new one: no later write meets a half-open transaction.
     */
    private void rollback(Conn conn, Throwable failure) {
        try {
            conn.exec("ROLLBACK");
        } catch (SQLException rollbackFailed) {
            if (!String.valueOf(rollbackFailed.getMessage()).contains("no transaction is active")) {
                failure.addSuppressed(rollbackFailed);
                conn.close();
                writer = null;
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // closing is best effort: the file is consistent after every committed transaction
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The Klite log on '" + path + "' is closed");
        }
    }

    private KliteStorageException storageError(String what, SQLException e) {
        return new KliteStorageException("Cannot " + what + " Klite database '" + path + "': " + e.getMessage(), e);
    }

    /**
     * One caller's work in a group transaction and, once the transaction is over, its outcome. Written under the
     * write lock; {@code done}, written last, publishes the outcome to the caller.
     */
    private static final class Grouped<T> {

        private final Work<T> work;
        private final Thread caller;
        private T result;
        private Throwable failure;
        private volatile boolean done;

        Grouped(Work<T> work, Thread caller) {
            this.work = work;
            this.caller = caller;
        }

        Void runIn(Conn conn) throws SQLException {
            result = work.run(conn);
            return null;
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

    /** One JDBC connection and its prepared statements, reused across calls. Used by one thread at a time. */
    static final class Conn {

        private final Connection connection;
        private final Map<String, PreparedStatement> statements =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                        if (size() > STATEMENT_CACHE_SIZE) {
                            closeQuietly(eldest.getValue());
                            return true;
                        }
                        return false;
                    }
                };

        Conn(Connection connection) {
            this.connection = connection;
        }

        /** A prepared statement for this SQL, prepared once per connection. Do not close it. */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        /** Closes and forgets the cached statements: after a failure the driver may have closed one of them. */
        void forgetStatements() {
            statements.values().forEach(Database::closeQuietly);
            statements.clear();
        }

        void exec(String sql) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }

        void close() {
            forgetStatements();
            closeQuietly(connection);
        }
    }
}
