package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.RedriveResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Messages appended otherwise than by a send are counted as produced too: a dead letter on the dead-letter topic's
 * partition, a redrive on the partition the message came from; the group's dead letters in
 * {@code klite_dead_lettered_total} as well. Read from the registry's Prometheus text, as a scrape would.
 */
class KliteComponentCountsDeadLettersAndRedrivesTest extends KliteCamelTestSupport {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The account is missing until the test creates it: "poison" fails until then. */
    private final AtomicBoolean accountMissing = new AtomicBoolean(true);
    private final Received payments = new Received();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("metricsRegistry", registry);
        context.getComponent("klite", KliteComponent.class).setLagRefreshInterval(Duration.ofMillis(100));
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:payments?group=ledger&initialDelay=0&delay=10&retryDelay=10&maxAttempts=2")
                        .process(exchange -> {
                            if (exchange.getIn().getBody(String.class).equals("poison") && accountMissing.get()) {
                                throw new IllegalStateException("no such account");
                            }
                        })
                        .process(payments.body());
            }
        };
    }

    private Optional<Double> value(String name, String... labels) {
        String[] all = new String[labels.length + 2];
        System.arraycopy(labels, 0, all, 0, labels.length);
        all[labels.length] = "database";
        all[labels.length + 1] = db().toAbsolutePath().normalize().toString();
        return PrometheusText.parse(registry.scrape()).value(name, all);
    }

    @Test
    void deadLettersCountOnTheDeadLetterTopicAndRedrivesOnTheOriginalOne() {
        template.sendBody("klite:payments", "p1");
        template.sendBody("klite:payments", "poison");
        template.sendBody("klite:payments", "p3");
        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(3));

        assertThat(value("klite_messages_produced_total", "topic", "payments", "partition", "0")).hasValue(3.0);
        assertThat(value("klite_messages_produced_total", "topic", "payments.dlq", "partition", "0")).hasValue(1.0);
        assertThat(value("klite_dead_lettered_total", "group", "ledger", "topic", "payments")).hasValue(1.0);

        accountMissing.set(false);
        KliteComponent klite = context.getComponent("klite", KliteComponent.class);
        List<RedriveResult> redriven = klite.withLog(db().toString(), log -> log.redriveAll("payments.dlq"));
        assertThat(redriven).extracting(RedriveResult::messages).containsExactly(1);

        // the redriven copy is offset 4 of payments, delivered this time
        await().untilAsserted(() -> assertThat(file().committed("ledger", "payments", 0)).hasValue(4));
        assertThat(payments).containsExactly("p1", "p3", "poison");
        assertThat(value("klite_messages_produced_total", "topic", "payments", "partition", "0")).hasValue(4.0);
        assertThat(value("klite_messages_produced_total", "topic", "payments.dlq", "partition", "0")).hasValue(1.0);
        await().untilAsserted(() -> assertThat(value("klite_messages_consumed_total", "group", "ledger", "topic",
                "payments", "partition", "0")).hasValue(3.0));
        // nothing more to redrive: the klite.redrive group has committed past the dead letter
        await().untilAsserted(() -> assertThat(value("klite_consumer_lag", "group", "klite.redrive", "topic",
                "payments.dlq", "partition", "0")).hasValue(0.0));
    }
}
