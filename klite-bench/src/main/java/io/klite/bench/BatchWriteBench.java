package io.klite.bench;

import io.klite.log.BatchResult;
import io.klite.log.Durability;
import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * Batches written in one transaction, {@code synchronous=NORMAL}: Klite's {@code sendBatch} against raw sqlite-jdbc
 * {@code executeBatch} and one multi-row {@code INSERT ... VALUES (?, ?), (?, ?) ...}, into the same table shape.
 * Scores are batches per second; the report multiplies by {@code batch}. Every iteration starts on a fresh file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchWriteBench {

    @Param({"100", "1024"})
    public int payloadBytes;

    @Param({"1", "100", "1000"})
    public int batch;

    private Path folder;
    private Connection raw;
    private PreparedStatement begin;
    private PreparedStatement insert;
    private PreparedStatement commit;
    private PreparedStatement multiRow;
    private KliteLog log;
    private List<byte[]> payloads;

    @Setup(Level.Iteration)
    public void openFreshFiles() throws SQLException {
        folder = BenchFiles.newFolder("klite-bench-write");
        raw = BenchFiles.rawWriter(folder.resolve("raw.db"), Durability.NORMAL);
        begin = raw.prepareStatement("BEGIN IMMEDIATE");
        insert = raw.prepareStatement("INSERT INTO \"raw_0\" (data, key) VALUES (?, ?)");
        commit = raw.prepareStatement("COMMIT");
        StringBuilder sql = new StringBuilder("INSERT INTO \"raw_0\" (data, key) VALUES (?, ?)");
        sql.append(", (?, ?)".repeat(batch - 1));
        multiRow = raw.prepareStatement(sql.toString());
        log = BenchFiles.openLog(folder.resolve("klite.db"), Durability.NORMAL);
        log.createTopic("bench", 1);
        payloads = BenchFiles.payloads(payloadBytes, batch);
    }

    @TearDown(Level.Iteration)
    public void deleteFiles() throws SQLException {
        log.close();
        raw.close();
        BenchFiles.deleteFolder(folder);
    }

    @Benchmark
    public int rawExecuteBatch() throws SQLException {
        begin.execute();
        for (byte[] payload : payloads) {
            insert.setBytes(1, payload);
            insert.setString(2, null);
            insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        commit.execute();
        return counts.length;
    }

    @Benchmark
    public int rawMultiRowValues() throws SQLException {
        int parameter = 1;
        for (byte[] payload : payloads) {
            multiRow.setBytes(parameter++, payload);
            multiRow.setString(parameter++, null);
        }
        return multiRow.executeUpdate();
    }

    @Benchmark
    public BatchResult kliteSendBatch() {
        return log.sendBatch("bench", 0, null, payloads);
    }
}
