package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A group whose committed offset fell behind retention resumes at the oldest message kept, with one warning naming
 * how many offsets it lost.
 */
class KliteConsumerResumesBehindRetentionTest extends KliteCamelTestSupport {

    private final Received received = new Received();
    private final AtomicInteger failures = new AtomicInteger();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10").routeId("billing").autoStartup(false)
                        .process(received.body());
                from("klite:invoices?group=billing&initialDelay=0&delay=10&retryDelay=10").routeId("failing-twice")
                        .autoStartup(false)
                        .process(exchange -> {
                            if (failures.incrementAndGet() <= 2) {
                                throw new IllegalStateException("not yet");
                            }
                        })
                        .process(received.body());
            }
        };
    }

    @Test
    void aGroupBehindRetentionGoesOnAtTheOldestKeptMessageWithOneWarning() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            payloads.add("order-" + i);
        }
        file().sendBatch("orders", 0, payloads);
        file().commit("billing", "orders", 0, 2);
        file().configureTopic("orders", new TopicConfig(null, 3L, false));
        assertThat(file().applyRetention("orders")).isEqualTo(7);

        List<String> lines = StandardError.linesDuring(() -> {
            context.getRouteController().startRoute("billing");
            received.awaitSize(3);
            await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(10));
        });
        assertThat(received).containsExactly("order-8", "order-9", "order-10");
        List<String> warnings = lines.stream().filter(line -> line.contains("offset(s) lost")).toList();
        assertThat(warnings).singleElement().asString().contains("WARN", "Group 'billing' stood at offset 2 of topic"
                + " 'orders' partition 0, but offsets 3..7 were deleted (retention) before it consumed them: 5"
                + " offset(s) lost; going on at offset 8");
    }

    @Test
    void aDeliveryRetriedAfterTheGapIsNotReportedAgain() throws Exception {
        file().sendBatch("invoices", 0, List.of("i1", "i2", "i3", "i4", "i5", "i6"));
        file().commit("billing", "invoices", 0, 1);
        file().configureTopic("invoices", new TopicConfig(null, 2L, false));
        assertThat(file().applyRetention("invoices")).isEqualTo(4);

        List<String> lines = StandardError.linesDuring(() -> {
            context.getRouteController().startRoute("failing-twice");
            await().untilAsserted(() -> assertThat(file().committed("billing", "invoices", 0)).hasValue(6));
        });
        assertThat(failures).hasValueGreaterThan(2);
        assertThat(received).containsExactly("i5", "i6");
        assertThat(lines.stream().filter(line -> line.contains("offset(s) lost")).toList()).singleElement().asString()
                .contains("offsets 2..4 were deleted (retention) before it consumed them: 3 offset(s) lost; going on"
                          + " at offset 5");
    }
}
