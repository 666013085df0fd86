package io.klite.bench;

import io.klite.log.Durability;
import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One message per call, each durable when the call returns: Klite's {@code send} against raw sqlite-jdbc autocommit
 * inserts, from 1 thread and from 8 threads sharing the one connection behind a lock (SQLite has one writer), with
 * {@code synchronous} NORMAL and FULL. Scores are messages per second, summed over the threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SingleSendBench {

    @Param({"NORMAL", "FULL"})
    public Durability durability;

    @Param({"100"})
    public int payloadBytes;

    private Path folder;
    private Connection raw;
    private PreparedStatement insert;
    private final ReentrantLock rawLock = new ReentrantLock();
    private KliteLog log;
    private byte[] payload;

    @Setup(Level.Iteration)
    public void openFreshFiles() throws SQLException {
        folder = BenchFiles.newFolder("klite-bench-send");
        raw = BenchFiles.rawWriter(folder.resolve("raw.db"), durability);
        insert = raw.prepareStatement("INSERT INTO \"raw_0\" (data, key) VALUES (?, ?)");
        log = BenchFiles.openLog(folder.resolve("klite.db"), durability);
        log.createTopic("bench", 1);
        payload = BenchFiles.payload(payloadBytes);
    }

    @TearDown(Level.Iteration)
    public void deleteFiles() throws SQLException {
        log.close();
        raw.close();
        BenchFiles.deleteFolder(folder);
    }

    @Benchmark
    @Threads(1)
    public int rawAutocommit1Thread() throws SQLException {
        return rawInsert();
    }

    @Benchmark
    @Threads(8)
    public int rawAutocommit8Threads() throws SQLException {
        return rawInsert();
    }

    @Benchmark
    @Threads(1)
    public long kliteSend1Thread() {
        return log.send("bench", 0, payload);
    }

    @Benchmark
    @Threads(8)
    public long kliteSend8Threads() {
        return log.send("bench", 0, payload);
    }

    private int rawInsert() throws SQLException {
        rawLock.lock();
        try {
            insert.setBytes(1, payload);
            insert.setString(2, null);
            return insert.executeUpdate();
        } finally {
            rawLock.unlock();
        }
    }
}
