package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

/**
 * autoOffsetReset=latest: a group with no committed offset starts after the messages that exist, and that start is
 * committed at once, so messages written later are never skipped, even when the context restarts before it consumed
 * any of them.
 */
class KliteConsumerAutoOffsetResetLatestTest extends KliteCamelTestSupport {

    private final Received received = new Received();

    @Override
    public void configureTest(TestExecutionConfiguration testExecutionConfiguration) {
        testExecutionConfiguration.withUseRouteBuilder(false);
    }

    private String topic;

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:" + topic + "?group=audit&autoOffsetReset=latest&initialDelay=0&delay=50")
                        .process(received.body());
            }
        };
    }

    private void startConsumer(String topic) throws Exception {
        this.topic = topic;
        context.addRoutes(createRouteBuilder());
        context.start();
    }

    @Test
    void startsAfterExistingMessagesAndCommitsThatStart() throws Exception {
        file().sendBatch("orders", 0, List.of("old-1", "old-2", "old-3"));

        startConsumer("orders");
        assertThat(file().committed("audit", "orders", 0)).hasValue(3);
        template.sendBody("klite:orders", "new-4");

        received.awaitSize(1);
        assertThat(received).containsExactly("new-4");
        await().untilAsserted(() -> assertThat(file().committed("audit", "orders", 0)).hasValue(4));
    }

    @Test
    void messagesWrittenWhileStoppedAreNotSkipped() throws Exception {
        file().sendBatch("orders", 0, List.of("old-1", "old-2"));
        startConsumer("orders");
        context.stop();

        file().send("orders", 0, "while-stopped");
        restart();

        received.awaitSize(1);
        assertThat(received).containsExactly("while-stopped");
    }

    @Test
    void partitionAddedWhileRunningIsReadFromItsStart() throws Exception {
        file().sendBatch("orders", 0, List.of("old-1", "old-2"));
        startConsumer("orders");

        file().createTopic("orders", 2);
        file().sendBatch("orders", 1, List.of("new-1", "new-2"));

        received.awaitSize(2);
        assertThat(received).containsExactly("new-1", "new-2");
        await().untilAsserted(() -> assertThat(file().committed("audit", "orders", 1)).hasValue(2));
    }

    @Test
    void partitionAddedWhileStoppedIsReadFromItsStart() throws Exception {
        file().sendBatch("orders", 0, List.of("old-1", "old-2"));
        startConsumer("orders");
        context.stop();

        file().createTopic("orders", 2);
        file().sendBatch("orders", 1, List.of("added-1", "added-2"));
        restart();

        received.awaitSize(2);
        assertThat(received).containsExactly("added-1", "added-2");
    }

    @Test
    void topicThatDoesNotExistIsCreatedAndReadFromItsStart() throws Exception {
        startConsumer("invoices");
        assertThat(file().partitionCount("invoices")).isEqualTo(1);
        assertThat(file().committed("audit", "invoices", 0)).hasValue(0);

        file().send("invoices", 0, "first");
        received.awaitSize(1);
        assertThat(received).containsExactly("first");
    }
}
