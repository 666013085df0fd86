package io.klite.runtime.kafka;

/**
 * A Kafka record that has no Klite message to become: its key or a header value is not UTF-8 text, a header has no
 * value, or it has no value at all (a tombstone). The message names the topic, partition and offset; nothing of the
 * record was written.
 */
public class InvalidKafkaRecordException extends IllegalArgumentException {

    private final boolean tombstone;

    InvalidKafkaRecordException(String message, boolean tombstone) {
        super(message);
        this.tombstone = tombstone;
    }

    /** Whether the record is a tombstone (a null value), which an import may skip where the user says so. */
    public boolean isTombstone() {
        return tombstone;
    }
}
