package io.klite.log;

/**
 * What a {@link KliteLog} tells about its work as it goes: how metrics learn of it without the log knowing of any
 * metrics library. Add one with {@link KliteLog#addListener}.
 *
 * <p>Invariants: each call comes once per unit of work, on the thread that did it, after its transaction committed
 * (never for work that was rolled back); with no listener added, the log does no work for them beyond reading one
 * field. A listener must be quick, must not block and must not call back into the log: it runs on a sender's thread,
 * {@link #writeCommitted} while the log's writer is held. A listener that throws is logged at WARN, once per call; the
 * work it was told of stays committed.
 */
public interface LogListener {

    /**
     * A write appended {@code count} messages to the partition: a send or batch (the Java API's {@code send}/{@code
     * sendBatch}, the {@code klite:} producer and the runtime's HTTP API, idempotent sends that wrote, not those
     * answered from their key), a dead letter (to the dead-letter topic's partition) or a chunk of a redrive (to the
     * partition each dead letter came from). One call per partition a transaction appended to, after it committed.
     */
    default void produced(String topic, int partition, int count) {
    }

    /** Retention deleted {@code count} messages of the topic in one transaction (one chunk). */
    default void retentionDeleted(String topic, long count) {
    }

    /**
     * A write transaction on the file committed, {@code nanos} after its {@code BEGIN IMMEDIATE} started: every write
     * of the log (a group of sends, a commit of offsets, a dead letter, a heartbeat, a chunk of retention). The time
     * includes waiting for another process's lock and, with {@link Durability#FULL}, the fsync.
     */
    default void writeCommitted(long nanos) {
    }
}
