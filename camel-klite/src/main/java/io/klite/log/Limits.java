package io.klite.log;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every limit and default that the log, a {@code klite:} endpoint and a runtime worker share, each stated once, with
 * the one wording of its error. A check returns the value it accepted and otherwise throws an exception whose
 * message is {@code <where>'<value>' is not a <thing>; allowed: <range>}: the caller's {@code where} says which
 * option, key or argument held the value (such as {@code "Invalid batchSize for topic 'orders': "}), the rest is the
 * same everywhere.
 */
public final class Limits {

    /** Partitions a topic may have: each is a table, and creating them runs in one transaction. */
    public static final int MAX_PARTITIONS = 1000;
    /** The partitions a topic gets when the first send to it creates it. */
    public static final int DEFAULT_PARTITION_COUNT = 1;
    /** The most messages a consumer or worker fetches from a partition at a time, where it does not say. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** The largest batch size: one fetch holds up to this many messages per partition in memory. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** How long a statement waits for another process's lock on the file before it fails. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** The longest wait between two attempts of a failing message, where the consumer or worker does not say. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(60);
    /** How often a consumer records that it is alive, by default (DESIGN §9). */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    /** How long after its last heartbeat a consumer counts as dead and its partitions move, by default. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
    /** The same for a worker file, in its own form. */
    public static final String DEFAULT_MAX_INTERVAL = "60s";
    /** The payload bytes a consumer or worker fetches from a partition at a time at most, where it does not say. */
    public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;
    /** How often a file's retention cleaner runs, where the component does not say. */
    public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofMinutes(1);
    /** The suffix of a topic's dead-letter topic, where the consumer or worker does not name one. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    /** A worker's wait between looks at an idle partition and before a failed batch is posted again. */
    public static final String DEFAULT_INTERVAL = "1s";

    public static final String DURATION_RULE =
            "use a whole number above 0 with ms, s or m, such as 500ms, 5s or 1m";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    public static final String RETENTION_AGE_RULE =
            "use a whole number above 0 with ms, s, m, h or d, such as 500ms, 45s, 30m, 12h or 7d";

    private static final Pattern RETENTION_AGE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** The units of a retention age, largest first, and their length in milliseconds. */
    private static final Map<String, Long> AGE_UNITS = unitsLargestFirst();

    private static final String MESSAGES_RULE =
            "allowed: a whole number of at least 1 (the newest messages each partition keeps)";

    private Limits() {
    }

    /**
     * A partition number: {@code 0} to {@code MAX_PARTITIONS - 1}.
     *
     * @throws InvalidPartitionException naming the value and the range
     */
    public static int partition(String where, int partition) {
        if (partition < 0 || partition >= MAX_PARTITIONS) {
            throw new InvalidPartitionException(where + "'" + partition + "' is not a partition number; allowed: 0 to "
                    + (MAX_PARTITIONS - 1));
        }
        return partition;
    }

    /**
     * A partition number written as text: a whole number from {@code 0} to {@code MAX_PARTITIONS - 1}.
     *
     * @throws InvalidPartitionException naming the value and the range
     */
    public static int partition(String where, String text) {
        int partition;
        try {
            partition = Integer.parseInt(text == null ? "" : text.trim());
        } catch (NumberFormatException notANumber) {
            throw new InvalidPartitionException(where + "'" + text + "' is not a partition number; allowed: 0 to "
                    + (MAX_PARTITIONS - 1));
        }
        return partition(where, partition);
    }

    /**
     * A topic's partition count: {@code 1} to {@value #MAX_PARTITIONS}.
     *
     * @throws InvalidPartitionException naming the value and the range
     */
    public static int partitionCount(String where, int count) {
        if (count < 1 || count > MAX_PARTITIONS) {
            throw new InvalidPartitionException(where + "'" + count + "' is not a partition count; allowed: 1 to "
                    + MAX_PARTITIONS);
        }
        return count;
    }

