package io.klite.log;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message (or batch) to move to a dead-letter topic: what {@link KliteLog#deadLetter} writes, each message with
 * its payload and key unchanged and its headers plus the ones named here.
 *
 * @param group            the consumer group that failed to deliver it
 * @param topic            where it was read
 * @param partition        where it was read
 * @param messages         the message, or the batch, in offset order; at least one
 * @param deadLetterTopic  where it goes
 * @param attempts         how many deliveries failed
 * @param exceptionClass   the class name of the last failure
 * @param exceptionMessage the message of the last failure, or null
 * @param failedAt         when the last attempt failed
 */
public record DeadLetter(String group, String topic, int partition, List<Message> messages, String deadLetterTopic,
                         int attempts, String exceptionClass, String exceptionMessage, Instant failedAt) {

    /** Header: the topic the message was read from. */
    public static final String ORIGINAL_TOPIC = "klite.original.topic";
    /** Header: the partition the message was read from. */
    public static final String ORIGINAL_PARTITION = "klite.original.partition";
    /** Header: the message's offset in its original partition. */
    public static final String ORIGINAL_OFFSET = "klite.original.offset";
    /** Header: the consumer group that failed to deliver it. */
    public static final String GROUP = "klite.group";
    /** Header: how many deliveries failed. */
    public static final String ATTEMPTS = "klite.attempts";
    /** Header: the class name of the last failure. */
    public static final String EXCEPTION_CLASS = "klite.exception.class";
    /** Header: the message of the last failure (empty where it had none), cut to {@link #MAX_EXCEPTION_MESSAGE}. */
    public static final String EXCEPTION_MESSAGE = "klite.exception.message";
    /** Header: when the last attempt failed, ISO-8601 UTC ({@code 2026-12-01T10:00:00.123Z}). */
    public static final String FAILED_AT = "klite.failed.at";
    /** The headers dead-lettering adds, which a redrive takes off again. */
    public static final List<String> HEADERS = List.of(ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET, GROUP,
            ATTEMPTS, EXCEPTION_CLASS, EXCEPTION_MESSAGE, FAILED_AT);
    /** The most characters of an exception's message kept in {@link #EXCEPTION_MESSAGE}. */
    public static final int MAX_EXCEPTION_MESSAGE = 4096;

    public DeadLetter {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(failedAt, "failedAt");
        Objects.requireNonNull(exceptionClass, "exceptionClass");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("Cannot dead-letter an empty batch of topic '" + topic + "' partition "
                    + partition + ": give at least one message");
        }
    }

    /** The offset of the first message. */
    public long firstOffset() {
        return messages.get(0).offset();
    }

    /** The offset of the last message: the group's commit goes past it. */
    public long lastOffset() {
        return messages.get(messages.size() - 1).offset();
    }
}
