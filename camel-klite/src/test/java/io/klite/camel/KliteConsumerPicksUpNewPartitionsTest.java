package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A consumer with no partition option reads every partition, including partitions added while it runs (from their
 * first message); one with a partition list reads only those.
 */
class KliteConsumerPicksUpNewPartitionsTest extends KliteCamelTestSupport {

    private final List<String> all = new CopyOnWriteArrayList<>();
    private final List<String> only1 = new CopyOnWriteArrayList<>();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=all&partitionCount=2&initialDelay=0&delay=50")
                        .process(e -> all.add(e.getIn().getHeader(KliteConstants.PARTITION) + ":"
                                + e.getIn().getBody(String.class)));
                from("klite:orders?group=only1&partition=1&partitionCount=2&initialDelay=0&delay=50")
                        .process(e -> only1.add(e.getIn().getHeader(KliteConstants.PARTITION) + ":"
                                + e.getIn().getBody(String.class)));
            }
        };
    }

    @Test
    void partitionsAddedLaterAreConsumedFromTheirStart() {
        template.sendBodyAndHeader("klite:orders", "a", KliteConstants.OVERRIDE_PARTITION, 0);
        template.sendBodyAndHeader("klite:orders", "b", KliteConstants.OVERRIDE_PARTITION, 1);
        file().createTopic("orders", 4);
        file().sendBatch("orders", 3, List.of("c", "d"));

        await().until(() -> all.size() == 4);
        assertThat(all).containsExactlyInAnyOrder("0:a", "1:b", "3:c", "3:d");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> only1.equals(List.of("1:b")));
        await().untilAsserted(() -> assertThat(file().committed("all", "orders", 3)).hasValue(2));
    }
}
