package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A partition whose message keeps failing, or that cannot be read at all, waits on its own for the consumer's delay;
 * the other partitions of the topic flow on.
 */
class KliteConsumerIsolatesFailingPartitionTest extends KliteCamelTestSupport {

    @BindToRegistry("failures")
    private final RecordingExceptionHandler failures = new RecordingExceptionHandler();
    private final Received received = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&partitionCount=2&initialDelay=0&delay=50")
                        .process(exchange -> record(exchange.getIn().getHeader(KliteConstants.PARTITION),
                                exchange.getIn().getBody(String.class)));

                // one message per round, and a delay far longer than the test: a partition that failed must not be
                // tried again in the rounds that drain the other partition
                from("klite:backlog?group=billing&partitionCount=2&batchSize=1&initialDelay=100&delay=60000")
                        .process(exchange -> record(exchange.getIn().getHeader(KliteConstants.PARTITION),
                                exchange.getIn().getBody(String.class)));

                from("klite:parcels?group=billing&partition=1&partitionCount=2&initialDelay=0&delay=50"
                        + "&heartbeatInterval=100&sessionTimeout=1000")
                        .routeId("parcels")
                        .process(exchange -> received.add("parcels:" + exchange.getIn().getBody(String.class)));

                from("klite:shipments?group=billing&partitionCount=3&initialDelay=0&delay=50"
                        + "&exceptionHandler=#failures")
                        .process(exchange -> received.add("shipments:" + exchange.getIn().getBody(String.class)));
            }
        };
    }

    private void record(Object partition, String body) {
        received.add(partition + ":" + body);
        if (body.equals("poison")) {
            throw new IllegalArgumentException("cannot parse " + body);
        }
    }

    @Test
    void otherPartitionsAreDeliveredWhileOneRetries() {
        template.sendBodyAndHeader("klite:orders", List.of("a", "poison", "after-poison"),
                KliteConstants.OVERRIDE_PARTITION, 0);
        for (int i = 1; i <= 20; i++) {
            template.sendBodyAndHeader("klite:orders", "m" + i, KliteConstants.OVERRIDE_PARTITION, 1);
        }

        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 1)).hasValue(20));
        await().until(() -> received.stream().filter("0:poison"::equals).count() >= 3);

        assertThat(received.stream().filter(r -> r.startsWith("1:")))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(i -> "1:m" + i).toList());
        assertThat(received).doesNotContain("0:after-poison").containsOnlyOnce("0:a");
        assertThat(file().committed("billing", "orders", 0)).hasValue(1);
    }

    @Test
    void failedPartitionWaitsForTheDelayWhileAnotherDrains() {
        file().createTopic("backlog", 2);
        file().send("backlog", 0, "poison");
        file().sendBatch("backlog", 1, IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).toList());

        await().untilAsserted(() -> assertThat(file().committed("billing", "backlog", 1)).hasValue(30));
        assertThat(received.stream().filter(r -> r.startsWith("1:"))).hasSize(30);
        assertThat(received).containsOnlyOnce("0:poison");
    }

    @Test
    void pollFailsWhenNoPartitionCanBeRead() throws Exception {
        template.sendBodyAndHeader("klite:parcels", "p1", KliteConstants.OVERRIDE_PARTITION, 1);
        await().until(() -> received.contains("parcels:p1"));
        KliteConsumer consumer = (KliteConsumer) context.getRoute("parcels").getConsumer();
        assertThat(consumer.getErrorCounter()).isZero();

        dropTable("parcels_1");
        Instant dropped = Instant.now();

        // Camel's poll strategy counts the failed polls: backoffErrorThreshold and the health check see them
        await().until(() -> consumer.getErrorCounter() >= 2);
        assertThat(consumer.isStarted()).isTrue();
        // the partition is the topic's last: without its table the topic counts one partition, yet the consumer keeps
        // it, looking at its group with each heartbeat, and its polls go on failing where they would otherwise stop
        await().until(() -> file().liveMembers("billing", "parcels").get(0).heartbeatAt()
                .isAfter(dropped.plusMillis(500)));
        assertThat(file().liveMembers("billing", "parcels")).singleElement()
                .satisfies(member -> assertThat(member.partitions()).containsExactly(1));
        long errors = consumer.getErrorCounter();
        await().until(() -> consumer.getErrorCounter() > errors);
    }

    private void dropTable(String table) throws Exception {
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement statement = jdbc.createStatement()) {
            statement.execute("DROP TABLE \"" + table + "\"");
        }
    }

    @Test
    void partitionThatCannotBeReadDoesNotHoldBackOthers() throws Exception {
        template.sendBodyAndHeader("klite:shipments", "s1", KliteConstants.OVERRIDE_PARTITION, 0);
        template.sendBodyAndHeader("klite:shipments", "s2", KliteConstants.OVERRIDE_PARTITION, 2);
        received.awaitSize(2);

        // another program drops the last partition's table: reading partition 2 now fails
        dropTable("shipments_2");
        await().until(() -> !failures.handled.isEmpty());
        template.sendBodyAndHeader("klite:shipments", "s3", KliteConstants.OVERRIDE_PARTITION, 0);

        await().until(() -> received.contains("shipments:s3"));
        assertThat(failures.handled.get(0)).contains("Failed to read topic 'shipments' partition 2",
                "group 'billing'");
        await().untilAsserted(() -> assertThat(file().committed("billing", "shipments", 0)).hasValue(2));
    }
}
