package io.klite.log;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code klite_topic_config} table. Invariants: a row exists only for a topic that existed when it was written;
 * values are checked by {@link TopicConfig} before anything is written; a topic without a row keeps everything.
 */
final class TopicConfigTable {

    static final String DDL = Catalog.resource("topic_config.sql");
    private static final String SELECT = "SELECT retention_ms, retention_messages, retention_keep_unconsumed"
            + " FROM klite_topic_config WHERE topic = ?";
    private static final String UPSERT = "INSERT INTO klite_topic_config (topic, retention_ms, retention_messages,"
            + " retention_keep_unconsumed, updated_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (topic) DO UPDATE SET retention_ms = excluded.retention_ms,"
            + " retention_messages = excluded.retention_messages,"
            + " retention_keep_unconsumed = excluded.retention_keep_unconsumed, updated_at = excluded.updated_at";

    private static final String DELETING = "SELECT topic, retention_ms, retention_messages, retention_keep_unconsumed"
            + " FROM klite_topic_config WHERE retention_ms IS NOT NULL OR retention_messages IS NOT NULL ORDER BY topic";

    private final Database db;
    private final Catalog catalog;

    TopicConfigTable(Database db, Catalog catalog) {
        this.db = db;
        this.catalog = catalog;
    }

    /** Stores the topic's settings, replacing any before. */
    void store(String topic, TopicConfig config) {
        TopicPartition.validateTopic(topic);
        if (catalog.partitionCount(topic) == 0) {
            throw new UnknownTopicException("Cannot configure topic '" + topic + "': it does not exist; create it"
                    + " first (createTopic, or a first send)");
        }
        catalog.table(new TopicPartition(topic, 0)).write(db.deadline(), conn -> {
            PreparedStatement statement = conn.prepare(UPSERT);
            statement.setString(1, topic);
            statement.setObject(2, config.retentionAge() == null ? null : config.retentionAge().toMillis());
            statement.setObject(3, config.retentionMessages());
            statement.setInt(4, config.keepUnconsumed() ? 1 : 0);
            statement.setString(5, DeliveryAttemptsTable.text(Instant.now()));
            statement.executeUpdate();
            return null;
        });
    }

    /** The settings of every topic whose retention deletes messages, by topic. */
    Map<String, TopicConfig> deleting() {
        return db.read(conn -> {
            Map<String, TopicConfig> configs = new LinkedHashMap<>();
            try (ResultSet rs = conn.prepare(DELETING).executeQuery()) {
                while (rs.next()) {
                    configs.put(rs.getString(1), config(rs, 2));
                }
            }
            return configs;
        });
    }

    /** The topic's settings; {@link TopicConfig#KEEP_EVERYTHING} where it has none. */
    TopicConfig read(String topic) {
        TopicPartition.validateTopic(topic);
        return db.read(conn -> {
            PreparedStatement statement = conn.prepare(SELECT);
            statement.setString(1, topic);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? config(rs, 1) : TopicConfig.KEEP_EVERYTHING;
            }
        });
    }

    /** The settings in a row's columns from {@code first} on: milliseconds, messages, keep-unconsumed. */
    private static TopicConfig config(ResultSet rs, int first) throws SQLException {
        long ms = rs.getLong(first);
        Duration age = rs.wasNull() ? null : Duration.ofMillis(ms);
        long count = rs.getLong(first + 1);
        Long messages = rs.wasNull() ? null : count;
        return new TopicConfig(age, messages, rs.getInt(first + 2) != 0);
    }
}
