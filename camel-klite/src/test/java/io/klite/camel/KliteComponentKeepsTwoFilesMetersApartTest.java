package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Two database files in one Camel context, with the same topic and group in each, keep separate series: every meter
 * has the file as its {@code database} label, so produced and consumed counts are not summed, each file's lag is its
 * own, and the lag of one stays when the other's route stops.
 */
class KliteComponentKeepsTwoFilesMetersApartTest extends KliteCamelTestSupport {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Received fromA = new Received();
    private final Received fromB = new Received();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        return context;
    }

    private Path a() {
        return dir.resolve("a.db");
    }

    private Path b() {
        return dir.resolve("b.db");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?database=" + a() + "&group=billing&initialDelay=0&delay=10").routeId("a")
                        .process(fromA.body());
                from("klite:orders?database=" + b() + "&group=billing&initialDelay=0&delay=10").routeId("b")
                        .process(fromB.body());
            }
        };
    }

    private static Optional<Double> value(PrometheusText metrics, String name, Path database, String... labels) {
        String[] all = new String[labels.length + 2];
        System.arraycopy(labels, 0, all, 0, labels.length);
        all[labels.length] = "database";
        all[labels.length + 1] = database.toAbsolutePath().normalize().toString();
        return metrics.value(name, all);
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    @Test
    void sameGroupAndTopicInTwoFiles() throws Exception {
        for (int i = 1; i <= 3; i++) {
            template.sendBody("klite:orders?database=" + a(), "a" + i);
        }
        template.sendBody("klite:orders?database=" + b(), "b1");
        fromA.awaitSize(3);
        fromB.awaitSize(1);

        String[] billing0 = {"group", "billing", "topic", "orders", "partition", "0"};
        await().untilAsserted(() -> {
            PrometheusText metrics = scrape();
            assertThat(value(metrics, "klite_messages_produced_total", a(), "topic", "orders", "partition", "0"))
                    .hasValue(3.0);
            assertThat(value(metrics, "klite_messages_produced_total", b(), "topic", "orders", "partition", "0"))
                    .hasValue(1.0);
            assertThat(value(metrics, "klite_messages_consumed_total", a(), billing0)).hasValue(3.0);
            assertThat(value(metrics, "klite_messages_consumed_total", b(), billing0)).hasValue(1.0);
            assertThat(value(metrics, "klite_consumer_lag", a(), billing0)).hasValue(0.0);
            assertThat(value(metrics, "klite_consumer_lag", b(), billing0)).hasValue(0.0);
        });

        // a's route stops and a falls behind; b's lag is b's own, and stays
        context.getRouteController().stopRoute("a");
        template.sendBody("klite:orders?database=" + a(), "a4");
        template.sendBody("klite:orders?database=" + a(), "a5");
        PrometheusText metrics = scrape();
        assertThat(value(metrics, "klite_consumer_lag", a(), billing0)).hasValue(2.0);
        assertThat(value(metrics, "klite_consumer_lag", b(), billing0)).hasValue(0.0);
        template.sendBody("klite:orders?database=" + b(), "b2");
        fromB.awaitSize(2);
        await().untilAsserted(() -> assertThat(value(scrape(), "klite_messages_consumed_total", b(), billing0))
                .hasValue(2.0));
        assertThat(value(scrape(), "klite_consumer_lag", a(), billing0)).hasValue(2.0);
        assertThat(scrape().samples("klite_consumer_lag")).hasSize(2);
    }
}
