package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeadLetter;
import io.klite.log.DeliveryAttempts;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Failed attempts are counted in the file: a restarted application goes on from the count (CamelKliteAttempt, the
 * dead-letter limit), a batch is offered again with the offsets it failed with, and the count goes with the commit.
 */
class KliteConsumerContinuesAttemptsAfterRestartTest extends KliteCamelTestSupport {

    /** The CamelKliteAttempt header of each attempt at the failing message, across both runs. */
    private final List<Integer> attempts = new CopyOnWriteArrayList<>();
    /** The offsets of each batch the route was given, across both runs. */
    private final Received batches = new Received();
    /** The parcels the post route was given, with their attempt. */
    private final Received parcels = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // a long first wait: the second attempt comes only from the restarted application
                from("klite:orders?group=billing&initialDelay=0&delay=10&retryDelay=60000&retryMaxDelay=60000"
                     + "&maxAttempts=3")
                        .process(exchange -> {
                            attempts.add(exchange.getIn().getHeader(KliteConstants.ATTEMPT, Integer.class));
                            throw new IllegalStateException("always fails");
                        });
                from("klite:parcels?group=post&initialDelay=0&delay=10&maxAttempts=1").routeId("post")
                        .autoStartup(false)
                        .process(exchange -> parcels.add(exchange.getIn().getBody(String.class) + " attempt "
                                                         + exchange.getIn().getHeader(KliteConstants.ATTEMPT)));
                from("klite:payments?group=ledger&batching=true&initialDelay=0&delay=10&retryDelay=60000"
                     + "&retryMaxDelay=60000")
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            batches.add(batch.firstOffset() + ".." + batch.lastOffset() + " attempt "
                                        + exchange.getIn().getHeader(KliteConstants.ATTEMPT));
                            if (batches.size() == 1) {
                                throw new IllegalStateException("first try fails");
                            }
                        });
            }
        };
    }

    @Test
    void aRestartGoesOnFromTheCountAndDeadLettersAtTheLimit() throws Exception {
        template.sendBody("klite:orders", "poison");
        await().until(() -> attempts.size() == 1);
        await().untilAsserted(() -> assertThat(file().deliveryAttempts("billing", "orders"))
                .extracting(DeliveryAttempts::firstOffset, DeliveryAttempts::attempts, DeliveryAttempts::lastError)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1,
                        "java.lang.IllegalStateException: always fails")));

        // the restarted consumer tries at once (its cursor is new), then waits a minute: so one more attempt
        restart();
        await().until(() -> attempts.size() == 2);
        assertThat(file().deliveryAttempts("billing", "orders")).extracting(DeliveryAttempts::attempts)
                .containsExactly(2);
        restart();

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(1));
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(file().read("orders.dlq", 0, 0, 10)).singleElement()
                .satisfies(letter -> assertThat(letter.headers()).containsEntry(DeadLetter.ATTEMPTS, "3"));
        assertThat(file().deliveryAttempts()).isEmpty();
    }

    @Test
    void aFailedBatchIsOfferedAgainWithItsOffsetsAfterARestart() throws Exception {
        template.sendBody("klite:payments", List.of("p1", "p2"));
        await().until(() -> batches.size() == 1);
        template.sendBody("klite:payments", List.of("p3"));

        restart();

        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(3));
        assertThat(batches).containsExactly("1..2 attempt 1", "1..2 attempt 2", "3..3 attempt 1");
        assertThat(file().deliveryAttempts()).isEmpty();
    }

    @Test
    void aStopDuringAFirstFetchIsChargedToNoneOfItsMessages() throws Exception {
        file().sendBatch("parcels", 0, List.of("good", "next"));
        // what a process leaves that stopped during its first fetch (it counts the fetch as a whole before it starts):
        // the stop may have come in either message, or from outside
        file().deliveryAttempt("post", "parcels", 0, 1, 2, 1, "attempt 1 of offsets 1..2 started and did not end");

        context.getRouteController().startRoute("post");

        await().untilAsserted(() -> assertThat(file().committed("post", "parcels", 0)).hasValue(2));
        assertThat(parcels).containsExactly("good attempt 1", "next attempt 1");
        assertThat(file().partitionCount("parcels.dlq")).as("dead-letter topic's partitions").isZero();
        assertThat(file().deliveryAttempts()).isEmpty();
    }
}
