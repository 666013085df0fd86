package io.klite.log;

import java.util.Optional;

/**
 * A validated topic and partition, and the one place that turns them into a SQLite table name.
 *
 * <p>Invariants: the topic is 1 to 249 characters of {@code [A-Za-z0-9._-]}, not {@code .} or {@code ..}
 * (Kafka's rule), and does not map to a table name SQLite reserves ({@code sqlite_*}); the partition is
 * {@code 0..}{@value Limits#MAX_PARTITIONS}{@code -1}. So {@link #table()} is always a safe identifier, and it is always
 * used quoted. Table names are
 * {@code <topic>_<partition>}; {@link #parseTable} splits at the last {@code _} and accepts only a canonical
 * decimal suffix, which makes the mapping one-to-one.
 */
public record TopicPartition(String topic, int partition) {

    /** Kafka's limit: 249 characters. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private static final String TOPIC_RULE =
            "a topic name is 1 to " + MAX_TOPIC_LENGTH + " characters of [A-Za-z0-9._-] and not '.' or '..'";

    public TopicPartition {
        validateTopic(topic);
        Limits.partition("Invalid partition for topic '" + topic + "': ", partition);
    }

    /** The table name, unquoted: {@code orders_0}. */
    String tableName() {
        return topic + '_' + partition;
    }

    /** The table name as a quoted SQL identifier: {@code "orders_0"}. Safe because the topic was validated. */
    String table() {
        return '"' + tableName() + '"';
    }

    @Override
    public String toString() {
        return topic + '-' + partition;
    }

    /**
     * Checks a topic name against Kafka's rule and SQLite's reserved names.
     *
     * @return the name, for chaining
     * @throws InvalidTopicException naming the value and the rule
     */
    public static String validateTopic(String topic) {
        if (topic == null) {
            throw new InvalidTopicException("Invalid topic name: null; " + TOPIC_RULE);
        }
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new InvalidTopicException("Invalid topic name '" + abbreviate(topic) + "' (" + topic.length()
                    + " characters): " + TOPIC_RULE);
        }
        if (topic.equals(".") || topic.equals("..")) {
            throw new InvalidTopicException("Invalid topic name '" + topic + "': " + TOPIC_RULE);
        }
        for (int i = 0; i < topic.length(); i++) {
            if (!isLegal(topic.charAt(i))) {
                throw new InvalidTopicException("Invalid topic name '" + abbreviate(topic) + "': character '"
                        + topic.charAt(i) + "' at index " + i + " is not allowed; " + TOPIC_RULE);
            }
        }
        if (topic.equalsIgnoreCase("sqlite") || topic.regionMatches(true, 0, "sqlite_", 0, 7)) {
            throw new InvalidTopicException("Invalid topic name '" + topic
                    + "': SQLite reserves table names that start with 'sqlite_', so a topic may not be 'sqlite'"
                    + " or start with 'sqlite_'");
        }
        return topic;
    }

    /**
     * Reads a table name as a partition table, or returns empty when it is not one (no {@code _}, a suffix that is
     * not a canonical non-negative number, a topic part that breaks the naming rule).
     */
    static Optional<TopicPartition> parseTable(String tableName) {
        int split = tableName.lastIndexOf('_');
        if (split <= 0 || split == tableName.length() - 1) {
            return Optional.empty();
        }
        String suffix = tableName.substring(split + 1);
        if (suffix.length() > 9 || (suffix.length() > 1 && suffix.charAt(0) == '0') || !suffix.chars().allMatch(
                c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TopicPartition(tableName.substring(0, split), Integer.parseInt(suffix)));
        } catch (InvalidTopicException | InvalidPartitionException notAPartitionTable) {
            return Optional.empty();
        }
    }

    /**
     * The error for this partition of a topic with {@code count} partitions ({@code exists}) or of a topic that would
     * be created with {@code count}.
     */
    public InvalidPartitionException outOfRange(boolean exists, int count) {
        return new InvalidPartitionException("Partition " + partition + " is out of range for topic '" + topic + "': "
                + (exists ? "it has " : "a new topic gets ") + Limits.validRange(count));
    }

    private static boolean isLegal(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    private static String abbreviate(String topic) {
        return topic.length() <= 60 ? topic : topic.substring(0, 40) + "..." + topic.substring(topic.length() - 10);
    }
}
