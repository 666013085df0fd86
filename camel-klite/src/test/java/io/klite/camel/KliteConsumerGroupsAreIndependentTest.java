package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Two consumer groups on one topic each receive every message, in order, and keep their own committed offsets. */
class KliteConsumerGroupsAreIndependentTest extends KliteCamelTestSupport {

    private final Received billing = new Received();
    private final Received shipping = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50")
                        .process(billing.body());
                from("klite:orders?group=shipping&initialDelay=0&delay=50&batchSize=7")
                        .process(shipping.body());
            }
        };
    }

    @Test
    void eachGroupSeesEveryMessage() {
        List<String> sent = IntStream.rangeClosed(1, 50).mapToObj(i -> "order-" + i).toList();
        sent.forEach(body -> template.sendBody("klite:orders", body));

        billing.awaitSize(50);
        shipping.awaitSize(50);
        assertThat(billing).containsExactlyElementsOf(sent);
        assertThat(shipping).containsExactlyElementsOf(sent);
        await().untilAsserted(() -> {
            assertThat(file().committed("billing", "orders", 0)).hasValue(50);
            assertThat(file().committed("shipping", "orders", 0)).hasValue(50);
        });
    }
}
