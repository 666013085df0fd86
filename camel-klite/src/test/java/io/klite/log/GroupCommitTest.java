package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: work queued by concurrent callers while another holds the writer runs in one transaction, and each
 * caller still gets its own outcome, a failing work costing the others nothing; and a caller waits for another
 * process's lock about as long as its busy timeout in all, not once per run of its group.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupCommitTest {

    private static final Duration BUSY_TIMEOUT = Duration.ofMillis(500);
    /** How long another process holds the lock each time a failing work lets it in: less than the busy timeout. */
    private static final long HOLD_MILLIS = 300;

    @TempDir
    Path dir;
    private Path file;
    private Database db;
    private GroupCommit commits;
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService otherProcess = Executors.newScheduledThreadPool(2);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void createTable() {
        file = dir.resolve("klite.db");
        db = new Database(file, LogOptions.DEFAULTS.withDurability(Durability.FULL).withBusyTimeout(BUSY_TIMEOUT));
        commits = new GroupCommit(db);
        db.write(conn -> {
            conn.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
            return null;
        });
    }

    @AfterEach
    void close() {
        release.countDown();
        callers.shutdownNow();
        otherProcess.shutdownNow();
        db.close();
    }

    @Test
    void workQueuedWhileTheWriterIsBusyCommitsInOneTransaction() throws Exception {
        Future<?> holder = holdTheWriter();
        List<Long> othersSeenByAReader = new CopyOnWriteArrayList<>();
        Future<Long> first = callers.submit(() -> commits.write(conn -> insert(conn, "first")));
        await().until(() -> commits.queuedWork() == 1);
        Future<Long> second = callers.submit(() -> commits.write(conn -> {
            // a reader connection sees only committed rows: 0 means the first insert is in this same transaction
            othersSeenByAReader.add(db.read(GroupCommitTest::count));
            return insert(conn, "second");
        }));
        await().until(() -> commits.queuedWork() == 2);

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThat(othersSeenByAReader).containsExactly(0L);
        assertThat(db.<Long>read(GroupCommitTest::count)).isEqualTo(2);
    }

    @Test
    void aFailingWorkFailsAloneAndTheOthersCommitOnce() throws Exception {
        Future<?> holder = holdTheWriter();
        Future<Long> before = callers.submit(() -> commits.write(conn -> insert(conn, "before")));
        await().until(() -> commits.queuedWork() == 1);
        Future<Long> failing = callers.submit(() -> commits.write(conn -> {
            insert(conn, "half of a bad unit of work");
            throw new IllegalArgumentException("bad unit of work");
        }));
        await().until(() -> commits.queuedWork() == 2);
        Future<Long> after = callers.submit(() -> commits.write(conn -> insert(conn, "after")));
        await().until(() -> commits.queuedWork() == 3);

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad unit of work");
        assertThat(db.<List<String>>read(GroupCommitTest::texts)).containsExactly("before", "after");
    }

    @Test
    void aLoneCallerWritesAtOnce() {
        long offset = commits.write(conn -> insert(conn, "alone"));
        assertThat(offset).isEqualTo(1);
        assertThat(db.<List<String>>read(GroupCommitTest::texts)).containsExactly("alone");
        assertThat(commits.queuedWork()).isEqualTo(0);
    }

    /** The case a user met: a send that waited 13.2 s against a 10 s timeout beside a worker's failing commit. */
    @Test
    void aWorkPastItsBusyTimeoutFailsInsteadOfWaitingAgainForEachRerun() throws Exception {
        Future<?> holder = holdTheWriter();
        List<Future<Object>> failing = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int number = i;
            failing.add(callers.submit(() -> commits.write(conn -> letAnotherConnectionLockThenFail(conn, number))));
            // polled often: the callers' deadlines start when they queue, and should start together
            await().pollInterval(Duration.ofMillis(1)).until(() -> commits.queuedWork() == number);
        }
        long[] failedAfterNanos = new long[1];
        Future<Long> mine = callers.submit(() -> {
            long start = System.nanoTime();
            try {
                return commits.write(conn -> insert(conn, "mine"));
            } finally {
                failedAfterNanos[0] = System.nanoTime() - start;
            }
        });
        await().pollInterval(Duration.ofMillis(1)).until(() -> commits.queuedWork() == 4);

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> mine.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("Cannot write Klite database '" + file.toAbsolutePath() + "': it was busy")
                .hasMessageContaining("past the busy timeout of 500 ms; nothing was written");
        assertThat(Duration.ofNanos(failedAfterNanos[0])).isLessThan(BUSY_TIMEOUT.multipliedBy(8).dividedBy(5));
        assertThatThrownBy(() -> failing.get(0).get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class).hasMessage("failing work 1");
        await().until(() -> db.read(GroupCommitTest::count) == 0);
    }

    /**
     * A work that ends its transaction (as no real work does), lets another connection take the write lock for
     * {@link #HOLD_MILLIS}, then fails: the group runs again and meets the lock.
     */
    private Object letAnotherConnectionLockThenFail(Conn conn, int number) throws SQLException {
        conn.exec("COMMIT");
        CountDownLatch locked = new CountDownLatch(1);
        otherProcess.execute(() -> {
            try {
                Jdbc other = new Jdbc(file);
                other.exec("BEGIN IMMEDIATE");
                locked.countDown();
                otherProcess.schedule(() -> {
                    other.exec("ROLLBACK");
                    other.close();
                    return null;
                }, HOLD_MILLIS, TimeUnit.MILLISECONDS);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitUninterruptibly(locked);
        throw new IllegalStateException("failing work " + number);
    }

    /** Takes the writer and holds it until {@link #release}, as a long transaction of another caller would. */
    private Future<?> holdTheWriter() throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        Future<?> holder = callers.submit(() -> db.onWriter(conn -> {
            holding.countDown();
            awaitUninterruptibly(release);
            return null;
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long insert(Conn conn, String text) throws SQLException {
        PreparedStatement insert = conn.prepare("INSERT INTO notes (text) VALUES (?)");
        insert.setString(1, text);
        insert.executeUpdate();
        try (ResultSet rs = conn.prepare("SELECT last_insert_rowid()").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(Conn conn) throws SQLException {
        try (ResultSet rs = conn.prepare("SELECT count(*) FROM notes").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> texts(Conn conn) throws SQLException {
        List<String> texts = new CopyOnWriteArrayList<>();
        try (ResultSet rs = conn.prepare("SELECT text FROM notes ORDER BY id").executeQuery()) {
            while (rs.next()) {
                texts.add(rs.getString(1));
            }
        }
        return texts;
    }
}
