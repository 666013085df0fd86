package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input is refused with a message naming the value and the rule, and leaves no table or row behind. */
class KliteLogRejectsBadInputTest extends LogTestSupport {

    @BeforeEach
    void createTopics() {
        log.createTopic("orders", 2);
        log.send("orders", 0, "existing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "orders;DROP TABLE x", "x\"y", "ünïcode", ".", "..", "orders_0\"; --"})
    void invalidTopicNamesAreRefusedBeforeAnySql(String topic) throws Exception {
        assertThatThrownBy(() -> log.send(topic, 0, "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'" + topic + "'")
                .hasMessageContaining("[A-Za-z0-9._-]");
        assertThatThrownBy(() -> log.sendBatch(topic, 0, List.of("x"))).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> log.createTopic(topic, 1)).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> log.fetch("g", topic, 0, 1)).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> log.commit("g", topic, 0, 0)).isInstanceOf(InvalidTopicException.class);
        assertNothingWritten();
    }

    @Test
    void aTopicNameLongerThan249CharactersIsRefused() throws Exception {
        String longest = "t".repeat(249);
        assertThat(log.send(longest, 0, "fits")).isEqualTo(1);
        String tooLong = "t".repeat(250);
        assertThatThrownBy(() -> log.send(tooLong, 0, "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("250 characters")
                .hasMessageContaining("1 to 249");
        assertThatThrownBy(() -> log.send(null, 0, "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("null");
        try (Jdbc jdbc = new Jdbc(log.path())) {
            assertThat(jdbc.count("SELECT count(*) FROM sqlite_master WHERE length(name) > 251")).isZero();
        }
    }

    @Test
    void topicsSqliteWouldTreatAsTheSameOrAsReservedAreRefused() throws Exception {
        assertThatThrownBy(() -> log.send("ORDERS", 0, "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'ORDERS' clashes with existing topic 'orders'");
        assertThatThrownBy(() -> log.fetch("g", "Orders", 0, 1))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'Orders'");
        assertThatThrownBy(() -> log.committed("g", "ORDERS", 0)).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> log.commit("g", "Orders", 0, 0)).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> log.send("sqlite_stat", 0, "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("sqlite_");
        assertNothingWritten();
    }

    @Test
    void negativeAndOutOfRangePartitionsAreRefused() throws Exception {
        assertThatThrownBy(() -> log.send("orders", -1, "x"))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("-1")
                .hasMessageContaining("allowed: 0 to 999");
        assertThatThrownBy(() -> log.send("orders", 2, "x"))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("Partition 2")
                .hasMessageContaining("'orders'")
                .hasMessageContaining("2 partitions (valid: 0..1)");
        assertThatThrownBy(() -> log.sendBatch("orders", 7, List.of("x", "y")))
                .isInstanceOf(InvalidPartitionException.class);
        // a new topic is auto-created with 1 partition: partition 3 is refused and the topic is not created
        assertThatThrownBy(() -> log.send("payments", 3, "x"))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("a new topic gets 1 partition (valid: 0)");
        assertThatThrownBy(() -> log.createTopic("payments", 0))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("'0' is not a partition count");
        assertNothingWritten();
    }

    @Test
    void partitionCountsAreBounded() throws Exception {
        assertThatThrownBy(() -> log.createTopic("huge", Limits.MAX_PARTITIONS + 1))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("'1001' is not a partition count")
                .hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> log.send("orders", 1000, "x"))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("0 to 999");
        assertThatThrownBy(() -> LogOptions.DEFAULTS.withDefaultPartitionCount(5000))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("Invalid defaultPartitionCount: '5000' is not a partition count");
        assertNothingWritten();
    }

    @Test
    void readingBeyondAnExistingTopicsPartitionsIsRefused() {
        assertThatThrownBy(() -> log.fetch("g", "orders", 2, 10))
                .isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("2 partitions (valid: 0..1)");
        assertThatThrownBy(() -> log.endOffset("orders", 5)).isInstanceOf(InvalidPartitionException.class);
        assertThatThrownBy(() -> log.committed("g", "orders", 5)).isInstanceOf(InvalidPartitionException.class);
        assertThat(log.fetch("g", "not-yet-created", 3, 10)).as("a topic that does not exist yet is empty").isEmpty();
    }

    @Test
    void tablesOfOtherApplicationsAreNeitherPartitionsNorAltered() throws Exception {
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("CREATE TABLE report_20000000 (id INTEGER PRIMARY KEY, data BLOB)");
            other.exec("CREATE TABLE users_2 (id INTEGER PRIMARY KEY, name TEXT)");
            other.exec("CREATE TABLE log_1 (name TEXT)");
        }
        assertThat(log.partitionCount("report")).as("a suffix beyond the partition limit").isZero();
        assertThat(log.partitionCount("users")).as("no data column").isZero();
        assertThat(log.partitionCount("log")).as("no id column").isZero();
        assertThat(log.topics()).extracting(TopicInfo::topic).containsExactly("orders");
        assertThat(log.fetch("g", "users", 2, 10)).isEmpty();

        assertThatThrownBy(() -> log.createTopic("users", 3))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'users'")
                .hasMessageContaining("\"users_2\" exists and is not a partition table");
        try (Jdbc jdbc = new Jdbc(log.path())) {
            assertThat(jdbc.strings("SELECT name FROM pragma_table_info('users_2') ORDER BY cid"))
                    .containsExactly("id", "name");
            assertThat(jdbc.count("SELECT count(*) FROM sqlite_master WHERE name IN ('users_0', 'users_1')"))
                    .as("the refused createTopic wrote nothing").isZero();
        }
    }

    @Test
    void nullOrUnsupportedPayloadsAndEmptyBatchesAreRefused() throws Exception {
        assertThatThrownBy(() -> log.send("orders", 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload: null");
        assertThatThrownBy(() -> log.send("orders", 0, 3.14))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Double")
                .hasMessageContaining("byte[] or String");
        assertThatThrownBy(() -> log.sendBatch("orders", 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one message");
        assertThatThrownBy(() -> log.send("new-topic", 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertNothingWritten();
    }

    @Test
    void maxMessagesOfZeroOrBelowAndEmptyGroupsAreRefused() {
        for (int max : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> log.fetch("g", "orders", 0, max))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxMessages " + max)
                    .hasMessageContaining("at least 1");
            assertThatThrownBy(() -> log.read("orders", 0, 0, max)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> log.fetch("", "orders", 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer group ''");
        assertThatThrownBy(() -> log.commit(null, "orders", 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumer group null");
    }

    @Test
    void aPathThatIsADirectoryIsRefused() {
        assertThatThrownBy(() -> KliteLog.open(dir))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("is a directory");
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftUntouched() throws Exception {
        Path notSqlite = dir.resolve("notes.txt");
        byte[] content = "these are my notes, not a database\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(notSqlite, content);

        assertThatThrownBy(() -> KliteLog.open(notSqlite))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining(notSqlite.toString())
                .hasMessageContaining("not a SQLite database");
        assertThat(Files.readAllBytes(notSqlite)).isEqualTo(content);
        assertThat(dir.resolve("notes.txt-wal")).doesNotExist();
    }

    @Test
    void aFileThatCannotBeCreatedIsRefusedWithItsPath() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a folder should be");
        Path impossible = blocker.resolve("klite.db");
        assertThatThrownBy(() -> KliteLog.open(impossible))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining(impossible.toString());
    }

    private void assertNothingWritten() throws Exception {
        try (Jdbc jdbc = new Jdbc(log.path())) {
            assertThat(jdbc.strings("SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' ORDER BY name"))
                    .containsExactly("consumer_offsets", "klite_delivery_attempts", "klite_idempotency_keys",
                            "klite_members", "klite_partition_leases", "klite_topic_config", "orders_0", "orders_1");
            assertThat(jdbc.count("SELECT count(*) FROM orders_0")).isEqualTo(1);
            assertThat(jdbc.count("SELECT count(*) FROM orders_1")).isZero();
            assertThat(jdbc.count("SELECT count(*) FROM consumer_offsets")).isZero();
        }
    }
}
