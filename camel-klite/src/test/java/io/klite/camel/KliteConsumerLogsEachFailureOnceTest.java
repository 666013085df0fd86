package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A failed delivery is logged once per attempt, as one line at WARN naming topic, partition, offset, group, attempt,
 * the next retry and the error's class and message; no stack trace at INFO or WARN (the log backend of the tests,
 * slf4j-simple, writes to System.err, which the test reads).
 */
class KliteConsumerLogsEachFailureOnceTest extends KliteCamelTestSupport {

    private final AtomicInteger failuresLeft = new AtomicInteger(2);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // Camel's default error handler logs each failed exchange too, at ERROR with its stack trace
                errorHandler(defaultErrorHandler().loggingLevel(LoggingLevel.DEBUG));
                from("klite:orders?group=billing&initialDelay=0&delay=30").process(exchange -> {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("payment service down\nfor maintenance");
                    }
                });
            }
        };
    }

    @Test
    void eachFailedAttemptIsOneLineWithoutStackTrace() throws Exception {
        List<String> lines = StandardError.linesDuring(() -> {
            template.sendBody("klite:orders", "order-1");
            await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(1));
        });
        List<String> failures = lines.stream().filter(line -> line.contains("Delivery failed")).toList();
        assertThat(failures).hasSize(2);
        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(failures.get(attempt - 1)).contains("WARN", "io.klite.camel.consumer.Delivery",
                    "Delivery failed: topic 'orders' partition 0 offset 1 group 'billing' attempt " + attempt
                    + "; next attempt at ", " (in " + (30 << (attempt - 1)) + " ms); reason:"
                    + " java.lang.IllegalStateException: payment service down for maintenance");
        }
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Delivery failure in detail"));
    }
}
