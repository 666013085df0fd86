package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offsets are read back from SQLite after the insert; a trigger of another program that silently drops rows would
 * shift them, so such a send fails and writes nothing, and sends the trigger lets through keep their offsets.
 */
class KliteLogRefusesRowsATriggerDropsTest extends LogTestSupport {

    @Test
    void aSendOrBatchThatATriggerCutsShortWritesNothing() throws Exception {
        log.createTopic("orders", 1);
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("CREATE TRIGGER drop_tests BEFORE INSERT ON \"orders_0\" WHEN NEW.data = CAST('test' AS BLOB)"
                    + " BEGIN SELECT RAISE(IGNORE); END");
        }
        assertThat(log.send("orders", 0, "real".getBytes())).isEqualTo(1);

        assertThatThrownBy(() -> log.send("orders", 0, "test".getBytes()))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("inserted 0 of 1 rows").hasMessageContaining("trigger");
        List<byte[]> tenWithATest = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tenWithATest.add((i == 4 ? "test" : "m" + i).getBytes());
        }
        assertThatThrownBy(() -> log.sendBatch("orders", 0, tenWithATest))
                .isInstanceOf(KliteStorageException.class)
                .hasMessageContaining("inserted 9 of 10 rows").hasMessageContaining("nothing was written");

        assertThat(log.sendBatch("orders", 0, List.of("c".getBytes(), "d".getBytes())))
                .isEqualTo(new BatchResult(2, 2));
        assertThat(log.read("orders", 0, 0, 10)).extracting(message -> new String(message.payload()))
                .containsExactly("real", "c", "d");
    }
}
