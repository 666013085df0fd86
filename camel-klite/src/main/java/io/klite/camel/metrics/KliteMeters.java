package io.klite.camel.metrics;

import io.klite.log.KliteLog;
import org.apache.camel.CamelContext;

/**
 * Klite's meters in a Camel context (DESIGN §10: {@code klite_messages_produced_total}, {@code klite_consumer_lag} and
 * the rest), registered where the context has a Micrometer {@code MeterRegistry}, found as camel-micrometer finds it:
 * the bean {@code metricsRegistry}, else the only one of its type. Invariants: this type and its callers name no
 * Micrometer class, so the component loads and runs without Micrometer on the classpath, and with it but no registry in
 * the context, with {@link #NONE}: no meters and no cost beyond a call that does nothing. Every meter carries the
 * {@code database} label (the file's absolute path), so that two files in one registry never share a series.
 */
public interface KliteMeters {

    /** No registry: nothing is measured. */
    KliteMeters NONE = log -> MeteredLog.NONE;

    /**
     * The meters of the context's registry, or {@link #NONE} where Micrometer is not on the classpath or the context
     * has no registry. Looked up each time: call it where a log opens, not per message.
     */
    static KliteMeters of(CamelContext context) {
        return MicrometerPresence.PRESENT ? MicrometerMeters.find(context) : NONE;
    }

    /**
     * Measures a log just opened, until the answer is {@link MeteredLog#close closed}: its sends, dead letters and
     * redrives (produced), its retention (deleted), its write transactions (commit time), the sizes of its file and
     * WAL, its consumers, and the lag of the known groups of the file.
     */
    MeteredLog bind(KliteLog log);
}
