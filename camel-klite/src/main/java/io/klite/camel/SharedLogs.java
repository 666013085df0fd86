package io.klite.camel;

import io.klite.log.KliteLog;
import io.klite.log.LogOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs a component has open. Invariant: at most one open {@link KliteLog} per database file (by absolute,
 * normalized path), shared by every endpoint on it, and closed when the last endpoint releases it; what
 * {@code onOpen} starts for a log (its retention cleaner) runs from its opening to its closing.
 */
final class SharedLogs {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLogs.class);

    private final Map<Path, Shared> open = new HashMap<>();
    /** Starts the work that runs for as long as a log is open; returns what stops it. */
    private final Function<KliteLog, Runnable> onOpen;

    SharedLogs(Function<KliteLog, Runnable> onOpen) {
        this.onOpen = onOpen;
    }

    private static final class Shared {
        final KliteLog log;
        final Runnable stop;
        int users;

        Shared(KliteLog log, Runnable stop) {
            this.log = log;
            this.stop = stop;
        }

        void close() {
            try {
                stop.run();
            } finally {
                log.close();
            }
        }
    }

    /** The open log of the file, opened where this is its first user. */
    synchronized KliteLog acquire(String database, LogOptions options) {
        Path path = Path.of(database).toAbsolutePath().normalize();
        Shared shared = open.get(path);
        if (shared == null) {
            KliteLog log = KliteLog.open(path, options);
            try {
                shared = new Shared(log, onOpen.apply(log));
            } catch (RuntimeException e) {
                log.close();
                throw e;
            }
            open.put(path, shared);
        }
        shared.users++;
        return shared.log;
    }

    /** Gives back one use of the log; the last one closes it. */
    synchronized void release(KliteLog log) {
        Shared shared = open.get(log.path());
        if (shared != null && shared.log == log && --shared.users == 0) {
            open.remove(log.path());
            shared.close();
        }
    }

    /** The logs open now. */
    synchronized List<KliteLog> openLogs() {
        return open.values().stream().map(shared -> shared.log).toList();
    }

    /** Closes every log, whoever still uses it: the component is stopping. */
    synchronized void closeAll() {
        open.values().forEach(shared -> {
            // endpoints normally stop first; one Camel created twice in a race, and never stopped, may still hold it
            LOG.debug("Closing {}, still held by {} endpoint(s), as the component stops", shared.log, shared.users);
            shared.close();
        });
        open.clear();
    }
}
