package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failure inside SQLite (a full disk, a table another program dropped or recreated) fails that call with a
 * clear error, writes nothing, and leaves the log working once the cause is gone.
 */
class KliteLogRecoversFromStorageFailuresTest extends LogTestSupport {

    @BeforeEach
    void createTopics() {
        log.createTopic("orders", 1);
        log.send("orders", 0, "first");
    }

    @Test
    void aFullDiskFailsSendsAndCommitsUntilThereIsRoomAgain() throws Exception {
        long pages = writerQuery("PRAGMA page_count");
        writerQuery("PRAGMA max_page_count = " + (pages + 1));   // the "disk" now holds one more page
        byte[] big = new byte[64 * 1024];

        assertThatThrownBy(() -> log.send("orders", 0, big))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining(log.path().toString())
                .hasMessageContaining("full");
        assertThatThrownBy(() -> log.sendBatch("orders", 0, List.of("a", big, "c")))
                .isInstanceOf(KliteStorageException.class);
        assertThatThrownBy(() -> log.sendBatch("orders", 0, List.of(big, big)))
                .isInstanceOf(KliteStorageException.class);

        writerQuery("PRAGMA max_page_count = 1073741823");   // room again
        assertThat(log.send("orders", 0, big)).isEqualTo(2);
        assertThat(log.sendBatch("orders", 0, List.of("a", "b"))).isEqualTo(new BatchResult(3, 2));
        log.commit("billing", "orders", 0, 4);
        assertThat(log.fetch("billing", "orders", 0, 10)).isEmpty();
        assertThat(log.read("orders", 0, 0, 10)).extracting(Message::offset).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aTableAnotherProgramRecreatedCostsOneFailedCallAtMost() throws Exception {
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("DROP TABLE orders_0");
            other.createSeedPartition("orders_0");
            other.exec("INSERT INTO orders_0 (data) VALUES ('from the seed')");
        }
        // the cached statement still names the key column: this call may fail, with the driver's reason
        try {
            log.send("orders", 0, "k", "after recreate");
        } catch (KliteStorageException expected) {
            assertThat(expected).hasMessageContaining(log.path().toString()).hasMessageContaining("key");
        }
        long offset = log.send("orders", 0, "k", "after recreate");
        assertThat(log.fetch("g", "orders", 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .contains("from the seed", "after recreate");
        assertThat(log.endOffset("orders", 0)).isEqualTo(offset);
    }

    @Test
    void aFailedReadDoesNotBreakLaterReads() throws Exception {
        assertThat(log.fetch("g", "orders", 0, 10)).hasSize(1);
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("DROP TABLE orders_0");
        }
        assertThatThrownBy(() -> log.fetch("g", "orders", 0, 10))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("no such table");
        assertThat(log.fetch("g", "orders", 0, 10)).as("the topic is gone, and so are its messages").isEmpty();
        // dropping a table drops its AUTOINCREMENT sequence too: the recreated partition counts from 1 again
        assertThat(log.send("orders", 0, "recreated")).isEqualTo(1);
        assertThat(log.fetch("g", "orders", 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("recreated");
    }

    private long writerQuery(String sql) {
        return log.database().onWriter(conn -> {
            try (ResultSet rs = conn.prepare(sql).executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        });
    }
}
