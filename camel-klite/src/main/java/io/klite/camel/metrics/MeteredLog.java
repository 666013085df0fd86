package io.klite.camel.metrics;

import io.klite.camel.consumer.ConsumerMeters;

/**
 * The meters of one open log, from its binding ({@link KliteMeters#bind}) to {@link #close()}: what the log itself
 * does (its listener's counters, the file's sizes), its consumers' meters, and a lag gauge for every partition a known
 * group of the file consumes. Invariants: this type names no Micrometer class; {@link #NONE} measures nothing and needs
 * no {@link #refresh()}; after {@link #close()} none of its gauges is left in the registry.
 */
public interface MeteredLog {

    /** No registry: nothing is measured. */
    MeteredLog NONE = new MeteredLog() {
        @Override
        public ConsumerMeters consumer(String group, String topic) {
            return ConsumerMeters.NONE;
        }

        @Override
        public void refresh() {
        }

        @Override
        public void close() {
        }
    };

    /** Meters for a consumer of the topic in the group, on this log; {@link ConsumerMeters#close} ends them. */
    ConsumerMeters consumer(String group, String topic);

    /**
     * Brings the lag gauges in line with the partitions the file's known groups consume: one for each, none for a
     * partition no longer known (its group or topic deleted). A few reads of the file, no scan of the messages: for a
     * background thread every few seconds, never for a sender's or consumer's thread.
     */
    void refresh();

    /** Removes the gauges this log registered and stops listening to the log: it is closing. */
    void close();
}
