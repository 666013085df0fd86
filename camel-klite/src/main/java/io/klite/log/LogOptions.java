package io.klite.log;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link KliteLog}, validated when built.
 *
 * @param durability            {@link Durability#NORMAL} (default) or {@link Durability#FULL}
 * @param busyTimeout           how long a call waits for another process's lock on the file before it fails
 *                              (default 10 s); a send waits about this long in all, however often the group
 *                              commit it shares runs again
 * @param defaultPartitionCount partitions a topic gets when the first send to it creates it (default 1)
 */
public record LogOptions(Durability durability, Duration busyTimeout, int defaultPartitionCount) {

    public static final LogOptions DEFAULTS = new LogOptions(Durability.NORMAL, Limits.DEFAULT_BUSY_TIMEOUT,
            Limits.DEFAULT_PARTITION_COUNT);

    public LogOptions {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Invalid busyTimeout " + busyTimeout
                    + ": must be between 0 and " + Integer.MAX_VALUE + " ms");
        }
        Limits.partitionCount("Invalid defaultPartitionCount: ", defaultPartitionCount);
    }

    public LogOptions withDurability(Durability durability) {
        return new LogOptions(durability, busyTimeout, defaultPartitionCount);
    }

    public LogOptions withBusyTimeout(Duration busyTimeout) {
        return new LogOptions(durability, busyTimeout, defaultPartitionCount);
    }

    public LogOptions withDefaultPartitionCount(int defaultPartitionCount) {
        return new LogOptions(durability, busyTimeout, defaultPartitionCount);
    }
}
