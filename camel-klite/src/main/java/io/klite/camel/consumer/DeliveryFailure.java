package io.klite.camel.consumer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One failed attempt to deliver a message (or a batch) of a partition to a group, in the one wording Klite logs it
 * with. Invariant: {@link #logLine()} is a single line naming topic, partition, offset(s), group, attempt, when the next
 * attempt comes, and the error's one-line reason (its class and message); the stack trace is never part of it.
 *
 * @param firstOffset the message's offset, or the first of the batch
 * @param lastOffset  the message's offset, or the last of the batch
 * @param attempt     1 for the first delivery, n for the n-th
 * @param retryIn     the wait before the next attempt
 * @param retryAt     when the next attempt comes
 */
public record DeliveryFailure(String topic, int partition, long firstOffset, long lastOffset, String group,
                              int attempt, Duration retryIn, Instant retryAt, Throwable cause) {

    /** What failed and what happens next, without the reason: for an exception handler that adds the cause itself. */
    public String summary() {
        String what = firstOffset == lastOffset ? "the message at offset " + firstOffset
                : "the batch of offsets " + firstOffset + ".." + lastOffset;
        return "Failed to process " + what + " of topic '" + topic + "' partition " + partition + " for group '" + group
                + "', attempt " + attempt + "; it is delivered again in " + retryIn.toMillis() + " ms (at "
                + retryAt.truncatedTo(ChronoUnit.MILLIS) + "), before anything after it";
    }

    /** The log line: {@link #summary()} and the reason, on one line. */
    public String logLine() {
        return summary() + ": " + reason(cause);
    }

    /** An error in one line: its class and message, line breaks turned into spaces. */
    public static String reason(Throwable error) {
        if (error == null) {
            return "unknown failure";
        }
        String message = error.getMessage();
        return error.getClass().getName()
                + (message == null ? "" : ": " + message.strip().replaceAll("\\s*\\R\\s*", " "));
    }
}
