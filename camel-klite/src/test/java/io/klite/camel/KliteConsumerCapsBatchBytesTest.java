package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * maxBatchBytes ends a fetch before the message that would take it past the cap, and a fetch always takes one
 * message, however large: batches follow the payload sizes, and nothing is skipped.
 */
class KliteConsumerCapsBatchBytesTest extends KliteCamelTestSupport {

    private final Received batches = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:files?group=archive&batching=true&batchSize=100&maxBatchBytes=1000&initialDelay=0"
                     + "&delay=10").routeId("archive").autoStartup(false)
                        .process(batches.of(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            return batch.firstOffset() + ".." + batch.lastOffset();
                        }));
            }
        };
    }

    @Test
    void batchesEndAtTheByteCapAndALargeMessageComesAlone() throws Exception {
        template.sendBody("klite:files", List.of(new byte[300], new byte[300], new byte[300], new byte[300],
                new byte[5000], new byte[10], new byte[10]));

        context.getRouteController().startRoute("archive");

        await().untilAsserted(() -> assertThat(file().committed("archive", "files", 0)).hasValue(7));
        assertThat(batches).containsExactly("1..3", "4..4", "5..5", "6..7");
    }
}
