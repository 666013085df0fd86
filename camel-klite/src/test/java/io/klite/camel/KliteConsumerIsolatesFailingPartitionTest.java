package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** A partition whose message keeps failing is retried on its own; the other partitions of the topic flow on. */
class KliteConsumerIsolatesFailingPartitionTest extends KliteCamelTestSupport {

    private final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&partitionCount=2&initialDelay=0&delay=50")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            received.add(exchange.getIn().getHeader(KliteConstants.PARTITION) + ":" + body);
                            if (body.equals("poison")) {
                                throw new IllegalArgumentException("cannot parse " + body);
                            }
                        });
            }
        };
    }

    @Test
    void otherPartitionsAreDeliveredWhileOneRetries() {
        template.sendBodyAndHeader("klite:orders", List.of("a", "poison", "after-poison"),
                KliteConstants.PARTITION, 0);
        for (int i = 1; i <= 20; i++) {
            template.sendBodyAndHeader("klite:orders", "m" + i, KliteConstants.PARTITION, 1);
        }

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 1)).hasValue(20));
        await().until(() -> received.stream().filter("0:poison"::equals).count() >= 3);

        assertThat(received.stream().filter(r -> r.startsWith("1:")))
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "1:m" + i)
                        .toList());
        assertThat(received).doesNotContain("0:after-poison").containsOnlyOnce("0:a");
        assertThat(file().committed("billing", "orders", 0)).hasValue(1);
    }
}
