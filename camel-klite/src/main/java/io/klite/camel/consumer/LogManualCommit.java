package io.klite.camel.consumer;

import io.klite.camel.KliteManualCommit;
import io.klite.log.KliteLog;

/** Commits one exchange's offset to the log the consumer read it from. */
record LogManualCommit(KliteLog log, String group, String topic, int partition, long offset)
        implements KliteManualCommit {

    @Override
    public void commit() {
        log.commit(group, topic, partition, offset);
    }

    @Override
    public String toString() {
        return "KliteManualCommit[group=" + group + ", topic=" + topic + ", partition=" + partition + ", offset="
                + offset + "]";
    }
}
