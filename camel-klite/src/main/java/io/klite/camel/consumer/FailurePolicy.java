package io.klite.camel.consumer;

import java.time.Duration;
import java.util.List;

/**
 * What a consumer does with a message (batch) whose delivery failed: how long it waits before the next attempt, and
 * when it gives up and dead-letters it. Made once, from the endpoint's options, when the consumer starts.
 *
 * @param firstDelay      the wait after the first failed attempt: {@code retryDelay}, or the consumer's {@code delay}
 * @param maxDelay        the longest wait: {@code retryMaxDelay}
 * @param maxAttempts     attempts before dead-lettering; 0 for no limit (and no dead letters)
 * @param deadLetterTopic where exhausted messages go
 * @param nonRetryable    exceptions that no retry can cure: dead-lettered at once where dead letters are on
 */
public record FailurePolicy(Duration firstDelay, Duration maxDelay, int maxAttempts, String deadLetterTopic,
                            List<Class<? extends Throwable>> nonRetryable) {

    public FailurePolicy {
        nonRetryable = List.copyOf(nonRetryable);
    }

    /** Whether messages are ever dead-lettered: only with a limit on attempts. */
    public boolean deadLetters() {
        return maxAttempts > 0;
    }

    /** Whether attempt number {@code attempt} (1 for the first) was the last one allowed. */
    public boolean exhausted(int attempt) {
        return maxAttempts > 0 && attempt >= maxAttempts;
    }

    /** Whether the error, or one of its causes, is of a class listed in {@code nonRetryableExceptions}. */
    public boolean isPermanent(Throwable error) {
        int depth = 0;
        for (Throwable e = error; e != null && depth < 100; e = e.getCause() == e ? null : e.getCause(), depth++) {
            for (Class<? extends Throwable> type : nonRetryable) {
                if (type.isInstance(e)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first) of a message: {@code firstDelay}, doubled for
     * each attempt after the first, {@code maxDelay} at most.
     */
    public Duration backoff(int attempt) {
        long millis = firstDelay.toMillis();
        for (int i = 1; i < attempt && millis < maxDelay.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(Math.max(millis, 0), maxDelay.toMillis()));
    }
}
