package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.TopicConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code klite_consumer_lag} shows every partition a known group of the file consumes, not only those a consumer of
 * this process holds: after the group's route stops its lag stays and grows as messages arrive (the case a lag alert
 * is for); a group no consumer of this process ever ran shows from its commit, and its lag follows retention's
 * deletions; a deleted group's series goes. Read from the registry's Prometheus text, as a scrape would.
 */
class KliteComponentShowsTheLagOfKnownGroupsTest extends KliteCamelTestSupport {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Received orders = new Received();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        KliteComponent klite = context.getComponent("klite", KliteComponent.class);
        klite.setRetentionCheckInterval(100);
        klite.setLagRefreshInterval(Duration.ofMillis(100));
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10").routeId("billing")
                        .process(orders.body());
            }
        };
    }

    private Optional<Double> lag(String group, String topic) {
        return PrometheusText.parse(registry.scrape()).value("klite_consumer_lag", "group", group, "topic", topic,
                "partition", "0", "database", db().toAbsolutePath().normalize().toString());
    }

    @Test
    void theLagOfAStoppedRouteStaysAndGrows() throws Exception {
        for (int i = 1; i <= 3; i++) {
            template.sendBody("klite:orders", "order " + i);
        }
        orders.awaitSize(3);
        await().untilAsserted(() -> assertThat(lag("billing", "orders")).hasValue(0.0));

        context.getRouteController().stopRoute("billing");
        template.sendBody("klite:orders", "order 4");
        template.sendBody("klite:orders", "order 5");
        // through refreshes every 100 ms: the series stays while nobody consumes the partition
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(lag("billing", "orders")).hasValue(2.0));
        template.sendBody("klite:orders", "order 6");
        assertThat(lag("billing", "orders")).hasValue(3.0);
        assertThat(orders).as("the stopped route took nothing more").hasSize(3);
    }

    @Test
    void aGroupThatOnlyCommittedShowsItsLagAfterRetention() {
        template.sendBody("klite:logs", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
        file().commit("audit", "logs", 0, 2);
        // known by its commit alone: shown at the next refresh
        await().untilAsserted(() -> assertThat(lag("audit", "logs")).hasValue(8.0));

        // retention keeps the newest 3 (not waiting for groups): offsets 3..7 are gone, 3 are left to process
        file().configureTopic("logs", new TopicConfig(null, 3L, false));
        await().untilAsserted(() -> assertThat(lag("audit", "logs")).hasValue(3.0));
        assertThat(file().startOffset("logs", 0)).isEqualTo(8);
    }

    @Test
    void aDeletedGroupsLagGoes() {
        template.sendBody("klite:logs", List.of("1", "2", "3"));
        file().commit("audit", "logs", 0, 1);
        await().untilAsserted(() -> assertThat(lag("audit", "logs")).hasValue(2.0));

        file().deleteGroup("audit");
        await().untilAsserted(() -> assertThat(lag("audit", "logs")).isEmpty());
    }
}
