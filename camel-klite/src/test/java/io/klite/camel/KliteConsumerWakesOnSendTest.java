package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * A send in this JVM wakes the consumers of its topic: an idle consumer with a one-minute {@code delay} gets each
 * new message within seconds (not a minute), whether it was sent through a {@code klite:} producer or through another
 * log on the same file; and again after its route was stopped and started.
 */
class KliteConsumerWakesOnSendTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=60000").routeId("billing").to("mock:orders");
            }
        };
    }

    @Test
    void anIdleConsumerGetsEachSendAtOnce() {
        MockEndpoint orders = getMockEndpoint("mock:orders");
        // after each message the consumer finds nothing more and waits for its one-minute delay
        for (int i = 1; i <= 3; i++) {
            template.sendBody("klite:orders", "through the producer " + i);
            int expected = 2 * i - 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> orders.getReceivedCounter() == expected);
            file().send("orders", 0, "through another log on the file " + i);
            await().atMost(Duration.ofSeconds(5)).until(() -> orders.getReceivedCounter() == expected + 1);
        }

        assertThat(orders.getReceivedExchanges()).extracting(e -> e.getIn().getBody(String.class)).containsExactly(
                "through the producer 1", "through another log on the file 1",
                "through the producer 2", "through another log on the file 2",
                "through the producer 3", "through another log on the file 3");
    }

    @Test
    void aRestartedRouteIsWokenToo() throws Exception {
        MockEndpoint orders = getMockEndpoint("mock:orders");
        template.sendBody("klite:orders", "before the restart");
        await().atMost(Duration.ofSeconds(5)).until(() -> orders.getReceivedCounter() == 1);

        context.getRouteController().stopRoute("billing");
        context.getRouteController().startRoute("billing");
        for (int i = 1; i <= 2; i++) {
            // the second, at least, comes after the restarted consumer found nothing and waits a minute unless woken
            template.sendBody("klite:orders", "after the restart " + i);
            int expected = 1 + i;
            await().atMost(Duration.ofSeconds(5)).until(() -> orders.getReceivedCounter() == expected);
        }
        assertThat(orders.getReceivedExchanges()).extracting(e -> e.getIn().getBody(String.class))
                .containsExactly("before the restart", "after the restart 1", "after the restart 2");
    }
}
