package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * allowManualCommit=true: the consumer commits nothing itself; the route commits through the
 * {@code CamelKliteManualCommit} header, and a restart resumes after what the route committed.
 */
class KliteConsumerManualCommitTest extends KliteCamelTestSupport {

    private final Received received = new Received();

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&allowManualCommit=true&initialDelay=0&delay=50")
                        .process(exchange -> {
                            String body = exchange.getIn().getBody(String.class);
                            received.add(body);
                            KliteManualCommit commit = exchange.getIn().getHeader(KliteConstants.MANUAL_COMMIT,
                                    KliteManualCommit.class);
                            if (body.equals("2")) {
                                assertThat(commit.offset()).isEqualTo(2);
                                commit.commit();
                            }
                        });
            }
        };
    }

    @Test
    void onlyWhatTheRouteCommitsIsCommitted() throws Exception {
        template.sendBody("klite:orders", List.of("1", "2", "3", "4"));
        received.awaitSize(4);
        await().during(Duration.ofMillis(300)).until(() -> file().committed("billing", "orders", 0).equals(
                OptionalLong.of(2)));

        template.sendBody("klite:orders", "5");
        received.awaitSize(5);
        assertThat(received).containsExactly("1", "2", "3", "4", "5");
        assertThat(file().committed("billing", "orders", 0)).hasValue(2);

        restart();
        received.awaitSize(8);
        assertThat(received.subList(5, 8)).containsExactly("3", "4", "5");
    }
}
