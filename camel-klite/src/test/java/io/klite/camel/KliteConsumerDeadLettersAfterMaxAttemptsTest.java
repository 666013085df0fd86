package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeadLetter;
import io.klite.log.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A message that keeps failing is tried maxAttempts times at growing intervals, then written to the dead-letter topic
 * with headers saying where it came from and why it failed, committed past in the same transaction; the messages after
 * it are delivered in order. The same for a whole batch with batching=true, and at once for a non-retryable exception.
 */
class KliteConsumerDeadLettersAfterMaxAttemptsTest extends KliteCamelTestSupport {

    private final Received delivered = new Received();
    private final Received batches = new Received();
    private final Received permanent = new Received();
    /** Each attempt at the poison message: its CamelKliteAttempt header and when it came, in nanoseconds. */
    private final List<long[]> poisonAttempts = new CopyOnWriteArrayList<>();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10&retryDelay=100&retryMaxDelay=5000"
                     + "&maxAttempts=3")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            if (body.equals("poison")) {
                                poisonAttempts.add(new long[] {
                                        exchange.getIn().getHeader(KliteConstants.ATTEMPT, Integer.class),
                                        System.nanoTime()});
                                throw new IllegalStateException("no customer for\norder 3");
                            }
                        })
                        .process(delivered.body());
                // a retry wait long enough for the test to send more messages before the retry, which it must not take
                from("klite:payments?group=ledger&batching=true&batchSize=10&initialDelay=0&delay=10&retryDelay=1000"
                     + "&maxAttempts=2&deadLetterTopic=failed-payments")
                        .process(exchange -> {
                            KliteBatch batch = exchange.getIn().getBody(KliteBatch.class);
                            batches.add(batch.firstOffset() + ".." + batch.lastOffset());
                            if (batch.messages().stream().anyMatch(m -> new String(m.payload()).equals("poison"))) {
                                throw new IllegalStateException("a poison payment in the batch");
                            }
                        });
                from("klite:refunds?group=ledger&initialDelay=0&delay=10&retryDelay=10000&maxAttempts=5"
                     + "&nonRetryableExceptions=java.lang.IllegalArgumentException")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            permanent.add(body);
                            if (body.equals("bad")) {
                                throw new RuntimeException("refund failed",
                                        new IllegalArgumentException("amount is negative"));
                            }
                        });
            }
        };
    }

    @Test
    void aPoisonMessageIsTriedMaxAttemptsTimesThenDeadLetteredAndTheRestDeliveredInOrder() {
        template.sendBody("klite:orders", "1");
        template.sendBody("klite:orders", "2");
        template.sendBodyAndHeaders("klite:orders", "poison", Map.of(KliteConstants.KEY, "customer-9",
                "tenant", "acme"));
        template.sendBody("klite:orders", "4");
        template.sendBody("klite:orders", "5");

        delivered.awaitSize(4);
        assertThat(delivered).containsExactly("1", "2", "4", "5");
        assertThat(poisonAttempts).extracting(a -> a[0]).containsExactly(1L, 2L, 3L);
        long firstWait = Duration.ofNanos(poisonAttempts.get(1)[1] - poisonAttempts.get(0)[1]).toMillis();
        long secondWait = Duration.ofNanos(poisonAttempts.get(2)[1] - poisonAttempts.get(1)[1]).toMillis();
        // at least the backoff; the upper bounds leave room for a loaded machine
        assertThat(firstWait).isBetween(95L, 600L);
        assertThat(secondWait).isBetween(195L, 800L);

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(5));
        List<Message> dead = file().read("orders.dlq", 0, 0, 10);
        assertThat(dead).hasSize(1);
        Message letter = dead.get(0);
        assertThat(new String(letter.payload())).isEqualTo("poison");
        assertThat(letter.key()).isEqualTo("customer-9");
        assertThat(letter.headers()).containsEntry("tenant", "acme")
                .containsEntry(DeadLetter.ORIGINAL_TOPIC, "orders")
                .containsEntry(DeadLetter.ORIGINAL_PARTITION, "0")
                .containsEntry(DeadLetter.ORIGINAL_OFFSET, "3")
                .containsEntry(DeadLetter.GROUP, "billing")
                .containsEntry(DeadLetter.ATTEMPTS, "3")
                .containsEntry(DeadLetter.EXCEPTION_CLASS, "java.lang.IllegalStateException")
                .containsEntry(DeadLetter.EXCEPTION_MESSAGE, "no customer for\norder 3");
        assertThat(Instant.parse(letter.headers().get(DeadLetter.FAILED_AT)))
                .isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(file().deliveryAttempts()).isEmpty();
    }

    @Test
    void aFailingBatchIsDeadLetteredWholeWithTheSameOffsets() {
        template.sendBody("klite:payments", List.of("p1", "poison", "p3"));
        await().until(() -> batches.size() >= 1);
        // sent while the first batch waits for its retry: not part of it
        template.sendBody("klite:payments", List.of("p4", "p5"));

        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(5));
        await().untilAsserted(() -> assertThat(batches).containsExactly("1..3", "1..3", "4..5"));
        List<Message> dead = file().read("failed-payments", 0, 0, 10);
        assertThat(dead).extracting(m -> new String(m.payload()), m -> m.headers().get(DeadLetter.ORIGINAL_OFFSET),
                        m -> m.headers().get(DeadLetter.ATTEMPTS))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", "1", "2"),
                        org.assertj.core.groups.Tuple.tuple("poison", "2", "2"),
                        org.assertj.core.groups.Tuple.tuple("p3", "3", "2"));
        assertThat(file().partitionCount("payments.dlq")).isZero();
    }

    @Test
    void aNonRetryableExceptionIsDeadLetteredAtOnce() {
        template.sendBody("klite:refunds", "bad");
        template.sendBody("klite:refunds", "good");

        permanent.awaitSize(2);
        assertThat(permanent).containsExactly("bad", "good");
        await().untilAsserted(() -> assertThat(file().committed("ledger", "refunds", 0)).hasValue(2));
        Message letter = file().read("refunds.dlq", 0, 0, 10).get(0);
        assertThat(letter.headers()).containsEntry(DeadLetter.ATTEMPTS, "1")
                .containsEntry(DeadLetter.EXCEPTION_CLASS, "java.lang.RuntimeException")
                .containsEntry(DeadLetter.EXCEPTION_MESSAGE, "refund failed");
    }

    @Test
    void eachFailedAttemptIsOneLogLineSayingAttemptNOfMaxAndTheLastSaysDeadLettered() throws Exception {
        List<String> lines = StandardError.linesDuring(() -> {
            template.sendBody("klite:orders", "poison");
            await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(1));
        }).stream().filter(line -> line.contains("Delivery failed")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("WARN", "Delivery failed: topic 'orders' partition 0 offset 1 group"
                + " 'billing' attempt 1 of 3; next attempt at ", "(in 100 ms); reason: java.lang.IllegalStateException:"
                + " no customer for order 3");
        assertThat(lines.get(1)).contains("attempt 2 of 3; next attempt at ", "(in 200 ms)");
        assertThat(lines.get(2)).contains("WARN", "attempt 3 of 3; dead-lettered to topic 'orders.dlq'; reason: "
                + "java.lang.IllegalStateException: no customer for order 3");
    }
}
