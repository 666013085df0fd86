package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * One exchange per message: a message whose exchange fails is delivered again before any later message of its
 * partition, the messages before it are committed and never delivered again, and the failure reaches the consumer's
 * exception handler. An exception the route handles counts as success; an exchange marked rollback-only is a failure.
 */
class KliteConsumerRedeliversInOrderAfterFailureTest extends KliteCamelTestSupport {

    @BindToRegistry("failures")
    private final RecordingExceptionHandler failures = new RecordingExceptionHandler();
    private final Received received = new Received();
    private final List<String> committedWhenReceived = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final List<String> handledReceived = new CopyOnWriteArrayList<>();
    private final List<String> rolledBackReceived = new CopyOnWriteArrayList<>();
    private final AtomicBoolean rolledBackOnce = new AtomicBoolean();
    private final List<String> bridgedReceived = new CopyOnWriteArrayList<>();
    private final Received bridgedErrors = new Received();
    private final AtomicBoolean bridgedFailedOnce = new AtomicBoolean();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50&exceptionHandler=#failures")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            received.add(body);
                            committedWhenReceived.add(body + "@" + file().committed("billing", "orders", 0));
                            if (body.equals("3") && failedOnce.compareAndSet(false, true)) {
                                throw new IllegalStateException("payment service down");
                            }
                        });

                from("klite:handled?group=billing&initialDelay=0&delay=50")
                        .onException(IllegalStateException.class).handled(true).end()
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            handledReceived.add(body);
                            if (body.equals("3")) {
                                throw new IllegalStateException("handled by the route");
                            }
                        });

                from("klite:bridged?group=billing&initialDelay=0&delay=50&bridgeErrorHandler=true")
                        .onException(IllegalStateException.class)
                            .process(bridgedErrors.body())
                        .end()
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            bridgedReceived.add(body);
                            if (body.equals("2") && bridgedFailedOnce.compareAndSet(false, true)) {
                                throw new IllegalStateException("payment service down");
                            }
                        });

                from("klite:rolledback?group=billing&initialDelay=0&delay=50")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            rolledBackReceived.add(body);
                            if (body.equals("2") && rolledBackOnce.compareAndSet(false, true)) {
                                exchange.setRollbackOnly(true);
                            }
                        });
            }
        };
    }

    @Test
    void failedMessageIsDeliveredAgainBeforeLaterOnes() {
        template.sendBody("klite:orders", List.of("1", "2", "3", "4", "5"));

        received.awaitAtLeast(6);
        assertThat(received).containsExactly("1", "2", "3", "3", "4", "5");
        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(5));
        // when 3 came again, 1 and 2 had been committed: a retry never replays what succeeded
        assertThat(committedWhenReceived.get(3)).isEqualTo("3@OptionalLong[2]");
        assertThat(failures.handled).singleElement().asString()
                .contains("offset 3", "topic 'orders' partition 0", "group 'billing'", "payment service down");
    }

    @Test
    void failureGoesThroughTheErrorHandlerOnceWithBridgeErrorHandler() {
        template.sendBody("klite:bridged", List.of("1", "2", "3"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "bridged", 0)).hasValue(3));
        assertThat(bridgedReceived).containsExactly("1", "2", "2", "3");
        assertThat(bridgedErrors).containsExactly("2");
    }

    @Test
    void exchangeMarkedRollbackOnlyIsDeliveredAgain() {
        template.sendBody("klite:rolledback", List.of("1", "2", "3"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "rolledback", 0)).hasValue(3));
        assertThat(rolledBackReceived).containsExactly("1", "2", "2", "3");
    }

    @Test
    void exceptionHandledByTheRouteCountsAsSuccess() {
        template.sendBody("klite:handled", List.of("1", "2", "3", "4", "5"));

        await().untilAsserted(() -> assertThat(file().committed("billing", "handled", 0)).hasValue(5));
        assertThat(handledReceived).containsExactly("1", "2", "3", "4", "5");
    }
}
