package io.klite.camel;

import static io.klite.camel.ConsumerHealth.detail;
import static io.klite.camel.ConsumerHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeliveryAttempts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck.Result;
import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

/**
 * A partition stuck on a dead-letter write that keeps failing (here a trigger of another program refuses every row of
 * the dead-letter topic; in life, say, the lock held past busyTimeout) counts as failing: with maxAttempts=1 no
 * delivery is tried again, only the write, and the check is DOWN after {@code unhealthyAfter} with the attempts so far
 * and the write's error; UP once the dead letter is written.
 */
class KliteConsumerReportsAFailingDeadLetterWriteTest extends KliteCamelTestSupport {

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10&retryDelay=100&retryMaxDelay=100"
                     + "&maxAttempts=1&unhealthyAfter=1000")
                        .routeId("billing")
                        .process(exchange -> {
                            throw new IllegalStateException("sink down");
                        });
            }
        };
    }

    @Test
    void downWhileTheDeadLetterCannotBeWrittenThenUpOnceItIs() throws Exception {
        file().createTopic("orders.dlq", 1);
        sql("CREATE TRIGGER refuse_dead_letters BEFORE INSERT ON \"orders.dlq_0\""
            + " BEGIN SELECT RAISE(ABORT, 'dead letters refused'); END");
        Instant sent = Instant.now();
        template.sendBody("klite:orders", "a");
        await().until(() -> !file().deliveryAttempts("billing", "orders").isEmpty());

        await().atMost(Duration.ofSeconds(20)).until(() -> readiness(context, "billing").getState() == State.DOWN);
        Result down = readiness(context, "billing");
        assertThat(detail(down, "partitions")).isEqualTo("0");
        assertThat(detail(down, "partition.0.offsets")).isEqualTo("1");
        assertThat(detail(down, "partition.0.attempts")).isEqualTo("1");
        assertThat(detail(down, "partition.0.last.error")).startsWith("dead-letter write failed: ")
                .contains("dead letters refused");
        assertThat(Instant.parse(detail(down, "partition.0.since")))
                .isBetween(sent.minusMillis(1), Instant.now().minusMillis(1000));
        // one attempt, never tried again: only the write is
        assertThat(file().deliveryAttempts("billing", "orders")).extracting(DeliveryAttempts::attempts)
                .containsExactly(1);
        assertThat(file().read("orders.dlq", 0, 0, 10)).isEmpty();
        assertThat(file().committed("billing", "orders", 0)).isEmpty();

        sql("DROP TRIGGER refuse_dead_letters");
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness(context, "billing").getState() == State.UP);
        assertThat(file().read("orders.dlq", 0, 0, 10)).hasSize(1);
        assertThat(file().committed("billing", "orders", 0)).hasValue(1);
        assertThat(file().deliveryAttempts("billing", "orders")).isEqualTo(List.of());
    }

    /** Runs a statement on a connection of its own, as another program would. */
    private void sql(String statement) throws Exception {
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement sql = jdbc.createStatement()) {
            sql.execute("PRAGMA busy_timeout = 10000");
            sql.execute(statement);
        }
    }
}
