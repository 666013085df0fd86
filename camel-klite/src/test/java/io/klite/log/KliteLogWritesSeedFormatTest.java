package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Klite writes is the seed klite's format, as plain JDBC (any other program) sees it. */
class KliteLogWritesSeedFormatTest {

    @TempDir
    Path dir;

    @Test
    void tablesColumnsRowsAndCommittedOffsetsAreTheSeedFormat() throws Exception {
        Path file = dir.resolve("nested/folder/klite.db");
        try (KliteLog log = KliteLog.open(file)) {
            log.createTopic("orders", 2);
            assertThat(log.send("orders", 0, "{\"orderId\":1}")).isEqualTo(1);
            assertThat(log.send("orders", 0, "k-2", new byte[] {0, (byte) 0xff, 7})).isEqualTo(2);
            assertThat(log.sendBatch("orders", 1, List.of("a", "b", "c"))).isEqualTo(new BatchResult(1, 3));
            log.commit("billing", "orders", 0, 2);
            log.commit("billing", "orders", 1, 1);
        }

        try (Jdbc jdbc = new Jdbc(file)) {
            assertThat(jdbc.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    + " ORDER BY name")).containsExactly("consumer_offsets", "klite_delivery_attempts",
                    "klite_idempotency_keys", "klite_members", "klite_partition_leases", "klite_topic_config", "orders_0", "orders_1");
            assertThat(jdbc.strings("SELECT name || ':' || type || ':' || \"notnull\" || ':' || pk"
                    + " FROM pragma_table_info('orders_0') ORDER BY cid")).containsExactly(
                    "id:INTEGER:0:1", "data:BLOB:1:0", "created:DATETIME:0:0", "key:TEXT:0:0", "headers:TEXT:0:0");
            assertThat(jdbc.strings("SELECT sql FROM sqlite_master WHERE name = 'orders_0'").get(0))
                    .contains("AUTOINCREMENT").contains("DEFAULT CURRENT_TIMESTAMP");
            assertThat(jdbc.strings("SELECT name || ':' || type || ':' || \"notnull\" || ':' || pk"
                    + " FROM pragma_table_info('consumer_offsets') ORDER BY cid")).containsExactly(
                    "consumer_group:VARCHAR:1:1", "topic:VARCHAR:1:2", "partition:INTEGER:1:3",
                    "commit_offset:INTEGER:1:0", "updated_at:DATETIME:0:0");

            List<Map<String, Object>> rows = jdbc.rows("SELECT id, data, key, headers, typeof(data) AS type,"
                    + " created FROM orders_0 ORDER BY id");
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)).containsEntry("id", 1).containsEntry("type", "blob").containsEntry("key", null)
                    .containsEntry("headers", null);
            assertThat(new String((byte[]) rows.get(0).get("data"), StandardCharsets.UTF_8))
                    .isEqualTo("{\"orderId\":1}");
            assertThat((byte[]) rows.get(1).get("data")).containsExactly(0, 0xff, 7);
            assertThat(rows.get(1)).containsEntry("key", "k-2");
            assertThat((String) rows.get(0).get("created")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(jdbc.strings("SELECT CAST(data AS TEXT) FROM orders_1 ORDER BY id"))
                    .containsExactly("a", "b", "c");

            assertThat(jdbc.strings("SELECT consumer_group || '/' || topic || '/' || partition || '=' || commit_offset"
                    + " FROM consumer_offsets ORDER BY partition"))
                    .containsExactly("billing/orders/0=2", "billing/orders/1=1");
            assertThat(jdbc.strings("PRAGMA journal_mode")).containsExactly("wal");
        }
    }
}
