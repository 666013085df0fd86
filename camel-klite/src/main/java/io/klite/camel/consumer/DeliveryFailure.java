package io.klite.camel.consumer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One failed attempt to deliver a message (or a batch) of a partition to a group, and what comes of it: another
 * attempt after a wait, or the dead-letter topic. It is the one wording Klite logs a failure with, for a
 * {@code klite:} consumer and a runtime worker alike; a consumer's {@code exceptionHandler} finds it in the exchange
 * property {@link #PROPERTY}. Invariant: {@link #logLine()} is a single line naming topic, partition, offset(s),
 * group, the attempt (of how many), what happens next, and the reason on one line; the stack trace is never part of
 * it. For example {@code Delivery failed: topic 'orders' partition 0 offsets 1..3 group 'billing' attempt 2 of 5;
 * next attempt at 2026-12-01T10:00:01.500Z (in 1000 ms); reason: java.io.IOException: down}, or {@code ... attempt 5
 * of 5; dead-lettered to topic 'orders.dlq'; reason: ...}.
 *
 * @param firstOffset     the message's offset, or the first of the batch
 * @param lastOffset      the message's offset, or the last of the batch
 * @param attempt         1 for the first delivery, n for the n-th
 * @param maxAttempts     the attempts allowed before dead-lettering; 0 for no limit
 * @param retryIn         the wait before the next attempt; null where the message was dead-lettered
 * @param retryAt         when the next attempt comes; null where the message was dead-lettered
 * @param deadLetterTopic where the message went; null where it will be tried again
 * @param permanent       whether the failure was one no retry can cure ({@code nonRetryableExceptions})
 * @param reason          why it failed, on one line (see {@link #reason(Throwable)})
 */
public record DeliveryFailure(String topic, int partition, long firstOffset, long lastOffset, String group,
                              int attempt, int maxAttempts, Duration retryIn, Instant retryAt, String deadLetterTopic,
                              boolean permanent, String reason) {

    /** The exchange property that holds the {@code DeliveryFailure} of a failed exchange, for an exception handler. */
    public static final String PROPERTY = "CamelKliteDeliveryFailure";

    /** A failure that is tried again after {@code retryIn}. */
    public static DeliveryFailure retried(String topic, int partition, long firstOffset, long lastOffset, String group,
            int attempt, int maxAttempts, Duration retryIn, Instant now, String reason) {
        return new DeliveryFailure(topic, partition, firstOffset, lastOffset, group, attempt, maxAttempts, retryIn,
                now.plus(retryIn), null, false, reason);
    }

    /** A failure after which the message (batch) went to {@code deadLetterTopic}. */
    public static DeliveryFailure deadLettered(String topic, int partition, long firstOffset, long lastOffset,
            String group, int attempt, int maxAttempts, String deadLetterTopic, boolean permanent, String reason) {
        return new DeliveryFailure(topic, partition, firstOffset, lastOffset, group, attempt, maxAttempts, null, null,
                deadLetterTopic, permanent, reason);
    }

    /** The same failure with another reason: a runtime worker's, which names the HTTP answer. */
    public DeliveryFailure withReason(String otherReason) {
        return new DeliveryFailure(topic, partition, firstOffset, lastOffset, group, attempt, maxAttempts, retryIn,
                retryAt, deadLetterTopic, permanent, otherReason);
    }

    /** Whether the message (batch) went to the dead-letter topic, rather than waiting for another attempt. */
    public boolean isDeadLettered() {
        return deadLetterTopic != null;
    }

    /** What failed and what happens next, without the reason: for an exception handler that adds the cause itself. */
    public String summary() {
        return "Delivery failed: topic '" + topic + "' partition " + partition + " "
                + (firstOffset == lastOffset ? "offset " + firstOffset : "offsets " + firstOffset + ".." + lastOffset)
                + " group '" + group + "' attempt " + attempt + (maxAttempts > 0 ? " of " + maxAttempts : "") + "; "
                + (isDeadLettered()
                        ? (permanent ? "a permanent failure, " : "") + "dead-lettered to topic '" + deadLetterTopic + "'"
                        : "next attempt at " + retryAt.truncatedTo(ChronoUnit.MILLIS) + " (in " + retryIn.toMillis()
                          + " ms)");
    }

    /** The log line: {@link #summary()} and the reason, on one line. */
    public String logLine() {
        return summary() + "; reason: " + reason;
    }

    /**
     * An error in one line: its root cause's class and message (the exception that says what really went wrong, such
     * as {@code java.sql.SQLException: out of memory} under a wrapper), line breaks turned into spaces.
     */
    public static String reason(Throwable error) {
        if (error == null) {
            return "unknown failure";
        }
        Throwable root = rootCause(error);
        String message = root.getMessage();
        return root.getClass().getName()
                + (message == null ? "" : ": " + message.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    /** The innermost cause of an error (the error itself where it has none), safe against a cycle of causes. */
    public static Throwable rootCause(Throwable error) {
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 100; depth++) {
            root = root.getCause();
        }
        return root;
    }
}
