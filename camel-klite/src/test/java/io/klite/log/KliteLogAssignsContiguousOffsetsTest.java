package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Offsets are strictly increasing per partition and never reused; a batch is contiguous and all-or-nothing. */
class KliteLogAssignsContiguousOffsetsTest extends LogTestSupport {

    @BeforeEach
    void createTopics() {
        log.createTopic("orders", 2);
    }

    @Test
    void offsetsIncreasePerPartitionIndependently() {
        assertThat(log.send("orders", 0, "a")).isEqualTo(1);
        assertThat(log.send("orders", 0, "b")).isEqualTo(2);
        assertThat(log.send("orders", 1, "x")).isEqualTo(1);
        assertThat(log.sendBatch("orders", 0, List.of("c", "d", "e"))).isEqualTo(new BatchResult(3, 3));
        assertThat(log.send("orders", 0, "f")).isEqualTo(6);
        assertThat(log.endOffset("orders", 0)).isEqualTo(6);
        assertThat(log.endOffset("orders", 1)).isEqualTo(1);
        assertThat(log.read("orders", 0, 0, 100)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void aBatchIsContiguousInListOrderEvenWithManyMessages() {
        log.send("orders", 0, "before");
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            payloads.add("m" + i);
        }
        BatchResult batch = log.sendBatch("orders", 0, "same-key", payloads);
        assertThat(batch.firstOffset()).isEqualTo(2);
        assertThat(batch.lastOffset()).isEqualTo(5001);

        List<Message> read = log.read("orders", 0, 1, 10_000);
        assertThat(read).hasSize(5000);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).offset()).isEqualTo(2 + i);
            assertThat(new String(read.get(i).payload(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
            assertThat(read.get(i).key()).isEqualTo("same-key");
        }
    }

    @Test
    void aFailingBatchWritesNothingAndUsesNoOffset() throws Exception {
        log.send("orders", 0, "one");
        assertThatThrownBy(() -> log.sendBatch("orders", 0, Arrays.asList("two", null, "four")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload at index 1 of the batch")
                .hasMessageContaining("null");
        assertThatThrownBy(() -> log.sendBatch("orders", 0, List.of("two", 42)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1")
                .hasMessageContaining("java.lang.Integer");

        assertThat(log.send("orders", 0, "two")).isEqualTo(2);
        try (Jdbc jdbc = new Jdbc(log.path())) {
            assertThat(jdbc.strings("SELECT CAST(data AS TEXT) FROM orders_0 ORDER BY id")).containsExactly("one", "two");
        }
    }

    @Test
    void aBatchThatFailsInsideSqliteIsRolledBackWhole() throws Exception {
        log.send("orders", 0, "one");
        try (Jdbc jdbc = new Jdbc(log.path())) {
            // another program's rule that rejects one message of the batch, inside the transaction
            jdbc.exec("CREATE TRIGGER reject_poison BEFORE INSERT ON orders_0"
                    + " WHEN CAST(NEW.data AS TEXT) = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END");
        }
        assertThatThrownBy(() -> log.sendBatch("orders", 0, List.of("two", "three", "poison", "five")))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("poison refused");
        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(1L);

        assertThat(log.sendBatch("orders", 0, List.of("two", "three"))).isEqualTo(new BatchResult(2, 2));
    }

    @Test
    void offsetsAreNeverReusedAfterTheNewestRowsAreDeleted() throws Exception {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("DELETE FROM orders_0 WHERE id >= 2");
        }
        assertThat(log.endOffset("orders", 0)).isEqualTo(3);
        assertThat(log.send("orders", 0, "d")).isEqualTo(4);
    }
}
