package io.klite.bench;

import io.klite.log.Durability;
import io.klite.log.KliteLog;
import io.klite.log.LogOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * What the benchmarks share: fresh SQLite files in a temporary folder, raw connections set up as Klite sets up its own
 * (WAL, the same {@code synchronous}), tables in Klite's partition format, and payloads.
 */
final class BenchFiles {

    /** The partition table as Klite creates it: raw inserts and Klite's write the same rows into the same shape. */
    static final String PARTITION_TABLE = "CREATE TABLE IF NOT EXISTS \"raw_0\" ("
            + " id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL, created DATETIME DEFAULT CURRENT_TIMESTAMP,"
            + " key TEXT, headers TEXT)";

    private BenchFiles() {
    }

    static Path newFolder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteFolder(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raw writer connection: WAL, {@code synchronous} as for Klite's {@code durability}, autocommit. */
    static Connection rawWriter(Path file, Durability durability) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(durability == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        try (Statement statement = connection.createStatement()) {
            statement.execute(PARTITION_TABLE);
        }
        return connection;
    }

    static Connection rawReader(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    static KliteLog openLog(Path file, Durability durability) {
        return KliteLog.open(file, LogOptions.DEFAULTS.withDurability(durability));
    }

    /** A payload of {@code size} random printable bytes (a seed per size, so every run writes the same data). */
    static byte[] payload(int size) {
        Random random = new Random(size);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return bytes;
    }

    static List<byte[]> payloads(int size, int count) {
        byte[] payload = payload(size);
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            payloads.add(payload);
        }
        return payloads;
    }

    static void exec(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
