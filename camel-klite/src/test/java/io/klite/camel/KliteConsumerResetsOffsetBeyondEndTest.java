package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A group whose committed offset lies beyond its partition's end (another program dropped and recreated the table,
 * so offsets started again at 1) is moved back per autoOffsetReset, as Kafka does with an offset out of range,
 * instead of skipping the new messages up to the old offset.
 */
class KliteConsumerResetsOffsetBeyondEndTest extends KliteCamelTestSupport {

    private final Received received = new Received();

    @Override
    public void configureTest(TestExecutionConfiguration testExecutionConfiguration) {
        testExecutionConfiguration.withUseRouteBuilder(false);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("klite:orders?group=billing&initialDelay=0&delay=50")
                        .process(received.body());
            }
        };
    }

    @Test
    void groupBeyondTheEndAtStartReadsTheRecreatedPartition() throws Exception {
        file().sendBatch("orders", 0, List.of("a", "b", "c", "d", "e"));
        file().commit("billing", "orders", 0, 5);
        recreatePartitionTable();
        file().sendBatch("orders", 0, List.of("new-1", "new-2"));

        context.addRoutes(createRouteBuilder());
        context.start();

        received.awaitSize(2);
        assertThat(received).containsExactly("new-1", "new-2");
        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(2));
    }

    @Test
    void groupBeyondTheEndWhileRunningReadsTheRecreatedPartition() throws Exception {
        context.addRoutes(createRouteBuilder());
        context.start();
        template.sendBody("klite:orders", List.of("a", "b", "c"));
        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(3));

        recreatePartitionTable();
        file().send("orders", 0, "new-1");

        received.awaitSize(4);
        assertThat(received).containsExactly("a", "b", "c", "new-1");
        await().untilAsserted(() -> assertThat(file().committed("billing", "orders", 0)).hasValue(1));
    }

    /** What another program might do: drop the partition's table; Klite recreates it on the next send. */
    private void recreatePartitionTable() throws Exception {
        closeFile();
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + db());
                Statement statement = jdbc.createStatement()) {
            statement.execute("DROP TABLE \"orders_0\"");
        }
    }
}
