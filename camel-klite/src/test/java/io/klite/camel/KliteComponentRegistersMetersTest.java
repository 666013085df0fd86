package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.TopicConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Where the Camel context has a Micrometer registry, the component registers DESIGN §10's meters in it, each with the
 * file as {@code database}: produced per partition, consumed (each message once, also in batches), lag (going to 0 as
 * the group catches up), failed attempts and dead letters after a failing route, retention's deletions, the write
 * transactions' histogram and the file's sizes. Read from the registry's Prometheus text, as a scrape would.
 */
class KliteComponentRegistersMetersTest extends KliteCamelTestSupport {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Holds the first order's delivery, so that the group lags behind until the test lets it go. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final Received orders = new Received();
    private final AtomicInteger batches = new AtomicInteger();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        context.getComponent("klite", KliteComponent.class).setRetentionCheckInterval(100);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10")
                        .process(exchange -> release.await(30, TimeUnit.SECONDS))
                        .process(orders.body());
                from("klite:bulk?group=loader&initialDelay=0&delay=10&batching=true&batchSize=4")
                        .process(exchange -> batches.incrementAndGet());
                from("klite:payments?group=ledger&initialDelay=0&delay=10&retryDelay=10&maxAttempts=3")
                        .process(exchange -> {
                            if (exchange.getIn().getBody(String.class).equals("poison")) {
                                throw new IllegalStateException("no such account");
                            }
                        });
            }
        };
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    /** The labels, then the file's: every Klite meter has it. */
    private String[] labels(String... labels) {
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = "database";
        all[labels.length + 1] = db().toAbsolutePath().normalize().toString();
        return all;
    }

    @Test
    void producedConsumedAndLagGoingToZero() {
        for (int i = 1; i <= 5; i++) {
            template.sendBody("klite:orders", "order " + i);
        }
        assertThat(scrape().value("klite_messages_produced_total", labels("topic", "orders", "partition", "0")))
                .hasValue(5.0);
        // the route holds the first order: the group has committed nothing, five to go
        await().untilAsserted(() -> assertThat(
                scrape().value("klite_consumer_lag", labels("group", "billing", "topic", "orders", "partition", "0")))
                .hasValue(5.0));

        release.countDown();
        orders.awaitSize(5);
        await().untilAsserted(() -> {
            PrometheusText metrics = scrape();
            assertThat(metrics.value("klite_messages_consumed_total", labels("group", "billing", "topic", "orders",
                    "partition", "0"))).hasValue(5.0);
            assertThat(metrics.value("klite_consumer_lag",
                    labels("group", "billing", "topic", "orders", "partition", "0")))
                    .hasValue(0.0);
        });
    }

    @Test
    void failedAttemptsAndDeadLettersOfAFailingRoute() {
        release.countDown();
        template.sendBody("klite:payments", "p1");
        template.sendBody("klite:payments", "poison");
        template.sendBody("klite:payments", "p3");

        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(3));
        PrometheusText metrics = scrape();
        assertThat(metrics.value("klite_delivery_failures_total", labels("group", "ledger", "topic", "payments",
                "partition", "0"))).hasValue(3.0);
        assertThat(metrics.value("klite_dead_lettered_total", labels("group", "ledger", "topic", "payments")))
                .hasValue(1.0);
        assertThat(metrics.value("klite_messages_consumed_total", labels("group", "ledger", "topic", "payments",
                "partition", "0"))).hasValue(2.0);
        assertThat(metrics.value("klite_consumer_lag",
                labels("group", "ledger", "topic", "payments", "partition", "0")))
                .hasValue(0.0);
        assertThat(metrics.type("klite_delivery_failures_total")).hasValue("counter");
    }

    @Test
    void aBatchingConsumerCountsEachMessageOnce() {
        release.countDown();
        List<String> rows = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        template.sendBody("klite:bulk", rows);

        await().untilAsserted(() -> assertThat(file().committed("loader", "bulk", 0)).hasValue(10));
        // batches of up to 4: at least 3 exchanges, and the counter counts messages, not exchanges
        assertThat(batches.get()).isGreaterThanOrEqualTo(3);
        await().untilAsserted(() -> assertThat(scrape().value("klite_messages_consumed_total",
                labels("group", "loader", "topic", "bulk", "partition", "0"))).hasValue(10.0));
        assertThat(scrape().value("klite_messages_produced_total", labels("topic", "bulk", "partition", "0")))
                .hasValue(10.0);
    }

    @Test
    void retentionDeletionsCommitTimesAndFileSizes() {
        release.countDown();
        template.sendBody("klite:logs", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
        file().configureTopic("logs", new TopicConfig(null, 3L, false));

        // the component's cleaner runs every 100 ms
        await().untilAsserted(() -> assertThat(scrape().value("klite_retention_deleted_total", labels("topic", "logs")))
                .hasValue(7.0));
        PrometheusText metrics = scrape();
        assertThat(metrics.value("klite_messages_produced_total", labels("topic", "logs", "partition", "0")))
                .hasValue(10.0);
        assertThat(metrics.type("klite_commit_seconds")).hasValue("histogram");
        assertThat(metrics.value("klite_commit_seconds_count", labels()))
                .hasValueSatisfying(n -> assertThat(n).isGreaterThan(0));
        assertThat(metrics.value("klite_commit_seconds_bucket", labels("le", "+Inf")))
                .isEqualTo(metrics.value("klite_commit_seconds_count", labels()));
        assertThat(metrics.samples("klite_commit_seconds_bucket")).hasSize(17);
        assertThat(metrics.value("klite_database_bytes", labels()))
                .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
        assertThat(metrics.value("klite_wal_bytes", labels()))
                .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
    }
}
