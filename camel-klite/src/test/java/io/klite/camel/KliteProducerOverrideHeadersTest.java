package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The override headers are requests to one producer: CamelKliteOverrideTopic writes to another topic than the URI's
 * (created with the endpoint's partitionCount), CamelKliteOverridePartition to a given partition; the producer
 * removes both once the message is written, so a second producer on the route follows its own rules.
 */
class KliteProducerOverrideHeadersTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:twice").to("klite:orders?partitionCount=2").to("klite:audit?partitionCount=2");
            }
        };
    }

    @Test
    void overrideTopicWritesToAnotherTopicCreatedWithTheEndpointsPartitionCount() {
        Exchange sent = sendPayload("klite:orders?partitionCount=3",
                Map.of(KliteConstants.OVERRIDE_TOPIC, "refunds", KliteConstants.OVERRIDE_PARTITION, 2));

        assertThat(sent.getMessage().getHeaders()).containsEntry(KliteConstants.TOPIC, "refunds")
                .containsEntry(KliteConstants.PARTITION, 2).containsEntry(KliteConstants.OFFSET, 1L)
                .doesNotContainKeys(KliteConstants.OVERRIDE_TOPIC, KliteConstants.OVERRIDE_PARTITION);
        assertThat(file().partitionCount("refunds")).isEqualTo(3);
        assertThat(file().endOffset("refunds", 2)).isEqualTo(1);
        assertThat(file().partitionCount("orders")).isZero();
    }

    @Test
    void overridesSteerOneProducerOnly() {
        for (int i = 0; i < 4; i++) {
            Exchange sent = sendPayload("direct:twice",
                    Map.of(KliteConstants.OVERRIDE_TOPIC, "refunds", KliteConstants.OVERRIDE_PARTITION, 1));
            assertThat(sent.getMessage().getHeaders()).containsEntry(KliteConstants.TOPIC, "audit")
                    .doesNotContainKeys(KliteConstants.OVERRIDE_TOPIC, KliteConstants.OVERRIDE_PARTITION);
        }

        assertThat(file().endOffset("refunds", 1)).isEqualTo(4);
        assertThat(file().partitionCount("orders")).isZero();
        assertThat(file().endOffset("audit", 0)).as("round-robin, not the override").isEqualTo(2);
        assertThat(file().endOffset("audit", 1)).isEqualTo(2);
    }

    @Test
    void overrideTopicThatIsNotAValidNameIsRefusedAndWritesNothing() {
        assertThatThrownBy(() -> template.sendBodyAndHeader("klite:orders", "x", KliteConstants.OVERRIDE_TOPIC, "a/b"))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessageStartingWith("Invalid header CamelKliteOverrideTopic: Invalid topic name 'a/b'");
        assertThatThrownBy(() -> template.sendBodyAndHeader("klite:orders", "x", KliteConstants.OVERRIDE_TOPIC, ""))
                .isInstanceOf(CamelExecutionException.class).cause()
                .hasMessageStartingWith("Invalid header CamelKliteOverrideTopic: Invalid topic name ''");
        assertThat(file().topics()).isEmpty();
    }

    @Test
    void overridePartitionBeyondTheOverrideTopicIsRefused() {
        assertThat(template.send("klite:orders?partitionCount=4", e -> {
            e.getMessage().setBody("x");
            e.getMessage().setHeader(KliteConstants.OVERRIDE_TOPIC, "refunds");
            e.getMessage().setHeader(KliteConstants.OVERRIDE_PARTITION, 4);
        }).getException()).hasMessage("Partition 4 is out of range for topic 'refunds': a new topic gets 4 partitions"
                + " (valid: 0..3)");
        assertThat(file().topics()).isEmpty();
    }

}
