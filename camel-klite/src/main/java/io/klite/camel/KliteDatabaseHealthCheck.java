package io.klite.camel;

import io.klite.log.KliteLog;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code klite/database}: DOWN while a database file the component has open was deleted or replaced since it was
 * opened ({@link KliteLog#checkFile()}; writes to it are refused meanwhile), or cannot be written
 * ({@link KliteLog#checkWritable()}: the file, its folder or its -wal/-shm file not writable, or the log's last write
 * failed with a SQLite error and none has succeeded since), naming each such file and why. UP while every open file
 * is the one that was opened and can be written, and where none is open. It never takes a log's write lock, so it
 * does not wait for, or hold up, a writer. It counts in readiness and the overall health, not in
 * liveness: the process itself runs, and whether restarting it (which starts a new, empty file) is wanted is the
 * operator's call. Registered by {@link KliteComponent} where the Camel context has a health check registry.
 */
final class KliteDatabaseHealthCheck implements HealthCheck {

    private final Supplier<Iterable<KliteLog>> openLogs;
    private volatile boolean enabled = true;

    KliteDatabaseHealthCheck(Supplier<Iterable<KliteLog>> openLogs) {
        this.openLogs = openLogs;
    }

    @Override
    public String getGroup() {
        return "klite";
    }

    @Override
    public String getId() {
        return "database";
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this);
        Map<String, Object> problems = new TreeMap<>();
        for (KliteLog log : openLogs.get()) {
            log.checkFile().or(log::checkWritable)
                    .ifPresent(problem -> problems.put(log.path().toString(), problem));
        }
        if (problems.isEmpty()) {
            return builder.up().build();
        }
        return builder.message(String.join("; ", problems.values().stream().map(String::valueOf).toList()))
                .details(problems).down().build();
    }
}
