package io.klite.camel.consumer;

/**
 * What a consumer counts for metrics, per partition of its topic, in its group: no metrics library is named here, so the
 * consumer works the same without one. Invariants: {@link #NONE} does nothing, which is what a consumer has where its
 * Camel context has no meter registry; the counting calls come from the consumer's poll thread, each once per event;
 * a partition is {@link #held} from when its cursor is placed until it is {@link #released} or the meters are
 * {@link #close}d.
 */
public interface ConsumerMeters {

    /** Meters that count nothing. */
    ConsumerMeters NONE = new ConsumerMeters() {
    };

    /**
     * The route processed {@code count} messages of the partition successfully (its exchange completed), before the
     * commit past them.
     */
    default void consumed(int partition, int count) {
    }

    /** One delivery attempt of a message (batch) of the partition failed, the last one before a dead letter too. */
    default void failed(int partition) {
    }

    /** {@code count} messages of the partition were written to the dead-letter topic. */
    default void deadLettered(int partition, int count) {
    }

    /** The consumer holds the partition now: its lag is shown from now on, without waiting for anything else. */
    default void held(int partition) {
    }

    /**
     * The consumer gave the partition up (a rebalance, a lost lease); its lag is still shown while the file knows
     * that the group consumes it.
     */
    default void released(int partition) {
    }

    /** The consumer stopped: every partition it held is released. */
    default void close() {
    }
}
