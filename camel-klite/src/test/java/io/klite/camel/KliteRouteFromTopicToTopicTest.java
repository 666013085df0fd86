package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code from("klite:a?group=g").to("klite:b")} just works: the consumed exchange's CamelKliteTopic and
 * CamelKlitePartition headers do not steer the producer, so b's messages go by b's own rules (round-robin over b's
 * partitions, or the key, which the message carries on, as in Kafka).
 */
class KliteRouteFromTopicToTopicTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:a?group=copier&partitionCount=4&initialDelay=0&delay=50").to("klite:b?partitionCount=2");
            }
        };
    }

    @Test
    void messagesConsumedFromOnePartitionOfAAreSpreadByBsOwnRules() {
        for (int i = 0; i < 4; i++) {
            template.sendBodyAndHeader("klite:a", "plain-" + i, KliteConstants.OVERRIDE_PARTITION, 3);
        }
        List<String> keys = List.of("customer-1", "customer-2", "customer-3", "customer-4");
        keys.forEach(key -> template.send("klite:a", e -> {
            e.getMessage().setBody("keyed");
            e.getMessage().setHeader(KliteConstants.OVERRIDE_PARTITION, 3);
            e.getMessage().setHeader(KliteConstants.KEY, key);
        }));

        await().untilAsserted(() -> assertThat(file().committed("copier", "a", 3)).hasValue(8));
        assertThat(file().partitionCount("b")).isEqualTo(2);
        List<String> plain = IntStream.range(0, 2).boxed().flatMap(p -> file().read("b", p, 0, 100).stream()
                .filter(m -> m.key() == null).map(m -> p + ":" + new String(m.payload()))).toList();
        assertThat(plain).containsExactlyInAnyOrder("0:plain-0", "1:plain-1", "0:plain-2", "1:plain-3");
        for (int p = 0; p < 2; p++) {
            int partition = p;
            assertThat(file().read("b", p, 0, 100)).filteredOn(m -> m.key() != null)
                    .allSatisfy(m -> assertThat(KliteLog.partitionFor(m.key(), 2)).isEqualTo(partition));
        }
        assertThat(IntStream.range(0, 2).mapToLong(p -> file().endOffset("b", p)).sum()).isEqualTo(8);
    }
}
