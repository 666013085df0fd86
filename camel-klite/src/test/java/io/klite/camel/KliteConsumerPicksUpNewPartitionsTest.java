package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A consumer with no partition option reads every partition, including partitions added while it runs (from their
 * first message); one with a partition list reads only those.
 */
class KliteConsumerPicksUpNewPartitionsTest extends KliteCamelTestSupport {

    private static final Function<Exchange, String> PARTITION_AND_BODY =
            e -> e.getIn().getHeader(KliteConstants.PARTITION) + ":" + e.getIn().getBody(String.class);
    private final Received all = new Received();
    private final Received only1 = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=all&partitionCount=2&initialDelay=0&delay=50")
                        .process(all.of(PARTITION_AND_BODY));
                from("klite:orders?group=only1&partition=1&partitionCount=2&initialDelay=0&delay=50")
                        .process(only1.of(PARTITION_AND_BODY));
            }
        };
    }

    @Test
    void partitionsAddedLaterAreConsumedFromTheirStart() {
        template.sendBodyAndHeader("klite:orders", "a", KliteConstants.OVERRIDE_PARTITION, 0);
        template.sendBodyAndHeader("klite:orders", "b", KliteConstants.OVERRIDE_PARTITION, 1);
        file().createTopic("orders", 4);
        file().sendBatch("orders", 3, List.of("c", "d"));

        all.awaitSize(4);
        assertThat(all).containsExactlyInAnyOrder("0:a", "1:b", "3:c", "3:d");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> only1.equals(List.of("1:b")));
        await().untilAsserted(() -> assertThat(file().committed("all", "orders", 3)).hasValue(2));
    }
}
