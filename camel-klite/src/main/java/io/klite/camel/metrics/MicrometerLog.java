package io.klite.camel.metrics;

import io.klite.camel.consumer.ConsumerMeters;
import io.klite.log.KliteLog;
import io.klite.log.Subscription;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link MeteredLog} on a Micrometer registry: the log's {@link LogMeters} listening to it, its {@link LagGauges}, and
 * {@link PartitionMeters} for its consumers, every meter with the log's file as {@code database}. Invariant: from
 * construction to {@link #close()} the log's listener is added; after it, neither the listener nor a gauge of this
 * object is left.
 */
final class MicrometerLog implements MeteredLog {

    private final MeterRegistry registry;
    private final String database;
    private final LogMeters meters;
    private final Subscription listening;
    private final LagGauges lags;

    MicrometerLog(MeterRegistry registry, KliteLog log) {
        this.registry = registry;
        this.database = log.path().toString();
        this.meters = new LogMeters(registry, log.path());
        this.lags = new LagGauges(registry, log);
        this.listening = log.addListener(meters);
    }

    @Override
    public ConsumerMeters consumer(String group, String topic) {
        return new PartitionMeters(registry, lags, database, group, topic);
    }

    @Override
    public void refresh() {
        lags.refresh();
    }

    @Override
    public void close() {
        try {
            listening.close();
        } finally {
            meters.close();
            lags.close();
        }
    }
}
