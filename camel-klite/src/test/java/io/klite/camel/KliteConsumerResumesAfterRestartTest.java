package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.stream.IntStream;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A restarted application (a new CamelContext on the same file) resumes each group after its last commit: nothing written while it was down is
 * lost, nothing committed is delivered again.
 */
class KliteConsumerResumesAfterRestartTest extends KliteCamelTestSupport {

    private final Received received = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&partitionCount=3&initialDelay=0&delay=50")
                        .process(received.body());
            }
        };
    }

    @Test
    void restartResumesAfterTheLastCommit() throws Exception {
        for (int i = 1; i <= 30; i++) {
            template.sendBody("klite:orders", "m" + i);
        }
        received.awaitSize(30);
        await().untilAsserted(() -> assertThat(committedTotal()).isEqualTo(30));

        context.stop();
        for (int i = 31; i <= 60; i++) {
            file().send("orders", i % 3, "m" + i);
        }
        restart();

        received.awaitAtLeast(60);
        await().untilAsserted(() -> assertThat(committedTotal()).isEqualTo(60));
        assertThat(received).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 60).mapToObj(i -> "m" + i).toList());
    }

    private long committedTotal() {
        return IntStream.range(0, 3).mapToLong(p -> file().committed("billing", "orders", p).orElse(0)).sum();
    }
}
