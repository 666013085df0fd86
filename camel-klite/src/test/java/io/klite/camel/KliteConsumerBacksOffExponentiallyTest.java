package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A failing message waits retryDelay before its first retry, then twice as long after each further failure, up to
 * retryMaxDelay; the next message starts again at retryDelay; a partition in backoff holds back no other partition.
 */
class KliteConsumerBacksOffExponentiallyTest extends KliteCamelTestSupport {

    /** When partition 0's offset-1 message was tried, in nanoseconds. */
    private final List<Long> attempts = new CopyOnWriteArrayList<>();
    private final Received otherPartition = new Received();
    private volatile int failuresLeft = 5;
    /** When partition 1's message was delivered, in nanoseconds. */
    private volatile long otherDelivered;

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&partitionCount=2&initialDelay=0&delay=10&retryDelay=100"
                     + "&retryMaxDelay=400").process(this::failPartition0);
            }

            private void failPartition0(Exchange exchange) {
                if (exchange.getIn().getHeader(KliteConstants.PARTITION, Integer.class) == 1) {
                    otherDelivered = System.nanoTime();
                    otherPartition.add(exchange.getIn().getBody(String.class));
                    return;
                }
                if (exchange.getIn().getHeader(KliteConstants.OFFSET, Long.class) == 1) {
                    attempts.add(System.nanoTime());
                }
                if (failuresLeft > 0) {
                    failuresLeft--;
                    throw new IllegalStateException("payment service down");
                }
            }
        };
    }

    @Test
    void theWaitDoublesUpToTheMaximumAndOtherPartitionsGoOn() {
        template.sendBodyAndHeader("klite:orders", "a", KliteConstants.OVERRIDE_PARTITION, 0);

        await().pollInterval(Duration.ofMillis(5)).until(() -> attempts.size() >= 2);
        // partition 0 is in backoff now (200 ms); partition 1 is delivered meanwhile, before partition 0's next retry
        template.sendBodyAndHeader("klite:orders", "other", KliteConstants.OVERRIDE_PARTITION, 1);
        otherPartition.awaitSize(1);
        await().until(() -> attempts.size() >= 3);
        assertThat(otherDelivered).as("partition 1 delivered before partition 0's third attempt")
                .isLessThan(attempts.get(2));

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(1));
        assertThat(attempts).hasSize(6);
        List<Long> waits = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            waits.add(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1)).toMillis());
        }
        // 100, 200, 400, 400, 400 ms, each as late as the next poll (delay=10) and this machine's scheduling
        List<Long> expected = List.of(100L, 200L, 400L, 400L, 400L);
        for (int i = 0; i < waits.size(); i++) {
            assertThat(waits.get(i)).as("wait %d of %s", i + 1, waits).isBetween(expected.get(i) - 5, expected.get(i) + 150);
        }
    }

    @Test
    void aMaximumBelowTheFirstWaitStopsTheRoutesStart() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:payments?group=billing&retryDelay=2000&retryMaxDelay=1000").to("mock:never");
            }
        })).hasStackTraceContaining("Invalid retryMaxDelay 1000 ms for consumer of topic 'payments': it is below the"
                + " first wait of 2000 ms (retryDelay)");
    }
}
