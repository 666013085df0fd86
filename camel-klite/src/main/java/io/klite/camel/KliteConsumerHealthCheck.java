package io.klite.camel;

import io.klite.camel.consumer.FailingPartitions;
import io.klite.camel.consumer.FailingPartitions.Failing;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * A {@code klite:} consumer's health check, which Camel's {@code consumers} repository reports as
 * {@code consumer:<routeId>} (the consumer is {@link org.apache.camel.health.HealthCheckAware}, as camel-kafka's is).
 * It is Camel's check of a polling consumer (a poll that fails, not yet polled) plus Klite's: in readiness and the
 * overall health, DOWN while a partition has failed to deliver the same message (batch) {@code unhealthyAfterAttempts}
 * times or for {@code unhealthyAfter} since its first failure, whichever comes first, and UP again once the partition
 * moves past it. Liveness is Camel's check alone: a restart would not cure a message that fails. The details name the
 * topic and group, and for each stuck partition its offsets, attempts, last error and since when
 * ({@code partition.<p>.offsets}, {@code .attempts}, {@code .last.error}, {@code .since}), with the stuck partitions
 * listed in {@code partitions}. Enabled with the component's {@code healthCheckConsumerEnabled} (Camel sets it).
 */
final class KliteConsumerHealthCheck implements HealthCheck {

    private final HealthCheck pollCheck;
    private final FailingPartitions failing;
    private final String topic;
    private final String group;
    private final Duration unhealthyAfter;
    private final int unhealthyAfterAttempts;

    /** @param pollCheck Camel's check of the polling consumer, whose id this check takes */
    KliteConsumerHealthCheck(HealthCheck pollCheck, FailingPartitions failing, KliteConfiguration configuration) {
        this.pollCheck = pollCheck;
        this.failing = failing;
        this.topic = configuration.getTopic();
        this.group = configuration.getGroup();
        this.unhealthyAfter = Duration.ofMillis(configuration.getUnhealthyAfter());
        this.unhealthyAfterAttempts = configuration.getUnhealthyAfterAttempts();
    }

    @Override
    public String getGroup() {
        return pollCheck.getGroup();
    }

    @Override
    public String getId() {
        return pollCheck.getId();
    }

    @Override
    public boolean isEnabled() {
        return pollCheck.isEnabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        pollCheck.setEnabled(enabled);
    }

    @Override
    public Result call(Map<String, Object> options) {
        Result polling = pollCheck.call(options);
        Kind kind = (Kind) options.getOrDefault(CHECK_KIND, Kind.ALL);
        if (polling.getState() != State.UP || kind == Kind.LIVENESS) {
            return polling;
        }
        List<Failing> stuck = failing.stuck(Instant.now(), unhealthyAfter, unhealthyAfterAttempts);
        if (stuck.isEmpty()) {
            return polling;
        }
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this).details(polling.getDetails());
        builder.detail("topic", topic).detail("group", group).detail("partitions",
                stuck.stream().map(f -> String.valueOf(f.partition())).collect(Collectors.joining(",")));
        for (Failing partition : stuck) {
            String prefix = "partition." + partition.partition() + ".";
            builder.detail(prefix + "offsets", partition.offsets())
                    .detail(prefix + "attempts", partition.attempts())
                    .detail(prefix + "last.error", partition.lastError())
                    .detail(prefix + "since", partition.since().truncatedTo(ChronoUnit.MILLIS).toString());
        }
        return builder.message(message(stuck)).down().build();
    }

    /**
     * One line: {@code topic 'orders' group 'billing' cannot deliver: partition 0 offsets 1..2, 10 failed attempts since
     * 2026-12-01T10:00:00Z, last error: ...}, each stuck partition in turn.
     */
    private String message(List<Failing> stuck) {
        return "Topic '" + topic + "' group '" + group + "' cannot deliver: " + stuck.stream()
                .map(f -> "partition " + f.partition() + " offset" + (f.firstOffset() == f.lastOffset() ? " " : "s ")
                        + f.offsets() + ", " + f.attempts() + " failed attempt(s) since "
                        + f.since().truncatedTo(ChronoUnit.MILLIS) + ", last error: " + f.lastError())
                .collect(Collectors.joining("; "));
    }
}
