package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Where a produced message goes, first rule that applies: the CamelKliteOverridePartition header; the CamelKliteKey
 * header through Kafka's partitioner; the partition option; the key option through the partitioner; round-robin. Keys
 * land in the partition Kafka's own client would choose; the result headers CamelKliteTopic and CamelKlitePartition
 * never steer a producer.
 */
class KliteProducerPartitionsLikeKafkaTest extends KliteCamelTestSupport {

    private static final String ORDERS = "klite:orders?partitionCount=6";

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:fan-out").to(ORDERS).to("klite:audit");
            }
        };
    }

    @Test
    void keyHeaderChoosesThePartitionKafkaWould() {
        for (int i = 0; i < 200; i++) {
            String key = "customer-" + i;
            Exchange sent = sendPayload(ORDERS, Map.of(KliteConstants.KEY, key));
            assertThat(sent.getMessage().getHeader(KliteConstants.PARTITION)).as(key).isEqualTo(kafkaPartition(key, 6));
        }
        assertThat(file().partitionCount("orders")).isEqualTo(6);
        for (int p = 0; p < 6; p++) {
            int partition = p;
            assertThat(file().read("orders", p, 0, 1000)).allSatisfy(
                    m -> assertThat(kafkaPartition(m.key(), 6)).isEqualTo(partition));
        }
    }

    @Test
    void keyOptionChoosesThePartitionKafkaWould() {
        Exchange sent = sendPayload("klite:orders?partitionCount=6&key=customer-42", Map.of());
        assertThat(sent.getMessage().getHeaders()).containsEntry(KliteConstants.PARTITION, kafkaPartition("customer-42", 6))
                .containsEntry(KliteConstants.KEY, "customer-42");
    }

    @Test
    void rulesApplyInOrder() {
        String key = "customer-1";
        int keyPartition = kafkaPartition(key, 6);
        int other = (keyPartition + 1) % 6;

        assertThat(partitionOf(sendPayload(ORDERS,
                Map.of(KliteConstants.OVERRIDE_PARTITION, other, KliteConstants.KEY, key))))
                .as("partition header beats key header").isEqualTo(other);
        assertThat(partitionOf(sendPayload(ORDERS, Map.of(KliteConstants.OVERRIDE_PARTITION, "5"))))
                .as("partition header as text").isEqualTo(5);
        assertThat(partitionOf(sendPayload(ORDERS + "&partition=" + other, Map.of(KliteConstants.KEY, key))))
                .as("key header beats partition option").isEqualTo(keyPartition);
        assertThat(partitionOf(sendPayload(ORDERS + "&partition=" + other + "&key=" + key, Map.of())))
                .as("partition option beats key option").isEqualTo(other);
    }

    @Test
    void messagesWithoutKeyOrPartitionGoRoundRobin() {
        Map<Integer, Integer> perPartition = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            perPartition.merge(partitionOf(sendPayload(ORDERS, Map.of())), 1, Integer::sum);
        }
        assertThat(perPartition).hasSize(6).allSatisfy((partition, count) -> assertThat(count).isEqualTo(10));
    }

    @Test
    void partitionHeaderThatIsNotAValidPartitionIsRefused() {
        sendPayload(ORDERS, Map.of());
        assertThatThrownBy(() -> template.sendBodyAndHeader(ORDERS, "x", KliteConstants.OVERRIDE_PARTITION, "first"))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessage("Invalid header CamelKliteOverridePartition for topic 'orders': 'first' is not a partition"
                        + " number; allowed: 0 to 999");
        assertThatThrownBy(() -> template.sendBodyAndHeader(ORDERS, "x", KliteConstants.OVERRIDE_PARTITION, -1))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessage("Invalid partition for topic 'orders': '-1' is not a partition number; allowed: 0 to 999");
        assertThatThrownBy(() -> template.sendBodyAndHeader(ORDERS, "x", KliteConstants.OVERRIDE_PARTITION, 6))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessageContaining("Partition 6 is out of range for topic 'orders'").hasMessageContaining("0..5");
        assertThat(IntStream.range(0, 6).mapToLong(p -> file().endOffset("orders", p)).sum()).isEqualTo(1);
    }

    @Test
    void aRefusedMessageToANewTopicDoesNotCreateIt() {
        assertThatThrownBy(() -> template.sendBodyAndHeader("klite:fresh?partitionCount=2", "x", KliteConstants.OVERRIDE_PARTITION, 2))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessage("Partition 2 is out of range for topic 'fresh': a new topic gets 2 partitions (valid: 0..1)");
        assertThatThrownBy(() -> template.sendBody("klite:fresh?partitionCount=2", java.util.List.of()))
                .isInstanceOf(CamelExecutionException.class);
        assertThat(file().partitionCount("fresh")).isZero();

        template.sendBodyAndHeader("klite:fresh?partitionCount=2", "x", KliteConstants.OVERRIDE_PARTITION, 1);
        assertThat(file().partitionCount("fresh")).isEqualTo(2);
        assertThat(file().endOffset("fresh", 1)).isEqualTo(1);
    }

    @Test
    void aPartitionAnotherProgramJustAddedIsWritable() {
        template.sendBody("klite:grown?partitionCount=2", "x");
        file().createTopic("grown", 3);

        template.sendBodyAndHeader("klite:grown?partitionCount=2", "y", KliteConstants.OVERRIDE_PARTITION, 2);

        assertThat(file().endOffset("grown", 2)).isEqualTo(1);
    }

    @Test
    void resultHeadersOfAnEarlierProducerDoNotSteerTheNext() {
        // a route writing to orders (6 partitions) and then to audit (1 partition): the partition header the first
        // producer left names orders' partition, and must not be applied to audit
        for (int i = 0; i < 12; i++) {
            Exchange sent = template.send("direct:fan-out", e -> e.getMessage().setBody("payload"));
            assertThat(sent.getException()).isNull();
            assertThat(sent.getMessage().getHeaders()).containsEntry(KliteConstants.TOPIC, "audit")
                    .containsEntry(KliteConstants.PARTITION, 0);
        }
        assertThat(IntStream.range(0, 6).mapToLong(p -> file().endOffset("orders", p)).boxed().toList())
                .containsOnly(2L);
        assertThat(file().endOffset("audit", 0)).isEqualTo(12);

        // not even where they name this very topic: only the override header chooses a partition
        Map<Integer, Integer> perPartition = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            Exchange sent = sendPayload(ORDERS, Map.of(KliteConstants.TOPIC, "orders", KliteConstants.PARTITION, 4));
            perPartition.merge(partitionOf(sent), 1, Integer::sum);
        }
        assertThat(perPartition).hasSize(6);
    }

    private static int partitionOf(Exchange sent) {
        return sent.getMessage().getHeader(KliteConstants.PARTITION, Integer.class);
    }

    private static int kafkaPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
