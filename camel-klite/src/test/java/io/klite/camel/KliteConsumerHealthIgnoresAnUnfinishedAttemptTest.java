package io.klite.camel;

import static io.klite.camel.ConsumerHealth.detail;
import static io.klite.camel.ConsumerHealth.readiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.consumer.FailingPartitions;
import io.klite.log.DeliveryAttempts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck.Result;
import org.apache.camel.health.HealthCheck.State;
import org.apache.camel.support.ScheduledPollConsumer;
import org.junit.jupiter.api.Test;

/**
 * With dead letters on, a consumer counts an attempt in the file as it starts; a process killed during it leaves that
 * row, whose first time is the fetch's. A consumer started on it an hour later goes on with the count, but is not
 * DOWN for the hour: the row says only that an attempt started and did not end, not that one failed. A row of a
 * failed attempt just as old makes the new consumer DOWN at once, with the row's count and first failure.
 *
 * <p>The unfinished row is the one a consumer writes: copied from the row the consumer of another topic writes while
 * its delivery of offset 1 runs. The message the rows are for is sent once the new consumer's first poll has ended
 * (Camel's part of the check is DOWN in readiness until then), and its delivery is held until the test lets it go, so
 * that the check is read while the message is neither delivered nor failed.
 */
class KliteConsumerHealthIgnoresAnUnfinishedAttemptTest extends KliteCamelTestSupport {

    private static final String OPTIONS = "initialDelay=0&delay=10&maxAttempts=3&unhealthyAfter=1000";
    /** By group: counted down once its delivery runs, and what it waits for. */
    private static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
    private static final Map<String, CountDownLatch> RELEASED = new ConcurrentHashMap<>();
    /** By group: the CamelKliteAttempt header of its delivery. */
    private static final Map<String, Object> ATTEMPT = new ConcurrentHashMap<>();

    @Override
    protected void doPreSetup() {
        for (String group : new String[] {"probe", "billing", "audit"}) {
            ENTERED.put(group, new CountDownLatch(1));
            RELEASED.put(group, new CountDownLatch(1));
        }
        ATTEMPT.clear();
    }

    @Test
    void anAttemptThatStartedAndDidNotEndAnHourAgoIsNoFailure() throws Exception {
        DeliveryAttempts unfinished = rowWrittenWhileADeliveryRuns();
        assertThat(unfinished.lastError()).contains("started and did not end");
        assertThat(FailingPartitions.hasFailed(unfinished)).as("listed in GET /stuck-partitions").isFalse();
        file().createTopic("orders", 1);
        file().deliveryAttempt("billing", "orders", 0, 1, 1, 1, unfinished.lastError());
        Instant anHourAgo = age("billing");

        startPolled("billing");
        Result started = readiness(context, "billing");
        assertThat(started.getState()).as("%s %s", started.getMessage(), started.getDetails()).isEqualTo(State.UP);

        template.sendBody("klite:orders", "m");
        assertThat(ENTERED.get("billing").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ATTEMPT.get("billing")).as("the count goes on").isEqualTo(2);
        Result running = readiness(context, "billing");
        assertThat(running.getState()).as("%s %s", running.getMessage(), running.getDetails()).isEqualTo(State.UP);
        assertThat(file().deliveryAttempts("billing", "orders")).singleElement()
                .satisfies(row -> assertThat(row.firstFailedAt()).isEqualTo(anHourAgo));

        RELEASED.get("billing").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> file().committed("billing", "orders", 0).isPresent());
        assertThat(readiness(context, "billing").getState()).isEqualTo(State.UP);
    }

    @Test
    void aFailedAttemptAnHourAgoIsDownAtOnce() throws Exception {
        file().createTopic("orders", 1);
        file().deliveryAttempt("audit", "orders", 0, 1, 1, 1, "java.lang.IllegalStateException: sink down");
        Instant anHourAgo = age("audit");

        startPolled("audit");
        Result down = readiness(context, "audit");
        assertThat(down.getState()).isEqualTo(State.DOWN);
        assertThat(detail(down, "partitions")).as("%s %s", down.getMessage(), down.getDetails()).isEqualTo("0");
        assertThat(detail(down, "partition.0.attempts")).isEqualTo("1");
        assertThat(detail(down, "partition.0.last.error")).isEqualTo("java.lang.IllegalStateException: sink down");
        assertThat(Instant.parse(detail(down, "partition.0.since"))).isEqualTo(anHourAgo);

        template.sendBody("klite:orders", "m");
        assertThat(ENTERED.get("audit").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ATTEMPT.get("audit")).isEqualTo(2);
        assertThat(readiness(context, "audit").getState()).isEqualTo(State.DOWN);
        RELEASED.get("audit").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness(context, "audit").getState() == State.UP);
        assertThat(file().committed("audit", "orders", 0)).hasValue(1);
    }

    /**
     * The row the consumer of group "probe" writes for offset 1 of topic "probes" as its first delivery starts, read
     * while that delivery runs.
     */
    private DeliveryAttempts rowWrittenWhileADeliveryRuns() throws Exception {
        file().createTopic("probes", 1);
        file().send("probes", 0, "p");
        startRoute("probe", "probes");
        try {
            assertThat(ENTERED.get("probe").await(10, TimeUnit.SECONDS)).isTrue();
            DeliveryAttempts row = file().deliveryAttempts("probe", "probes").get(0);
            assertThat(row).extracting(DeliveryAttempts::firstOffset, DeliveryAttempts::lastOffset,
                    DeliveryAttempts::attempts).containsExactly(1L, 1L, 1);
            return row;
        } finally {
            RELEASED.get("probe").countDown();
        }
    }

    /** Starts the group's route on topic "orders" and waits for the end of its first poll. */
    private void startPolled(String group) throws Exception {
        startRoute(group, "orders");
        ScheduledPollConsumer consumer = (ScheduledPollConsumer) context.getRoute(group).getConsumer();
        await().atMost(Duration.ofSeconds(10)).until(consumer::isFirstPollDone);
    }

    /**
     * Starts the group's route (added now: Camel's check leaves out the consumer of a route with autoStartup=false),
     * which holds each delivery until the test lets it go.
     */
    private void startRoute(String group, String topic) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:" + topic + "?group=" + group + "&" + OPTIONS).routeId(group).process(exchange -> {
                    ATTEMPT.put(group, exchange.getIn().getHeader(KliteConstants.ATTEMPT));
                    ENTERED.get(group).countDown();
                    RELEASED.get(group).await(20, TimeUnit.SECONDS);
                });
            }
        });
    }

    /** Moves the times of the group's row an hour back, as if its process had been killed an hour ago. */
    private Instant age(String group) throws Exception {
        Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db());
                PreparedStatement update = jdbc.prepareStatement("UPDATE klite_delivery_attempts"
                        + " SET first_failed_at = ?, last_failed_at = ? WHERE consumer_group = ?")) {
            update.setString(1, anHourAgo.toString());
            update.setString(2, anHourAgo.toString());
            update.setString(3, group);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        return anHourAgo;
    }
}
