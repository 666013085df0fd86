package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.klite.log.Message;
import io.klite.log.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * While a route holds a database file open, the component's cleaner deletes every retentionCheckInterval what the
 * topics' settings in the file no longer keep, never past the slowest group with keepUnconsumed.
 */
class KliteComponentCleansRetainedMessagesTest extends KliteCamelTestSupport {

    private final Received received = new Received();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("klite", KliteComponent.class).setRetentionCheckInterval(100);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=10").process(received.body());
            }
        };
    }

    @Test
    void theCleanerKeepsTheNewestMessagesOnceTheGroupHasConsumedThem() {
        List<String> payloads = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            payloads.add("order-" + i);
        }
        file().commit("audit", "orders", 0, 0);
        file().sendBatch("orders", 0, payloads);
        file().commit("audit", "orders", 0, 5);
        file().configureTopic("orders", new TopicConfig(null, 3L, true));

        received.awaitSize(10);
        // audit, a group with a commit, holds offsets 6 and 7 back although only 3 are to be kept
        await().untilAsserted(() -> assertThat(file().read("orders", 0, 0, 100)).extracting(Message::offset)
                .containsExactly(6L, 7L, 8L, 9L, 10L));
        file().commit("audit", "orders", 0, 10);
        await().untilAsserted(() -> assertThat(file().read("orders", 0, 0, 100)).extracting(Message::offset)
                .containsExactly(8L, 9L, 10L));
        assertThat(received).containsExactlyElementsOf(payloads);

        assertThat(cleanerThreads()).isNotEmpty();
        context.stop();
        assertThat(cleanerThreads()).as("cleaner threads left after the context stopped").isEmpty();
    }

    @Test
    void aNegativeIntervalIsRefused() {
        KliteComponent component = new KliteComponent();
        assertThatThrownBy(() -> component.setRetentionCheckInterval(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid retentionCheckInterval -1 ms: 0 (no cleaner) or more milliseconds");
    }

    /** This context's cleaner threads ("Camel (camel-1) thread #3 - KliteChores"). */
    private List<Thread> cleanerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().contains("(" + context.getName() + ")")
                                  && thread.getName().contains("KliteChores")).toList();
    }
}
