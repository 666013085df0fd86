package io.klite.camel.consumer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One failed attempt to deliver a message (or a batch) of a partition to a group, in the one wording Klite logs it
 * with, for a {@code klite:} consumer and a runtime worker alike. Invariant: {@link #logLine()} is a single line naming
 * topic, partition, offset(s), group, attempt, when the next attempt comes, and the reason on one line; the stack
 * trace is never part of it. For example {@code Delivery failed: topic 'orders' partition 0 offsets 1..3 group
 * 'billing' attempt 2; next attempt at 2026-12-01T10:00:01.500Z (in 1000 ms); reason: java.io.IOException: down}.
 *
 * @param firstOffset the message's offset, or the first of the batch
 * @param lastOffset  the message's offset, or the last of the batch
 * @param attempt     1 for the first delivery, n for the n-th
 * @param retryIn     the wait before the next attempt
 * @param retryAt     when the next attempt comes
 * @param reason      why it failed, on one line (see {@link #reason(Throwable)})
 */
public record DeliveryFailure(String topic, int partition, long firstOffset, long lastOffset, String group,
                              int attempt, Duration retryIn, Instant retryAt, String reason) {

    /** What failed and what happens next, without the reason: for an exception handler that adds the cause itself. */
    public String summary() {
        return "Delivery failed: topic '" + topic + "' partition " + partition + " "
                + (firstOffset == lastOffset ? "offset " + firstOffset : "offsets " + firstOffset + ".." + lastOffset)
                + " group '" + group + "' attempt " + attempt + "; next attempt at "
                + retryAt.truncatedTo(ChronoUnit.MILLIS) + " (in " + retryIn.toMillis() + " ms)";
    }

    /** The log line: {@link #summary()} and the reason, on one line. */
    public String logLine() {
        return summary() + "; reason: " + reason;
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
