package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A context stopped while a consumer is part-way through a poll lets the message in flight finish, commits it, and
 * hands the route nothing more; the next start delivers the rest, each message once.
 */
class KliteConsumerStopsBetweenMessagesTest extends KliteCamelTestSupport {

    private final Received received = new Received();
    private final CountDownLatch inFlight = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            received.add(body);
                            if (body.equals("3") && inFlight.getCount() > 0) {
                                inFlight.countDown();
                                release.await(10, TimeUnit.SECONDS);
                            }
                        });
            }
        };
    }

    @Test
    void stopFinishesTheMessageInFlightAndLeavesTheRest() throws Exception {
        List<String> sent = IntStream.rangeClosed(1, 10).mapToObj(String::valueOf).toList();
        template.sendBody("klite:orders", sent);
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::stop);
        await().until(() -> context.getStatus() == ServiceStatus.Stopping);
        release.countDown();
        stopping.get(20, TimeUnit.SECONDS);

        assertThat(received).containsExactly("1", "2", "3");
        assertThat(file().committed("billing", "orders", 0)).hasValue(3);

        restart();
        received.awaitSize(10);
        assertThat(received).containsExactlyElementsOf(sent);
    }
}
