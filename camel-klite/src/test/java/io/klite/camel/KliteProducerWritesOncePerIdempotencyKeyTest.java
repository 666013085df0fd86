package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.IdempotencyKeyReusedException;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A route that may write the same message twice (a redelivery, a retried request) sets CamelKliteIdempotencyKey: the
 * message is in the topic once, and the retry learns where it went.
 */
class KliteProducerWritesOncePerIdempotencyKeyTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:onwards").to("klite:orders").to("klite:audit");
            }
        };
    }

    @Test
    void aRetryIsNotWrittenAgainAndIsAnsweredBeforeRoundRobinChooses() {
        String uri = "klite:orders?partitionCount=3";
        Exchange first = send(uri, "{\"id\":42}", "order-42");
        Exchange retry = send(uri, "{\"id\":42}", "order-42");
        Exchange other = send(uri, "{\"id\":43}", "order-43");

        assertThat(first.getMessage().getHeaders()).containsEntry(KliteConstants.PARTITION, 0)
                .containsEntry(KliteConstants.OFFSET, 1L).containsEntry(KliteConstants.IDEMPOTENT_REPLAYED, false)
                .doesNotContainKey(KliteConstants.IDEMPOTENCY_KEY);
        assertThat(retry.getMessage().getHeaders()).containsEntry(KliteConstants.PARTITION, 0)
                .containsEntry(KliteConstants.OFFSET, 1L).containsEntry(KliteConstants.IDEMPOTENT_REPLAYED, true);
        assertThat(other.getMessage().getHeader(KliteConstants.PARTITION)).isEqualTo(1);
        assertThat(List.of(file().endOffset("orders", 0), file().endOffset("orders", 1),
                file().endOffset("orders", 2))).containsExactly(1L, 1L, 0L);
    }

    @Test
    void aBatchIsWrittenOnceAndItsRetryGetsItsFirstOffset() {
        Exchange first = template.send("klite:orders", exchange -> {
            exchange.getIn().setBody(List.of("a", "b"));
            exchange.getIn().setHeader(KliteConstants.IDEMPOTENCY_KEY, "batch-1");
        });
        Exchange retry = template.send("klite:orders", exchange -> {
            exchange.getIn().setBody(List.of("a", "b"));
            exchange.getIn().setHeader(KliteConstants.IDEMPOTENCY_KEY, "batch-1");
        });
        assertThat(retry.getMessage().getHeaders()).containsEntry(KliteConstants.FIRST_OFFSET, 1L)
                .containsEntry(KliteConstants.OFFSET, 2L).containsEntry(KliteConstants.IDEMPOTENT_REPLAYED, true);
        assertThat(first.getMessage().getHeader(KliteConstants.FIRST_OFFSET)).isEqualTo(1L);
        assertThat(file().endOffset("orders", 0)).isEqualTo(2);
    }

    @Test
    void theSameKeyWithAnotherPayloadKeyOrPartitionIsRefused() {
        send("klite:orders?partitionCount=2", "{\"id\":42}", "order-42");
        for (Map<String, Object> changed : List.<Map<String, Object>>of(
                Map.of(KliteConstants.IDEMPOTENCY_KEY, "order-42", KliteConstants.KEY, "customer-1"),
                Map.of(KliteConstants.IDEMPOTENCY_KEY, "order-42", KliteConstants.OVERRIDE_PARTITION, 1),
                Map.of(KliteConstants.IDEMPOTENCY_KEY, "order-42", "source", "web"))) {
            assertThatThrownBy(() -> template.sendBodyAndHeaders("klite:orders", "{\"id\":42}", changed))
                    .as("%s", changed).isInstanceOf(CamelExecutionException.class)
                    .hasCauseInstanceOf(IdempotencyKeyReusedException.class);
        }
        assertThatThrownBy(() -> send("klite:orders", "{\"id\":43}", "order-42"))
                .hasCauseInstanceOf(IdempotencyKeyReusedException.class);
        // endpoints that would put the same message elsewhere
        assertThatThrownBy(() -> send("klite:orders?partition=1", "{\"id\":42}", "order-42"))
                .hasCauseInstanceOf(IdempotencyKeyReusedException.class);
        assertThatThrownBy(() -> send("klite:orders?key=customer-1", "{\"id\":42}", "order-42"))
                .hasCauseInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(file().endOffset("orders", 0) + file().endOffset("orders", 1)).isEqualTo(1);
    }

    @Test
    void theKeyIsOneWritesSoAWriteOnwardsIsItsOwn() {
        Exchange sent = send("direct:onwards", "{\"id\":42}", "order-42");
        assertThat(sent.getException()).isNull();
        assertThat(file().endOffset("audit", 0)).isEqualTo(1);
    }

    @Test
    void aBadKeyOrWindowIsRefusedNamingIt() {
        assertThatThrownBy(() -> send("klite:orders", "x", "caf\u00e9"))
                .hasRootCauseMessage("Invalid idempotency key 'caf?': use 1 to 255 printable ASCII characters"
                        + " (letters, digits, - _ . : and the like), such as a UUID, one per message or batch");
        assertThatThrownBy(() -> template.sendBody("klite:orders?idempotencyWindow=0", "x"))
                .hasRootCauseMessage("Invalid idempotencyWindow 0 ms for producer of topic 'orders': use 1 ms to 36500"
                        + " days (default 24h)");
        assertThat(file().partitionCount("orders")).isZero();
    }

    private Exchange send(String uri, String body, String idempotencyKey) {
        Exchange sent = template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(KliteConstants.IDEMPOTENCY_KEY, idempotencyKey);
        });
        if (sent.getException() != null) {
            throw new CamelExecutionException("send failed", sent, sent.getException());
        }
        return sent;
    }
}
