package io.klite.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
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
 * beside the writer; a read of several statements that must agree runs in one read transaction (one snapshot), and a
 * reader goes back to the pool outside any transaction. Every connection caches its prepared statements; after any
 * SQL error the writer drops them (the driver closes a statement that failed) and a reader is closed, so one failure
 * never poisons later calls.
 * No transaction begins on a file that was deleted or replaced since it was opened: its connections would write to
 * a file no one else sees. The WAL stays bounded while readers never pause: the writer has SQLite cut a WAL it starts
 * over to {@link WalLimit#LIMIT_BYTES}, and as the outermost holder of {@link #writeLock} releases it, the writer
 * checkpoints a WAL grown past that, where {@link WalLimit} finds it time to look (never failing the write before it).
 * The last write that failed with a SQLite error other than busy is remembered until a write succeeds
 * ({@link #checkWritable()}). Each committed transaction's time goes to the log's {@link LogListener}s, where there
 * are any. Nothing here knows about topics.
 */
final class Database implements AutoCloseable {

    /** SQLite's primary result code for a lock held by another connection. */
    private static final int SQLITE_BUSY = 5;

    private static final int MAX_IDLE_READERS = 4;

    /** How long {@link #compact()} waits before it tries a {@code TRUNCATE} checkpoint again. */
    private static final long CHECKPOINT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Work on one connection; SQL errors propagate and are wrapped once, by the caller of {@code read}/{@code write}. */
    @FunctionalInterface
    interface Work<T> {
        T run(Conn conn) throws SQLException;
    }

    private final Path path;
    private final String url;
    private final LogOptions options;
    private final int busyTimeoutMillis;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guarded by {@link #writeLock}; null after a failed transaction could not be rolled back, until reopened. */
    private Conn writer;
    private final Deque<Conn> idleReaders = new ConcurrentLinkedDeque<>();
    /** Guarded by {@link #writeLock}. */
    private final WalLimit walLimit;
    /** The file's identity when opened (the inode on Linux); null where the file system has none. */
    private final Object fileKey;
    /** Run each time the write lock is released and free; set once, by {@link GroupCommit}. */
    private volatile Runnable writerReleased = () -> { };
    private volatile boolean closed;
    /** Why the last write on the writer failed, where it failed with a SQLite error other than busy; else null. */
    private volatile String lastWriteFailure;
    /** Told of each write transaction's time; see {@link LogListener#writeCommitted}. */
    private final LogListeners listeners;

    Database(Path path, LogOptions options) {
        this(path, options, new LogListeners());
    }

    Database(Path path, LogOptions options, LogListeners listeners) {
        this.listeners = listeners;
        this.path = path.toAbsolutePath().normalize();
        this.url = "jdbc:sqlite:" + this.path;
        this.options = options;
        this.busyTimeoutMillis = (int) options.busyTimeout().toMillis();
        this.walLimit = new WalLimit(this.path);
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
        try {
            this.fileKey = Files.readAttributes(this.path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            writer.close();
            throw new KliteStorageException("Cannot open Klite database '" + this.path + "': " + e, e);
        }
    }

    Path path() {
        return path;
    }

    LogOptions options() {
        return options;
    }

    /**
     * The problem with the file at {@link #path}, where it was deleted or replaced by another file since it was
     * opened; empty where it is the file this log opened. One {@code stat} of the file.
     */
    Optional<String> checkFile() {
        Object now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return Optional.of("the database file '" + path + "' was deleted since it was opened");
        } catch (IOException e) {
            return Optional.of("the database file '" + path + "' cannot be read: " + e);
        }
        return Objects.equals(now, fileKey) ? Optional.empty()
                : Optional.of("the database file '" + path + "' was replaced by another file since it was opened");
    }

    /**
     * The reason the file cannot be written, as far as can be told without writing: the file, its folder, or its
     * {@code -wal} or {@code -shm} file not writable, or the last write failed with a SQLite error other than busy
     * and none has succeeded since; empty where none. Does not take {@link #writeLock}.
     */
    Optional<String> checkWritable() {
        if (!Files.isWritable(path)) {
            return Optional.of("the database file '" + path + "' is not writable (permissions, a read-only file"
                    + " system or the immutable attribute)");
        }
        Path folder = path.getParent();
        if (!Files.isWritable(folder)) {
            return Optional.of("the folder '" + folder + "' of the database file is not writable; SQLite keeps the"
                    + " file's -wal and -shm files there");
        }
        for (String suffix : new String[] {"-wal", "-shm"}) {
            Path companion = Path.of(path + suffix);
            if (Files.exists(companion) && !Files.isWritable(companion)) {
                return Optional.of("the file '" + companion + "' of the database is not writable");
            }
        }
        String failure = lastWriteFailure;
        return failure == null ? Optional.empty() : Optional.of(failure);
    }

    /**
     * Runs read-only work on a pooled reader connection, each statement in SQLite's own autocommit transaction: each
     * sees a consistent snapshot of its own, and two statements may see different moments (another process may
     * create or drop a table between them). Work that must see one moment uses {@link #readTransaction}.
     */
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

    /**
     * Runs read-only work on a pooled reader connection in one read transaction ({@code BEGIN}, deferred): every
     * statement of it reads the same WAL snapshot, the one of its first statement, so that a table listed by one
     * statement is there for the next, whatever other connections and processes commit meanwhile. Takes no lock a
     * writer waits for (WAL readers never block writers; a checkpoint does not copy past the snapshot until it ends,
     * so keep the work short). Nothing in it may write: the connection is read-only, and a write on the writer would
     * not be part of the snapshot. The transaction ends before the connection goes back to the pool: committed, or
     * rolled back on any failure (and the connection then closed, as {@link #read} does).
     */
    <T> T readTransaction(Work<T> work) {
        return read(conn -> {
            conn.exec("BEGIN");
            try {
                T result = work.run(conn);
                conn.exec("COMMIT");
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    conn.exec("ROLLBACK");
                } catch (SQLException rollbackFailed) {
                    // read closes the connection after any failure, which ends what is left of the transaction
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        });
    }

    /**
     * Runs work on the writer connection in one {@code BEGIN IMMEDIATE} transaction: all of it, or none of it.
     *
     * @throws KliteStorageException where the file was deleted or replaced since it was opened; nothing runs then
     */
    <T> T write(Work<T> work) {
        return write(deadline(), work);
    }

    /**
     * {@link #write(Work)} for a call that started waiting at {@code deadline} less the busy timeout: its
     * {@code BEGIN} waits for another connection's lock until {@code deadline} at most.
     *
     * @throws KliteStorageException {@link #busyError} where the lock was still held at the deadline
     */
    <T> T write(long deadline, Work<T> work) {
        try {
            return write(millisLeft(deadline), work);
        } catch (KliteStorageException e) {
            throw isBusy(e) ? busyError(deadline, e.getCause()) : e;
        }
    }

    /** {@link #write(Work)}, waiting at most {@code busyTimeoutMillis} for another connection's lock. */
    <T> T write(int busyTimeoutMillis, Work<T> work) {
        return onWriter(conn -> {
            requireOpenedFile();
            boolean timed = listeners.any();
            long started = timed ? System.nanoTime() : 0;
            try {
                // a ROLLBACK with no transaction begun is harmless, so whatever fails from here on rolls back
                conn.busyTimeout(busyTimeoutMillis);
                try {
                    conn.prepare("BEGIN IMMEDIATE").execute();
                } finally {
                    conn.busyTimeout(this.busyTimeoutMillis);
                }
                T result = work.run(conn);
                conn.prepare("COMMIT").execute();
                if (timed) {
                    listeners.writeCommitted(System.nanoTime() - started);
                }
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollback(conn, e);
                throw e;
            }
        });
    }

    /**
     * Rebuilds the file without its free pages ({@code VACUUM}) and empties the WAL, on the writer, so that no write
     * of this process runs meanwhile. The WAL's {@code TRUNCATE} checkpoint is tried again until the busy timeout has
     * passed since the rebuild, while another connection's reads or writes keep it from finishing; where it still
     * cannot finish, the rebuilt pages stay in the WAL (nothing is lost) and a later checkpoint copies them back.
     *
     * @return whether the WAL was emptied
     */
    boolean compact() {
        return onWriter(conn -> {
            requireOpenedFile();
            // VACUUM runs only where no statement of the connection is in progress: the cached ones are dropped
            conn.forgetStatements();
            conn.exec("VACUUM");
            // VACUUM wrote the whole file into the WAL: it shrinks once copied back, which waits for other connections
            long deadline = deadline();
            while (true) {
                try (ResultSet rs = conn.prepare("PRAGMA wal_checkpoint(TRUNCATE)").executeQuery()) {
                    if (!rs.next() || rs.getInt(1) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(CHECKPOINT_RETRY_NANOS, deadline - System.nanoTime()));
            }
        });
    }

    /** Refuses to go on where the file at the path is no longer the one opened (see {@link #checkFile()}). */
    private void requireOpenedFile() {
        Optional<String> fileProblem = checkFile();
        if (fileProblem.isPresent()) {
            throw new KliteStorageException("Cannot write Klite database '" + path + "': " + fileProblem.get()
                    + "; nothing was written; restart the process (or reopen the log) to use the file now at"
                    + " that path", null);
        }
    }

    /**
     * When a call starting now must stop waiting for another connection's lock, on {@link System#nanoTime}'s clock:
     * a call that waits in several steps (a table to create, then its rows) waits about the busy timeout in all.
     */
    long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(busyTimeoutMillis);
    }

    /** What is left of the busy timeout of a call with this deadline: the configured timeout at most, 0 when past. */
    int millisLeft(long deadline) {
        return (int) Math.max(0, Math.min(busyTimeoutMillis,
                TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    /** The error of a call whose deadline passed while another connection held the lock: the one wording of it. */
    KliteStorageException busyError(long deadline, Throwable cause) {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline) + busyTimeoutMillis;
        return new KliteStorageException("Cannot write Klite database '" + path + "': it was busy (locked by another"
                + " connection or process) for " + waited + " ms, past the busy timeout of " + busyTimeoutMillis
                + " ms; nothing was written (" + (cause == null ? "busy" : cause.getMessage()) + ")", cause);
    }

    /** Whether a failure is SQLite's busy answer: another connection held the lock for the whole busy wait. */
    static boolean isBusy(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && (sql.getErrorCode() & 0xff) == SQLITE_BUSY) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure is SQLite's answer to a statement on a table that does not exist (any more). */
    static boolean isMissingTable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && String.valueOf(sql.getMessage()).contains("no such table")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure may come from the table itself (dropped, altered, recreated by another program), so that
     * a table known to be ready must be looked at again: a SQLite error other than busy. A lock held by another
     * connection, or a file that was deleted or replaced, says nothing about the table.
     */
    static boolean mayConcernTable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof SQLException) {
                return !isBusy(failure);
            }
        }
        return false;
    }

    /**
     * Runs work on the writer connection, one caller at a time; each statement is its own autocommit transaction
     * unless the work opens one.
     */
    <T> T onWriter(Work<T> work) {
        writeLock.lock();
        Conn conn = null;
        try {
            try {
                conn = writer();
            } catch (KliteStorageException e) {
                lastWriteFailure = writeFailure(e.getMessage());
                throw e;
            }
            T result = work.run(conn);
            lastWriteFailure = null;
            return result;
        } catch (SQLException e) {
            if (conn != null) {
                conn.forgetStatements();
            }
            if (!isBusy(e)) {
                lastWriteFailure = writeFailure(e.getMessage());
            }
            throw storageError("write", e);
        } finally {
            unlockWriter();
        }
    }

    /** What {@link #checkWritable()} says after a write failed for {@code reason}. */
    private String writeFailure(String reason) {
        return "the last write to the database file '" + path + "' failed at "
                + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " and none has succeeded since: " + reason;
    }

    /** Takes the write lock where it is free, without waiting; a caller that got it calls {@link #unlockWriter}. */
    boolean tryLockWriter() {
        return writeLock.tryLock();
    }

    boolean isWriterHeldByCurrentThread() {
        return writeLock.isHeldByCurrentThread();
    }

    /**
     * Releases the write lock; where it is free now, runs the listener that {@link #onWriterReleased} set. Its
     * outermost holder first lets {@link WalLimit} look at the WAL: the work done under the lock is over (a group
     * commit's callers are on their way), and the writer is outside any transaction.
     */
    void unlockWriter() {
        try {
            if (writeLock.getHoldCount() == 1 && writer != null) {
                walLimit.afterWrites(writer, busyTimeoutMillis);
            }
        } finally {
            writeLock.unlock();
        }
        if (!writeLock.isHeldByCurrentThread()) {
            writerReleased.run();
        }
    }

    /** Sets what runs each time the write lock becomes free: quick, and without taking the lock. */
    void onWriterReleased(Runnable listener) {
        this.writerReleased = Objects.requireNonNull(listener, "listener");
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

    KliteStorageException storageError(String what, SQLException e) {
        return new KliteStorageException("Cannot " + what + " Klite database '" + path + "': " + e.getMessage(), e);
    }

    /** The writer connection, reopened where a failure closed it. Call under {@link #writeLock}. */
    private Conn writer() {
        checkOpen();
        if (writer == null) {
            writer = open(false);
        }
        return writer;
    }

    private Conn open(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis);
        config.setSynchronous(options.durability() == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setJournalSizeLimit((int) WalLimit.LIMIT_BYTES);
        }
        Connection connection = null;
        try {
            connection = config.createConnection(url);
            Conn conn = new Conn(connection, busyTimeoutMillis);
            // touches the file header: fails here, before anything is written, when the file is not SQLite
            conn.exec("SELECT count(*) FROM sqlite_master");
            return conn;
        } catch (SQLException e) {
            Conn.closeQuietly(connection);
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

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The Klite log on '" + path + "' is closed");
        }
    }
}