    /**
     * The most messages fetched from a partition at a time: {@code 1} to {@value #MAX_BATCH_SIZE}.
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static int batchSize(String where, int size) {
        if (size < 1 || size > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(where + "'" + size + "' is not a batch size; allowed: 1 to "
                    + MAX_BATCH_SIZE + " messages");
        }
        return size;
    }

    /**
     * A duration as the original klite writes it: a whole number above 0 with {@code ms}, {@code s} or {@code m}.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static Duration duration(String where, String text) {
        Matcher matcher = DURATION.matcher(text == null ? "" : text);
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IllegalArgumentException(where + "'" + text + "' is not a duration; " + DURATION_RULE);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    /**
     * A topic's retention age: a whole number above 0 with {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
     * (a day is 24 hours), at most {@link TopicConfig#MAX_RETENTION_AGE}. Worker intervals keep {@link #duration}.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    public static Duration retentionAge(String where, String text) {
        Matcher matcher = RETENTION_AGE.matcher(text == null ? "" : text);
        String digits = matcher.matches() ? matcher.group(1).replaceFirst("^0+", "") : "";
        if (digits.isEmpty()) {
            throw new IllegalArgumentException(where + "'" + text + "' is not a retention age; " + RETENTION_AGE_RULE);
        }
        long unit = AGE_UNITS.get(matcher.group(2));
        if (!fitsLong(digits) || Long.parseLong(digits) > TopicConfig.MAX_RETENTION_AGE.toMillis() / unit) {
            throw new IllegalArgumentException(where + "'" + text + "' is not a retention age: it is over "
                    + TopicConfig.MAX_RETENTION_AGE.toDays() + "d (100 years); leave the age out for no age limit");
        }
        return Duration.ofMillis(Long.parseLong(digits) * unit);
    }

    /**
     * A retention age as {@link #retentionAge} reads it, in the largest unit that holds it exactly: {@code 7d},
     * {@code 36h}, {@code 90m}, {@code 1500ms}. Parts of a millisecond are left out.
     *
     * @throws IllegalArgumentException where the age is below 1 ms
     */
    public static String formatRetentionAge(Duration age) {
        long millis = age.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("A retention age is at least 1ms, not " + age);
        }
        for (Map.Entry<String, Long> unit : AGE_UNITS.entrySet()) {
            if (millis % unit.getValue() == 0) {
                return millis / unit.getValue() + unit.getKey();
            }
        }
        throw new IllegalStateException("1 ms divides every age");
    }

    /**
     * The newest messages a topic's retention keeps per partition: {@code 1} or more.
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static long retentionMessages(String where, long count) {
        if (count < 1) {
            throw new IllegalArgumentException(where + "'" + count + "' is not a message count; " + MESSAGES_RULE);
        }
        return count;
    }

    /**
     * The same, written as text: digits only, {@code 1} to {@link Long#MAX_VALUE}.
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static long retentionMessages(String where, String text) {
        if (text == null || !text.matches("[0-9]+")) {
            throw new IllegalArgumentException(where + "'" + text + "' is not a message count; " + MESSAGES_RULE);
        }
        String digits = text.replaceFirst("^0+(?=.)", "");
        if (!fitsLong(digits)) {
            throw new IllegalArgumentException(where + "'" + text + "' is not a message count: it is over "
                    + Long.MAX_VALUE + "; " + MESSAGES_RULE);
        }
        return retentionMessages(where, Long.parseLong(digits));
    }

    /**
     * Attempts of one message (batch) before it is dead-lettered: {@code 0} (no limit: retried until it succeeds) or
     * more.
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static int maxAttempts(String where, long attempts) {
        if (attempts < 0 || attempts > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + "'" + attempts + "' is not a number of attempts; allowed: 0 (no"
                    + " limit, retry until it succeeds) or 1 to " + Integer.MAX_VALUE);
        }
        return (int) attempts;
    }

    /**
     * The most payload bytes one fetch takes from a partition: {@code 1} or more (a fetch always takes at least one
     * message, however large).
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    public static long maxBatchBytes(String where, long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException(where + "'" + bytes + "' is not a byte count; allowed: 1 or more (a"
                    + " fetch always takes at least one message, however large)");
        }
        return bytes;
    }

    /**
     * Where a topic's exhausted messages go: {@code named}, or {@code <topic>.dlq} where it is null or empty; a valid
     * topic name other than {@code topic}, in any case.
     *
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String deadLetterTopic(String where, String topic, String named) {
        boolean given = named != null && !named.isEmpty();
        String deadLetters = given ? named : topic + DEAD_LETTER_SUFFIX;
        try {
            TopicPartition.validateTopic(deadLetters);
        } catch (InvalidTopicException e) {
            throw new IllegalArgumentException(where + (given ? "" : "the default dead-letter topic does not fit: ")
                    + e.getMessage() + (given ? "" : "; name a dead-letter topic of at most "
                    + TopicPartition.MAX_TOPIC_LENGTH + " characters"), e);
        }
        if (deadLetters.equalsIgnoreCase(topic)) {
            throw new IllegalArgumentException(where + "'" + deadLetters + "' is the topic itself; dead letters go to"
                    + " another topic than the one they failed on (default " + topic + DEAD_LETTER_SUFFIX + ")");
        }
        return deadLetters;
    }

    /** Whether a number of digits without leading zeros is at most {@link Long#MAX_VALUE}. */
    private static boolean fitsLong(String digits) {
        String max = String.valueOf(Long.MAX_VALUE);
        return digits.length() < max.length() || digits.length() == max.length() && digits.compareTo(max) <= 0;
    }

    private static Map<String, Long> unitsLargestFirst() {
        Map<String, Long> units = new LinkedHashMap<>();
        units.put("d", Duration.ofDays(1).toMillis());
        units.put("h", Duration.ofHours(1).toMillis());
        units.put("m", Duration.ofMinutes(1).toMillis());
        units.put("s", Duration.ofSeconds(1).toMillis());
        units.put("ms", 1L);
        return units;
    }

    /** The valid partitions of a topic with {@code count} partitions, for error messages: "3 partitions (valid: 0..2)". */
    public static String validRange(int count) {
        return count == 1 ? "1 partition (valid: 0)" : count + " partitions (valid: 0.." + (count - 1) + ")";
    }
}
