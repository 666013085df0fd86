package io.klite.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.camel.KliteConstants;
import io.klite.camel.consumer.DeliveryFailure;
import io.klite.log.Limits;
import io.klite.runtime.StandardError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The workers' exception handler takes what the consumer decided from the failed exchange's {@link DeliveryFailure}:
 * a retried batch's line says when the next attempt is, a dead-lettered one's where the batch went, each with the
 * worker's reason. An exchange without a {@code DeliveryFailure} is still one line, the consumer's summary with the
 * worker's reason. A batch accepted after failed attempts is one line with the consumer's count (its attempt header):
 * the handler keeps no count of its own.
 */
class WorkerFailureHandlerFollowsTheConsumersVerdictTest {

    private static final String ROUTE = "worker:orders:billing:0";
    private static final HttpWorker WORKER = new HttpWorker("orders", "billing", 0, 1,
            URI.create("http://127.0.0.1:9000/hook?token=secret"), 10, Duration.ofMillis(500), Duration.ofSeconds(60),
            3, "orders.dlq", true, Limits.DEFAULT_MAX_BATCH_BYTES);

    private final CamelContext context = new DefaultCamelContext();
    private final WorkerFailureHandler handler = new WorkerFailureHandler("10s");

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void retriedAttemptsSayTheNextAttemptAndTheLastWhereTheBatchWent() throws Exception {
        String first = logged(() -> handler.handleException("summary", exchange(DeliveryFailure.retried("orders", 0, 4,
                5, "billing", 1, 3, Duration.ofMillis(500), Instant.now(), "java.io.IOException: down")), cause()));

        String last = logged(() -> handler.handleException("summary", exchange(DeliveryFailure.deadLettered("orders",
                0, 4, 5, "billing", 3, 3, "orders.dlq", false, "java.io.IOException: down")), cause()));

        // the worker's reason, not the consumer's, and the endpoint without its query
        assertThat(first).contains("Delivery failed: topic 'orders' partition 0 offsets 4..5 group 'billing' attempt 1"
                + " of 3; next attempt at ").contains(" (in 500 ms); reason: cannot connect (refused); endpoint"
                + " http://127.0.0.1:9000/hook\n");
        assertThat(last).contains("Delivery failed: topic 'orders' partition 0 offsets 4..5 group 'billing' attempt 3"
                + " of 3; dead-lettered to topic 'orders.dlq'; reason: cannot connect (refused); endpoint"
                + " http://127.0.0.1:9000/hook\n").doesNotContain("secret");
    }

    @Test
    void anExchangeWithoutADeliveryFailureIsStillOneLine() throws Exception {
        Exchange exchange = exchange(null);
        exchange.getIn().setHeader(KliteConstants.ATTEMPT, 2);

        String line = logged(() -> handler.handleException("summary", exchange, cause()));

        assertThat(line).contains("summary; reason: cannot connect (refused); endpoint http://127.0.0.1:9000/hook\n");
    }

    @Test
    void aBatchAcceptedAfterFailedAttemptsIsOneLineWithTheConsumersCount() throws Exception {
        Exchange exchange = exchange(null);
        exchange.getIn().setHeader(KliteConstants.ATTEMPT, 4);
        String line = logged(() -> handler.delivered(exchange));
        assertThat(line).contains("INFO", "Delivered after 3 failed attempt(s): topic 'orders' partition 0 offsets 4..5"
                + " group 'billing'; endpoint http://127.0.0.1:9000/hook\n");

        Exchange first = exchange(null);
        first.getIn().setHeader(KliteConstants.ATTEMPT, 1);
        assertThat(logged(() -> handler.delivered(first))).isEmpty();
    }

    /** A failed exchange of the worker's route holding offsets 4 and 5, with the consumer's verdict where given. */
    private Exchange exchange(DeliveryFailure failure) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getExchangeExtension().setFromRouteId(ROUTE);
        exchange.getIn().setHeader(KliteConstants.FIRST_OFFSET, 4L);
        exchange.getIn().setHeader(KliteConstants.LAST_OFFSET, 5L);
        exchange.setProperty(HttpWorker.PROPERTY, WORKER);
        if (failure != null) {
            exchange.setProperty(DeliveryFailure.PROPERTY, failure);
        }
        return exchange;
    }

    private static Exception cause() {
        return new IOException("POST failed", new ConnectException("refused"));
    }

    /** What {@code action} writes to the log (standard error), each line ending in a line break. */
    private static String logged(StandardError.Work action) throws Exception {
        return StandardError.linesDuring(action).stream().map(line -> line + "\n").collect(Collectors.joining());
    }
}
