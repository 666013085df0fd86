package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** What a producer writes, a consumer receives: the payload and every header of DESIGN section 4. */
class KliteRoundTripCarriesHeadersTest extends KliteCamelTestSupport {

    record Order(int id, String item) {
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50").to("mock:orders");
                from("klite:bodies?group=billing&initialDelay=0&delay=50").convertBodyTo(String.class).to("mock:bodies");
            }
        };
    }

    @Test
    void consumedExchangeCarriesPayloadAndHeaders() throws Exception {
        MockEndpoint orders = getMockEndpoint("mock:orders");
        orders.expectedMessageCount(2);
        Instant before = Instant.now().minusSeconds(2);

        Exchange first = template.send("klite:orders", e -> {
            e.getMessage().setBody("first");
            e.getMessage().setHeader(KliteConstants.KEY, "customer-7");
        });
        Exchange second = template.send("klite:orders", e -> e.getMessage().setBody("second"));

        assertThat(first.getException()).isNull();
        assertThat(first.getMessage().getHeaders()).containsEntry(KliteConstants.TOPIC, "orders")
                .containsEntry(KliteConstants.PARTITION, 0).containsEntry(KliteConstants.OFFSET, 1L)
                .containsEntry(KliteConstants.KEY, "customer-7");
        assertThat(second.getMessage().getHeader(KliteConstants.OFFSET)).isEqualTo(2L);
        assertThat(second.getMessage().getHeaders()).doesNotContainKey(KliteConstants.KEY);

        orders.assertIsSatisfied();
        Exchange consumed = orders.getReceivedExchanges().get(0);
        assertThat(consumed.getIn().getBody()).isEqualTo("first".getBytes(StandardCharsets.UTF_8));
        assertThat(consumed.getIn().getBody(String.class)).isEqualTo("first");
        Map<String, Object> headers = consumed.getIn().getHeaders();
        assertThat(headers).containsEntry(KliteConstants.TOPIC, "orders").containsEntry(KliteConstants.PARTITION, 0)
                .containsEntry(KliteConstants.OFFSET, 1L).containsEntry(KliteConstants.KEY, "customer-7")
                .containsEntry(KliteConstants.GROUP, "billing").doesNotContainKey(KliteConstants.MANUAL_COMMIT);
        assertThat(headers.get(KliteConstants.TIMESTAMP)).isInstanceOf(Long.class);
        assertThat(Instant.ofEpochMilli((Long) headers.get(KliteConstants.TIMESTAMP)))
                .isBetween(before, Instant.now().plusSeconds(1));
        assertThat(orders.getReceivedExchanges().get(1).getIn().getHeaders())
                .containsEntry(KliteConstants.OFFSET, 2L).doesNotContainKey(KliteConstants.KEY);

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(2));
    }

    @Test
    void bodiesOtherThanTextAndBytesAreStoredAsJsonOrTheirBytes() throws Exception {
        MockEndpoint bodies = getMockEndpoint("mock:bodies");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", 7);
        map.put("paid", true);
        bodies.expectedBodiesReceived("{\"id\":7,\"paid\":true}", "{\"id\":8,\"item\":\"book\"}", "from a stream",
                "raw");

        template.sendBody("klite:bodies", map);
        template.sendBody("klite:bodies", new Order(8, "book"));
        template.sendBody("klite:bodies", new ByteArrayInputStream("from a stream".getBytes(StandardCharsets.UTF_8)));
        template.sendBody("klite:bodies", "raw".getBytes(StandardCharsets.UTF_8));

        bodies.assertIsSatisfied();
        assertThat(file().read("bodies", 0, 0, 10)).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"id\":7,\"paid\":true}", "{\"id\":8,\"item\":\"book\"}", "from a stream", "raw");
    }
}
