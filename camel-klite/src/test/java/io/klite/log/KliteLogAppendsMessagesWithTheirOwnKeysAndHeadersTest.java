package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * sendMessages appends messages that each carry their own key and headers (a copy of another log's records) in one
 * transaction, at contiguous offsets in list order; a message with a null header is refused before anything is
 * written.
 */
class KliteLogAppendsMessagesWithTheirOwnKeysAndHeadersTest extends LogTestSupport {

    @Test
    void eachMessageKeepsItsKeyAndHeadersAtContiguousOffsets() {
        log.send("orders", 0, "before");
        List<OutgoingMessage> messages = new ArrayList<>();
        for (int i = 0; i < 2345; i++) {
            // runs of the same key and headers, and messages that differ from their neighbours
            String key = i % 7 == 0 ? null : "k" + (i / 3);
            Map<String, String> headers = i % 5 == 0 ? Map.of() : Map.of("n", String.valueOf(i / 4));
            messages.add(new OutgoingMessage(key, headers, ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        int[] produced = {0};
        log.addListener(new LogListener() {
            @Override
            public void produced(String topic, int partition, int count) {
                produced[0] += count;
            }
        });

        BatchResult result = log.sendMessages("orders", 0, messages);

        assertThat(result).isEqualTo(new BatchResult(2, 2345));
        assertThat(produced[0]).isEqualTo(2345);
        List<Message> read = log.read("orders", 0, 1, 3000);
        assertThat(read).hasSize(2345);
        for (int i = 0; i < read.size(); i++) {
            Message message = read.get(i);
            assertThat(message.offset()).isEqualTo(i + 2);
            assertThat(message.key()).isEqualTo(messages.get(i).key());
            assertThat(message.headers()).isEqualTo(messages.get(i).headers());
            assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
        }
    }

    @Test
    void aNullHeaderValueIsRefusedWithNothingWritten() {
        Map<String, String> bad = new HashMap<>();
        bad.put("trace", null);
        List<OutgoingMessage> messages = List.of(new OutgoingMessage("a", null, new byte[] {1}),
                new OutgoingMessage("b", bad, new byte[] {2}));

        assertThatThrownBy(() -> log.sendMessages("orders", 0, messages))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'trace' with value null");
        assertThatThrownBy(() -> log.sendMessages("orders", 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message");
        assertThat(log.partitionCount("orders")).isZero();
    }
}
