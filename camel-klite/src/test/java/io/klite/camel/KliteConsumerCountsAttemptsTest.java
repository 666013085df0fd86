package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The CamelKliteAttempt header: 1 on a message's (a batch's) first delivery, n on its n-th after failures, back to 1
 * for the next message.
 */
class KliteConsumerCountsAttemptsTest extends KliteCamelTestSupport {

    private final Received seen = new Received();
    private final AtomicInteger failuresLeft = new AtomicInteger(2);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=20").process(this::failTwice);
                from("klite:batches?group=billing&batching=true&initialDelay=0&delay=20").process(this::failTwice);
            }

            private void failTwice(Exchange exchange) {
                seen.add(exchange.getIn().getHeader(KliteConstants.OFFSET) + "#"
                        + exchange.getIn().getHeader(KliteConstants.ATTEMPT));
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("not yet");
                }
            }
        };
    }

    @Test
    void aMessageThatFailsTwiceIsSeenAsAttempts1To3ThenTheNextAs1() {
        template.sendBody("klite:orders", List.of("a", "b"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(2));
        assertThat(seen).containsExactly("1#1", "1#2", "1#3", "2#1");
    }

    @Test
    void aBatchCountsItsAttemptsAsOne() {
        template.sendBody("klite:batches", List.of("a", "b"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "batches", 0)).hasValue(2));
        assertThat(seen).containsExactly("2#1", "2#2", "2#3");
    }

    @Test
    void theHeaderIsAnInteger() throws Exception {
        failuresLeft.set(0);
        getMockEndpoint("mock:typed").expectedMessageCount(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:typed?group=billing&initialDelay=0&delay=20").to("mock:typed");
            }
        });
        template.sendBody("klite:typed", "x");

        getMockEndpoint("mock:typed").assertIsSatisfied();
        assertThat(getMockEndpoint("mock:typed").getReceivedExchanges().get(0).getIn().getHeader(KliteConstants.ATTEMPT))
                .isEqualTo(1);
    }
}
