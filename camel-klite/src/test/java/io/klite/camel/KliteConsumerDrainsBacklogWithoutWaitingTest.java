package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * {@code delay} is the wait while idle: a consumer with a backlog fetches batch after batch without waiting between
 * them (here 500 messages in batches of 10, with a one-minute delay that would otherwise take 50 minutes).
 */
class KliteConsumerDrainsBacklogWithoutWaitingTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&batchSize=10&initialDelay=200&delay=60000").to("mock:out");
            }
        };
    }

    @Test
    void backlogIsDrainedInOnePoll() throws Exception {
        List<String> bodies = IntStream.rangeClosed(1, 500).mapToObj(i -> "m" + i).toList();
        template.sendBody("klite:orders", bodies);

        MockEndpoint out = getMockEndpoint("mock:out");
        await().atMost(Duration.ofSeconds(10)).until(() -> out.getReceivedCounter() == 500);
        assertThat(out.getReceivedExchanges()).extracting(e -> e.getIn().getBody(String.class))
                .containsExactlyElementsOf(bodies);
        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(500));
    }
}
