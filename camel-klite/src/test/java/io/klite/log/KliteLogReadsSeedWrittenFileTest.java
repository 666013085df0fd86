package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written by the seed klite (its own DDL: unquoted names, no key/headers columns; payloads as TEXT or BLOB;
 * a consumer_offsets row written by hand) is understood, read and committed to by Klite.
 */
class KliteLogReadsSeedWrittenFileTest {

    @TempDir
    Path dir;

    @Test
    void listsFetchesAndCommitsOnSeedTables() throws Exception {
        Path file = dir.resolve("seed.db");
        byte[] binary = {1, 2, 3, (byte) 0x80, 0};
        try (Jdbc seed = new Jdbc(file)) {
            seed.createSeedPartition("orders_0");
            seed.createSeedPartition("orders_1");
            seed.exec("CREATE TABLE IF NOT EXISTS consumer_offsets (consumer_group VARCHAR NOT NULL,"
                    + " topic VARCHAR NOT NULL, partition INTEGER NOT NULL, commit_offset INTEGER NOT NULL,"
                    + " updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (consumer_group, topic, partition))");
            seed.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
            seed.exec("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)");
            seed.exec("INSERT INTO orders_0 (data) VALUES ('{\"orderId\":1}')");
            seed.exec("INSERT INTO orders_0 (data) VALUES ('{\"orderId\":2}')");
            seed.exec("INSERT INTO orders_0 (data) VALUES (?)", (Object) binary);
            seed.exec("INSERT INTO orders_0 (data) VALUES (CAST('as text' AS TEXT))");
            seed.exec("INSERT INTO orders_1 (data) VALUES ('other partition')");
            seed.exec("INSERT INTO consumer_offsets (consumer_group, topic, partition, commit_offset)"
                    + " VALUES ('order-processor', 'orders', 0, 1)");
            assertThat(seed.strings("SELECT typeof(data) FROM orders_0 ORDER BY id"))
                    .containsExactly("text", "text", "blob", "text");
        }

        try (KliteLog log = KliteLog.open(file)) {
            assertThat(log.topics()).containsExactly(new TopicInfo("orders",
                    List.of(new PartitionInfo(0, 1, 4), new PartitionInfo(1, 1, 1))));
            assertThat(log.committed("order-processor", "orders", 0)).hasValue(1);

            List<Message> messages = log.fetch("order-processor", "orders", 0, 10);
            assertThat(messages).extracting(Message::offset).containsExactly(2L, 3L, 4L);
            assertThat(new String(messages.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":2}");
            assertThat(messages.get(1).payload()).containsExactly(binary);
            assertThat(new String(messages.get(2).payload(), StandardCharsets.UTF_8)).isEqualTo("as text");
            assertThat(messages.get(0).key()).isNull();
            assertThat(messages.get(0).created()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(messages.get(0).timestamp()).isNotNull();

            log.commit("order-processor", "orders", 0, 4);
            assertThat(log.fetch("order-processor", "orders", 0, 10)).isEmpty();
            assertThat(log.groups()).containsExactly(new GroupOffset("order-processor", "orders", 0, 4, 4));

            assertThat(log.send("orders", 0, "after-seed", "with key")).isEqualTo(5);
            assertThat(log.partitionCount("orders")).isEqualTo(2);
        }

        try (Jdbc jdbc = new Jdbc(file)) {
            assertThat(jdbc.strings("SELECT commit_offset FROM consumer_offsets WHERE consumer_group = 'order-processor'"))
                    .containsExactly("4");
            assertThat(jdbc.strings("SELECT name FROM pragma_table_info('orders_0') ORDER BY cid"))
                    .containsExactly("id", "data", "created", "key", "headers");
            assertThat(jdbc.strings("SELECT key FROM orders_0 WHERE id = 5")).containsExactly("after-seed");
            // the seed can still write its way after Klite added its columns
            jdbc.exec("INSERT INTO orders_0 (data) VALUES ('seed again')");
        }
        try (KliteLog log = KliteLog.open(file)) {
            assertThat(log.fetch("order-processor", "orders", 0, 10)).extracting(Message::offset)
                    .containsExactly(5L, 6L);
        }
    }

    @Test
    void readsTablesCreatedWithoutAutoincrement() throws Exception {
        Path file = dir.resolve("plain.db");
        try (Jdbc other = new Jdbc(file)) {
            other.exec("CREATE TABLE events_0 (id INTEGER PRIMARY KEY, data BLOB NOT NULL,"
                    + " created DATETIME DEFAULT CURRENT_TIMESTAMP)");
            other.exec("INSERT INTO events_0 (data) VALUES ('one'), ('two')");
            assertThat(other.count("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")).isZero();
        }
        try (KliteLog log = KliteLog.open(file)) {
            assertThat(log.topics()).containsExactly(new TopicInfo("events", List.of(new PartitionInfo(0, 1, 2))));
            assertThat(log.fetch("g", "events", 0, 10)).extracting(Message::offset).containsExactly(1L, 2L);
            log.commit("g", "events", 0, 2);
            assertThat(log.groups()).containsExactly(new GroupOffset("g", "events", 0, 2, 2));
            assertThat(log.send("events", 0, "three")).isEqualTo(3);
        }
    }
}
