package io.klite.runtime.kafka;

/**
 * A Kafka topic that cannot take a Klite topic's messages, or Kafka brokers that cannot be asked: found by
 * {@link KafkaTopicCheck} before anything is sent. The message names the brokers, the topic and what to do; the
 * {@link #reason()} says which check failed.
 */
public class KafkaCheckException extends RuntimeException {

    /** Which check failed. */
    public enum Reason {
        /** No broker answered within the check's timeout (or the address does not resolve). */
        UNREACHABLE,
        /** The Kafka topic does not exist; Klite never creates one. */
        TOPIC_MISSING,
        /** With {@link Partitioning#SAME}: the Kafka topic has fewer partitions than the Klite topic. */
        TOO_FEW_PARTITIONS,
        /** The brokers answered with another error (not authorized, and the like). */
        OTHER
    }

    private final Reason reason;

    /**
     * @param cause what the Kafka client said, kept as a suppressed exception rather than the cause: the consumer's
     *              log line and health check give an error's root cause, which would hide this message
     */
    KafkaCheckException(Reason reason, String message, Throwable cause) {
        super(message);
        this.reason = reason;
        if (cause != null) {
            addSuppressed(cause);
        }
    }

    public Reason reason() {
        return reason;
    }
}
