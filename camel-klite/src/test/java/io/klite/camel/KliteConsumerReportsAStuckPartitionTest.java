package io.klite.camel;

import static io.klite.camel.ConsumerHealth.detail;
import static io.klite.camel.ConsumerHealth.liveness;
import static io.klite.camel.ConsumerHealth.overall;
import static io.klite.camel.ConsumerHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeliveryAttempts;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck.Result;
import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

/**
 * A consumer's health check ({@code consumer:<routeId>}) is DOWN in readiness while a partition has failed the same
 * message {@code unhealthyAfterAttempts} times or for {@code unhealthyAfter}, whichever comes first, naming topic,
 * partition, offsets, attempts, last error and since when; UP again once the message is delivered; liveness stays UP
 * meanwhile. A restarted consumer goes on with the file's count.
 */
class KliteConsumerReportsAStuckPartitionTest extends KliteCamelTestSupport {

    private static final AtomicBoolean SINK_DOWN = new AtomicBoolean(true);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10&retryDelay=300&retryMaxDelay=300"
                     + "&unhealthyAfterAttempts=3")
                        .routeId("billing")
                        .process(exchange -> {
                            if (SINK_DOWN.get()) {
                                throw new IllegalStateException("sink down:\nno answer");
                            }
                        });
                from("klite:payments?group=ledger&initialDelay=0&delay=10&retryDelay=100&retryMaxDelay=100"
                     + "&unhealthyAfter=1500&unhealthyAfterAttempts=1000")
                        .routeId("ledger")
                        .process(exchange -> {
                            if (SINK_DOWN.get()) {
                                throw new IllegalStateException("ledger down");
                            }
                        });
            }
        };
    }

    @Override
    protected void doPreSetup() {
        SINK_DOWN.set(true);
    }

    @Test
    void downAfterUnhealthyAfterAttemptsWithTheDetailsThenUpOnceDelivered() {
        template.sendBody("klite:orders", "a");
        await().until(() -> attempts("billing", "orders") >= 1);
        Result early = readiness(context, "billing");
        if (attempts("billing", "orders") < 3) {
            assertThat(early.getState()).as("below 3 attempts: %s", early.getMessage()).isEqualTo(State.UP);
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> readiness(context, "billing").getState() == State.DOWN);
        Result down = readiness(context, "billing");
        assertThat(detail(down, "topic")).isEqualTo("orders");
        assertThat(detail(down, "group")).isEqualTo("billing");
        assertThat(detail(down, "partitions")).isEqualTo("0");
        assertThat(detail(down, "partition.0.offsets")).isEqualTo("1");
        assertThat(Integer.parseInt(detail(down, "partition.0.attempts"))).isGreaterThanOrEqualTo(3);
        assertThat(detail(down, "partition.0.last.error"))
                .isEqualTo("java.lang.IllegalStateException: sink down: no answer");
        assertThat(Instant.parse(detail(down, "partition.0.since")))
                .isBetween(Instant.now().minusSeconds(30), Instant.now());
        assertThat(down.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("Topic 'orders' group 'billing' cannot deliver: partition 0 offset 1, ")
                .contains("failed attempt(s) since ", "last error: java.lang.IllegalStateException: sink down"));
        assertThat(overall(context, "billing").getState()).isEqualTo(State.DOWN);
        assertThat(liveness(context, "billing")).isEqualTo(State.UP);
        // the other consumer is not stuck
        assertThat(readiness(context, "ledger").getState()).isEqualTo(State.UP);

        SINK_DOWN.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness(context, "billing").getState() == State.UP);
        assertThat(file().committed("billing", "orders", 0)).hasValue(1);
    }

    @Test
    void downAfterUnhealthyAfterEvenBelowTheAttempts() {
        template.sendBody("klite:payments", "p");
        await().until(() -> attempts("ledger", "payments") >= 1);
        Instant firstFailure = file().deliveryAttempts("ledger", "payments").get(0).firstFailedAt();
        Result early = readiness(context, "ledger");
        if (Duration.between(firstFailure, Instant.now()).toMillis() < 1400) {
            assertThat(early.getState()).as("within unhealthyAfter: %s", early.getMessage()).isEqualTo(State.UP);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> readiness(context, "ledger").getState() == State.DOWN);
        Result down = readiness(context, "ledger");
        assertThat(Duration.between(firstFailure, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        assertThat(Integer.parseInt(detail(down, "partition.0.attempts"))).isBetween(2, 999);
        assertThat(detail(down, "partition.0.last.error")).isEqualTo("java.lang.IllegalStateException: ledger down");

        SINK_DOWN.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness(context, "ledger").getState() == State.UP);
    }

    @Test
    void aRestartedConsumerIsDownAgainWithTheCountFromTheFile() throws Exception {
        template.sendBody("klite:orders", "a");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> readiness(context, "billing").getState() == State.DOWN);
        int before = Integer.parseInt(detail(readiness(context, "billing"), "partition.0.attempts"));
        Instant restartedAt = Instant.now();

        CamelContext restarted = restart();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> readiness(restarted, "billing").getState() == State.DOWN);
        Result down = readiness(restarted, "billing");
        // the new consumer's memory started empty: the count and the first failure come from the file
        assertThat(Integer.parseInt(detail(down, "partition.0.attempts"))).isGreaterThanOrEqualTo(before);
        assertThat(Instant.parse(detail(down, "partition.0.since"))).isBefore(restartedAt);

        SINK_DOWN.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness(restarted, "billing").getState() == State.UP);
    }

    /** The failed attempts the file counts for the group's first failing message, 0 where none. */
    private int attempts(String group, String topic) {
        return file().deliveryAttempts(group, topic).stream().mapToInt(DeliveryAttempts::attempts).max().orElse(0);
    }
}
