package io.klite.runtime.worker;

import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code klite/workers}: DOWN while a worker has failed {@value #DOWN_AFTER} or more times in a row to deliver its
 * batch, naming each such worker, its offsets, since when and why. It counts in the overall {@code /observe/health}
 * only, not in liveness or readiness: a restart would not bring an endpoint back, and the API should keep taking
 * messages meanwhile.
 */
final class WorkersHealthCheck extends AbstractHealthCheck {

    static final int DOWN_AFTER = 3;

    private final WorkerFailures failures;

    WorkersHealthCheck(WorkerFailures failures) {
        super("klite", "workers");
        this.failures = failures;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Object> stuck = new TreeMap<>();
        failures.failing().forEach((route, failing) -> {
            // a route that was stopped meanwhile is not delivering, nor failing to
            if (failing.attempts() >= DOWN_AFTER && getCamelContext().getRouteController().getRouteStatus(route) != null
                && getCamelContext().getRouteController().getRouteStatus(route).isStarted()) {
                stuck.put(route, "offsets " + failing.firstOffset() + ".." + failing.lastOffset() + ": "
                        + failing.attempts() + " failed attempts since " + failing.since() + ", last: " + failing.reason());
            }
        });
        if (stuck.isEmpty()) {
            builder.up();
        } else {
            StringBuilder message = new StringBuilder(stuck.size() + " worker(s) cannot deliver: ");
            stuck.forEach((route, what) -> message.append(route).append(' ').append(what).append("; "));
            builder.message(message.substring(0, message.length() - 2)).details(stuck).down();
        }
    }
}
