package io.klite.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sizes of a SQLite file and of its {@code -wal} file, sampled at a fixed rate on a thread of its own from
 * {@link #start} until {@link #close}; a file that does not exist counts as 0 bytes. For tests that bound them.
 */
public final class FileSizeSampler implements AutoCloseable {

    /** One sample: when (nanoseconds since the start), and the two sizes in bytes. */
    public record Sample(long nanos, long database, long wal) {
    }

    private final Path database;
    private final Path wal;
    private final long start = System.nanoTime();
    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
    /** Why sampling stopped early, where it did: every accessor rethrows it, so a test never passes on too few. */
    private volatile RuntimeException failure;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "file-size-sampler");
        thread.setDaemon(true);
        return thread;
    });

    private FileSizeSampler(Path database) {
        this.database = database;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
    }

    /** Samples the sizes of {@code database} and its WAL now and then every {@code period}. */
    public static FileSizeSampler start(Path database, Duration period) {
        FileSizeSampler sampler = new FileSizeSampler(database);
        sampler.timer.scheduleAtFixedRate(sampler::sample, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        return sampler;
    }

    private void sample() {
        try {
            samples.add(new Sample(System.nanoTime() - start, size(database), size(wal)));
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The samples so far, oldest first. */
    public List<Sample> samples() {
        if (failure != null) {
            throw new IllegalStateException("Sampling the sizes of " + database + " failed", failure);
        }
        return List.copyOf(samples);
    }

    /** The largest WAL sampled so far, in bytes. */
    public long maxWal() {
        return samples().stream().mapToLong(Sample::wal).max().orElse(0);
    }

    /** The largest database file sampled so far, in bytes. */
    public long maxDatabase() {
        return samples().stream().mapToLong(Sample::database).max().orElse(0);
    }

    /** Stops sampling. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
