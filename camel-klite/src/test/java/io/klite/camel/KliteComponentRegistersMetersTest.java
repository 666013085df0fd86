package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.TopicConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Where the Camel context has a Micrometer registry, the component registers DESIGN §10's meters in it: produced per
 * partition, consumed, lag (per partition held, going to 0 as the group catches up), failed attempts and dead letters
 * after a failing route, retention's deletions, the write transactions' histogram and the file's sizes. Read from the
 * registry's Prometheus text, as a scrape would.
 */
class KliteComponentRegistersMetersTest extends KliteCamelTestSupport {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Holds the first order's delivery, so that the group lags behind until the test lets it go. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final Received orders = new Received();

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

    @Test
    void producedConsumedAndLagGoingToZero() {
        for (int i = 1; i <= 5; i++) {
            template.sendBody("klite:orders", "order " + i);
        }
        assertThat(scrape().value("klite_messages_produced_total", "topic", "orders", "partition", "0")).hasValue(5.0);
        // the route holds the first order: the group has committed nothing, five to go
        await().untilAsserted(() -> assertThat(
                scrape().value("klite_consumer_lag", "group", "billing", "topic", "orders", "partition", "0"))
                .hasValue(5.0));

        release.countDown();
        orders.awaitSize(5);
        await().untilAsserted(() -> {
            PrometheusText metrics = scrape();
            assertThat(metrics.value("klite_messages_consumed_total", "group", "billing", "topic", "orders",
                    "partition", "0")).hasValue(5.0);
            assertThat(metrics.value("klite_consumer_lag", "group", "billing", "topic", "orders", "partition", "0"))
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
        assertThat(metrics.value("klite_delivery_failures_total", "group", "ledger", "topic", "payments",
                "partition", "0")).hasValue(3.0);
        assertThat(metrics.value("klite_dead_lettered_total", "group", "ledger", "topic", "payments")).hasValue(1.0);
        assertThat(metrics.value("klite_messages_consumed_total", "group", "ledger", "topic", "payments",
                "partition", "0")).hasValue(2.0);
        assertThat(metrics.value("klite_consumer_lag", "group", "ledger", "topic", "payments", "partition", "0"))
                .hasValue(0.0);
        assertThat(metrics.type("klite_delivery_failures_total")).hasValue("counter");
    }

    @Test
    void retentionDeletionsCommitTimesAndFileSizes() {
        release.countDown();
        template.sendBody("klite:logs", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
        file().configureTopic("logs", new TopicConfig(null, 3L, false));

        // the component's cleaner runs every 100 ms
        await().untilAsserted(() -> assertThat(scrape().value("klite_retention_deleted_total", "topic", "logs"))
                .hasValue(7.0));
        PrometheusText metrics = scrape();
        assertThat(metrics.value("klite_messages_produced_total", "topic", "logs", "partition", "0")).hasValue(10.0);
        assertThat(metrics.type("klite_commit_seconds")).hasValue("histogram");
        assertThat(metrics.value("klite_commit_seconds_count")).hasValueSatisfying(n -> assertThat(n).isGreaterThan(0));
        assertThat(metrics.value("klite_commit_seconds_bucket", "le", "+Inf"))
                .isEqualTo(metrics.value("klite_commit_seconds_count"));
        assertThat(metrics.samples("klite_commit_seconds_bucket")).hasSize(17);
        String database = db().toAbsolutePath().normalize().toString();
        assertThat(metrics.value("klite_database_bytes", "database", database))
                .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
        assertThat(metrics.value("klite_wal_bytes", "database", database))
                .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
    }
}
