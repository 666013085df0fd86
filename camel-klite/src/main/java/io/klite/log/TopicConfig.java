package io.klite.log;

import java.time.Duration;

/**
 * A topic's retention settings, stored in the file (table {@code klite_topic_config}) so that every process on it
 * agrees. The default, {@link #KEEP_EVERYTHING}, deletes nothing (the original klite's behaviour).
 *
 * @param retentionAge      messages older than this are deleted; null for no age limit
 * @param retentionMessages at most this many of the newest messages are kept per partition; null for no limit
 * @param keepUnconsumed    never delete a message that a group with a committed offset on its partition has not
 *                          committed past
 */
public record TopicConfig(Duration retentionAge, Long retentionMessages, boolean keepUnconsumed) {

    /** No retention: every message is kept. */
    public static final TopicConfig KEEP_EVERYTHING = new TopicConfig(null, null, false);

    /** The longest retention age, 100 years: an age is a time span to keep, and no age at all keeps everything. */
    public static final Duration MAX_RETENTION_AGE = Duration.ofDays(36_500);

    /**
     * @throws IllegalArgumentException where the age is not 1 ms to {@link #MAX_RETENTION_AGE} or the count is below 1,
     *                                  naming the value
     */
    public TopicConfig {
        if (retentionAge != null && (retentionAge.isNegative() || retentionAge.compareTo(Duration.ofMillis(1)) < 0
                                     || retentionAge.compareTo(MAX_RETENTION_AGE) > 0)) {
            throw new IllegalArgumentException("Invalid retention age " + retentionAge + ": an age is at least 1 ms and"
                    + " at most " + MAX_RETENTION_AGE.toDays() + " days (no age limit: none)");
        }
        if (retentionMessages != null && retentionMessages < 1) {
            throw new IllegalArgumentException("Invalid retention count " + retentionMessages + ": keep at least 1"
                    + " message per partition (no count limit: none)");
        }
    }

    /** Whether these settings ever delete a message. */
    public boolean deletes() {
        return retentionAge != null || retentionMessages != null;
    }
}
