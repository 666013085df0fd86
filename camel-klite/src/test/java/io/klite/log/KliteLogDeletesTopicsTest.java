package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Deleting a topic takes its partition tables (seed-made ones too) and every row keyed by it, in one transaction,
 * and nothing of any other topic, not even of one whose name starts with its own ({@code orders} and
 * {@code orders_eu}, whose tables are {@code orders_0} and {@code orders_eu_0}). It is refused, writing nothing,
 * while live members consume the topic. A send afterwards starts the topic afresh from offset 1, through this log
 * or another of the file that had used the topic.
 */
class KliteLogDeletesTopicsTest extends LogTestSupport {

    private static final Duration SESSION = Duration.ofSeconds(30);
    /** Klite's tables keyed by topic, with the seed's {@code consumer_offsets}. */
    private static final List<String> TOPIC_TABLES = List.of("consumer_offsets", "klite_topic_config",
            "klite_delivery_attempts", "klite_partition_leases", "klite_members", "klite_idempotency_keys");

    @Test
    void deletesTheTopicsTablesAndRowsAndNothingOfOtherTopics() throws Exception {
        log.createTopic("orders", 2);
        log.sendBatch("orders", 0, List.of("a", "b"));
        log.send("orders", 1, "c");
        log.createTopic("orders_eu", 2);
        log.sendBatch("orders_eu", 1, List.of("x", "y", "z"));
        try (Jdbc other = new Jdbc(log.path())) {
            // a partition the seed made (no key or headers column), after a gap: orders has 4 partitions
            other.createSeedPartition("orders_3");
            other.exec("INSERT INTO orders_3 (data) VALUES ('seed')");
            // other applications' tables, which look like the topic's but are no partitions
            other.exec("CREATE TABLE \"orders_5\" (name TEXT)");
            other.exec("CREATE TABLE \"orders_x\" (id INTEGER PRIMARY KEY, data BLOB)");
        }
        for (String topic : List.of("orders", "orders_eu")) {
            log.commit("billing", topic, 0, topic.equals("orders") ? 1 : 0);
            log.commit("billing", topic, 1, 1);
            log.configureTopic(topic, new TopicConfig(Duration.ofDays(7), null, false));
            log.deliveryAttempt("billing", topic, 1, 1, 1, 2, "boom");
        }
        // a live member of another topic holds back nothing of this one
        log.heartbeat("billing", "orders_eu", "live", "host-l pid 5", List.of(), SESSION);
        try (Jdbc file = new Jdbc(log.path())) {
            for (String topic : List.of("orders", "orders_eu")) {
                // a member dead past its session timeout, and its expired lease
                file.exec("INSERT INTO klite_members VALUES ('billing', ?, 'dead', 'host-d pid 4', '', 1000, 1, 2)",
                        topic);
                file.exec("INSERT INTO klite_partition_leases VALUES ('billing', ?, 1, 'dead', 1002)", topic);
                file.exec("INSERT INTO klite_idempotency_keys VALUES (?, 'fp', ?, 0, 1, 1, '2026-12-01T10:00:00Z',"
                        + " 9000000000000)", "key-" + topic, topic);
            }
        }
        assertThat(log.partitionCount("orders")).isEqualTo(4);

        assertThat(log.deleteTopic("orders")).isEqualTo(4);

        assertThat(log.partitionCount("orders")).isZero();
        assertThat(log.topics()).extracting(TopicInfo::topic).containsExactly("orders_eu");
        try (Jdbc file = new Jdbc(log.path())) {
            assertThat(file.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'orders%'"
                                    + " ORDER BY name"))
                    .containsExactly("orders_5", "orders_eu_0", "orders_eu_1", "orders_x");
            assertThat(file.strings("SELECT name FROM sqlite_sequence ORDER BY name"))
                    .as("SQLite forgets a dropped table's highest offset").containsExactly("orders_eu_1");
            for (String table : TOPIC_TABLES) {
                assertThat(file.strings("SELECT DISTINCT topic FROM " + table)).as(table).containsExactly("orders_eu");
            }
            assertThat(file.strings("SELECT member_id FROM klite_members ORDER BY member_id"))
                    .containsExactly("dead", "live");
            assertThat(file.count("SELECT count(*) FROM \"orders_eu_1\"")).isEqualTo(3);
        }
        assertThat(log.read("orders_eu", 1, 0, 10)).extracting(m -> new String(m.payload()))
                .containsExactly("x", "y", "z");
        assertThat(log.groups()).extracting(GroupOffset::topic).containsOnly("orders_eu");
        assertThat(log.topicConfig("orders")).isEqualTo(TopicConfig.KEEP_EVERYTHING);
        assertThat(log.topicConfig("orders_eu")).isEqualTo(new TopicConfig(Duration.ofDays(7), null, false));
        assertThat(log.deliveryAttempts()).extracting(DeliveryAttempts::topic).containsExactly("orders_eu");
    }

    @Test
    void aSendAfterTheDeleteStartsTheTopicAfreshFromOffsetOne() throws Exception {
        log.createTopic("orders", 3);
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        log.commit("billing", "orders", 0, 3);
        try (Jdbc file = new Jdbc(log.path())) {
            // the newest messages deleted: SQLite alone remembers offset 3
            file.exec("DELETE FROM \"orders_0\" WHERE id > 1");
        }

        assertThat(log.deleteTopic("orders")).isEqualTo(3);

        assertThat(log.send("orders", 0, "new")).isEqualTo(1);
        assertThat(log.partitionCount("orders")).as("created as a first send creates a topic").isEqualTo(1);
        assertThat(log.read("orders", 0, 0, 10)).extracting(Message::offset, m -> new String(m.payload()))
                .containsExactly(tuple(1L, "new"));
        assertThat(log.committed("billing", "orders", 0)).as("the group starts from the beginning").isEmpty();
        assertThat(log.fetch("billing", "orders", 0, 10)).extracting(Message::offset).containsExactly(1L);
    }

    @Test
    void anotherLogOfTheFileThatUsedTheTopicStartsItAfreshToo() {
        try (KliteLog other = KliteLog.open(log.path())) {
            other.sendBatch("orders", 0, List.of("a", "b"));
            assertThat(other.read("orders", 0, 0, 10)).hasSize(2);
            assertThat(other.endOffset("orders", 0)).isEqualTo(2);

            assertThat(log.deleteTopic("orders")).isEqualTo(1);

            // the other log still holds the table ready: its send finds it gone, and creates the topic again
            assertThat(other.send("orders", 0, "c")).isEqualTo(1);
            assertThat(other.read("orders", 0, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("c");
            assertThat(log.read("orders", 0, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("c");

            assertThat(log.deleteTopic("orders")).isEqualTo(1);

            // a read fails once, on the table it held ready, and then finds the topic gone
            assertThatThrownBy(() -> other.read("orders", 0, 0, 10))
                    .isInstanceOf(KliteStorageException.class).hasMessageContaining("no such table");
            assertThat(other.read("orders", 0, 0, 10)).isEmpty();
            assertThat(other.partitionCount("orders")).isZero();
            assertThat(other.send("orders", 0, "d")).isEqualTo(1);
        }
    }

    @Test
    void anIdempotentSendOfAnotherLogStartsTheTopicAfreshAndItsKeyIsNew() {
        IdempotencyKey once = new IdempotencyKey("order-1", "fp", Duration.ofDays(1));
        try (KliteLog other = KliteLog.open(log.path())) {
            other.sendBatch("orders", 0, List.of("a", "b"));
            assertThat(other.send(once, "orders", 0, null, null, "c").batch().firstOffset()).isEqualTo(3);

            assertThat(log.deleteTopic("orders")).isEqualTo(1);

            // the deleted topic's keys went with it: the same send writes again, to the topic created afresh
            IdempotentSend again = other.send(once, "orders", 0, null, null, "c");
            assertThat(again).isEqualTo(new IdempotentSend("orders", 0, new BatchResult(1, 1), false));
            assertThat(log.read("orders", 0, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("c");
        }
    }

    @Test
    void aTopicLiveMembersConsumeIsNotDeletedAndNothingIsWritten() throws Exception {
        log.createTopic("orders", 2);
        log.sendBatch("orders", 0, List.of("a", "b"));
        log.commit("billing", "orders", 0, 1);
        log.configureTopic("orders", new TopicConfig(null, 100L, true));
        log.heartbeat("billing", "orders", "m-1", "host-a pid 1", List.of(), SESSION);
        log.heartbeat("audit", "orders", "m-2", "host-b pid 2", List.of(0), SESSION);
        assertThat(log.acquireLease("billing", "orders", 0, "m-1", SESSION)).isTrue();
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.deleteTopic("orders"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot delete topic 'orders': 2 live member(s) consume it: m-2 (host-b pid 2) of group"
                            + " 'audit', m-1 (host-a pid 1) of group 'billing'; stop them first (a stopped member"
                            + " leaves at once; a killed one counts as live until its session timeout has passed);"
                            + " nothing was deleted");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(log.read("orders", 0, 0, 10)).hasSize(2);

        log.leaveGroup("billing", "orders", "m-1");
        assertThatThrownBy(() -> log.deleteTopic("orders")).hasMessageContaining("1 live member(s)")
                .hasMessageContaining("m-2 (host-b pid 2) of group 'audit'");
        log.leaveGroup("audit", "orders", "m-2");
        assertThat(log.deleteTopic("orders")).isEqualTo(2);
        assertThat(log.partitionCount("orders")).isZero();
    }

    @Test
    void anUnknownOrInvalidTopicIsRefusedAndNothingIsWritten() throws Exception {
        log.sendBatch("orders", 0, List.of("a", "b"));
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.deleteTopic("nothing"))
                .isInstanceOf(UnknownTopicException.class)
                .hasMessage("Cannot delete topic 'nothing': it does not exist");
        assertThatThrownBy(() -> log.deleteTopic("ORDERS"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageStartingWith("Topic 'ORDERS' clashes with existing topic 'orders'");
        assertThatThrownBy(() -> log.deleteTopic("bad name"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageStartingWith("Invalid topic name 'bad name'");
        assertThatThrownBy(() -> log.deleteTopic("ord"))
                .as("a prefix of a topic is not that topic").isInstanceOf(UnknownTopicException.class);

        assertThat(snapshot()).isEqualTo(before);
    }

    /** Every table's name and rows, as another program reads the file. */
    private Map<String, List<String>> snapshot() throws Exception {
        try (Jdbc file = new Jdbc(log.path())) {
            Map<String, List<String>> tables = new TreeMap<>();
            for (String table : file.strings("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                tables.put(table, file.rows("SELECT * FROM \"" + table + "\"").stream()
                        .map(row -> row.values().stream().map(KliteLogDeletesTopicsTest::text).toList().toString())
                        .sorted().toList());
            }
            return tables;
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value);
    }
}
