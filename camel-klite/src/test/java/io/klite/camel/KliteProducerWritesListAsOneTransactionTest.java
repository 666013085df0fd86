package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/**
 * A {@code java.util.List} body is one batch written in one transaction: contiguous offsets in list order, even while
 * other producers write to the same partition, and nothing at all where one element cannot be written.
 */
class KliteProducerWritesListAsOneTransactionTest extends KliteCamelTestSupport {

    @Test
    void listBodyGetsContiguousOffsetsAndBatchHeaders() {
        template.sendBody("klite:orders", "before");
        Exchange sent = template.send("klite:orders",
                e -> e.getMessage().setBody(List.of("a", "b".getBytes(StandardCharsets.UTF_8), Map.of("c", 3))));

        assertThat(sent.getMessage().getHeaders()).containsEntry(KliteConstants.FIRST_OFFSET, 2L)
                .containsEntry(KliteConstants.OFFSET, 4L).containsEntry(KliteConstants.PARTITION, 0)
                .containsEntry(KliteConstants.TOPIC, "orders");
        assertThat(file().read("orders", 0, 1, 10)).extracting(m -> m.offset() + "=" + text(m))
                .containsExactly("2=a", "3=b", "4={\"c\":3}");
    }

    @Test
    void listIsNotInterleavedWithConcurrentSends() throws Exception {
        CompletableFuture<Void> singles = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 300; i++) {
                template.sendBody("klite:orders", "single-" + i);
            }
        });
        List<String> batch = IntStream.range(0, 200).mapToObj(i -> "batch-" + i).toList();
        long first = 0;
        for (int round = 0; round < 5; round++) {
            Exchange sent = template.send("klite:orders", e -> e.getMessage().setBody(batch));
            first = sent.getMessage().getHeader(KliteConstants.FIRST_OFFSET, Long.class);
            assertThat(file().read("orders", 0, first - 1, batch.size())).extracting(KliteProducerWritesListAsOneTransactionTest::text)
                    .containsExactlyElementsOf(batch);
        }
        singles.get();
        assertThat(file().endOffset("orders", 0)).isEqualTo(300 + 5 * 200);
    }

    @Test
    void listWithAnElementThatCannotBeWrittenWritesNothing() {
        template.sendBody("klite:orders", "before");
        List<Object> withNull = new ArrayList<>(Arrays.asList("a", "b", null));

        assertThatThrownBy(() -> template.sendBody("klite:orders", withNull))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessageContaining("Invalid body null at index 2 of the List body for topic 'orders'");
        assertThatThrownBy(() -> template.sendBody("klite:orders", List.of()))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessageContaining("Invalid batch []");
        assertThat(file().endOffset("orders", 0)).isEqualTo(1);
    }

    private static String text(Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
