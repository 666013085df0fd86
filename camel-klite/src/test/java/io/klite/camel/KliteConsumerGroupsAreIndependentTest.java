package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Two consumer groups on one topic each receive every message, in order, and keep their own committed offsets. */
class KliteConsumerGroupsAreIndependentTest extends KliteCamelTestSupport {

    private final List<String> billing = new CopyOnWriteArrayList<>();
    private final List<String> shipping = new CopyOnWriteArrayList<>();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50")
                        .process(e -> billing.add(e.getIn().getBody(String.class)));
                from("klite:orders?group=shipping&initialDelay=0&delay=50&batchSize=7")
                        .process(e -> shipping.add(e.getIn().getBody(String.class)));
            }
        };
    }

    @Test
    void eachGroupSeesEveryMessage() {
        List<String> sent = IntStream.rangeClosed(1, 50).mapToObj(i -> "order-" + i).toList();
        sent.forEach(body -> template.sendBody("klite:orders", body));

        await().until(() -> billing.size() == 50 && shipping.size() == 50);
        assertThat(billing).containsExactlyElementsOf(sent);
        assertThat(shipping).containsExactlyElementsOf(sent);
        await().untilAsserted(() -> {
            assertThat(file().committed("billing", "orders", 0)).hasValue(50);
            assertThat(file().committed("shipping", "orders", 0)).hasValue(50);
        });
    }
}
