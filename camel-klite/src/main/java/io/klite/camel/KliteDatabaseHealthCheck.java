package io.klite.camel;

import io.klite.log.KliteLog;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code klite/database}: DOWN while a database file the component has open was deleted or replaced since it was
 * opened ({@link KliteLog#checkFile()}), naming each such file; writes to it are refused meanwhile. UP while every open
 * file is the one that was opened, and where none is open. It counts in readiness and the overall health, not in
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
            log.checkFile().ifPresent(problem -> problems.put(log.path().toString(), problem));
        }
        if (problems.isEmpty()) {
            return builder.up().build();
        }
        return builder.message(String.join("; ", problems.values().stream().map(String::valueOf).toList()))
                .details(problems).down().build();
    }
}
