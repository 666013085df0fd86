package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.klite.log.KliteLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A route with a bad {@code klite:} URI fails when it starts, not at its first poll, with a message that names the
 * value and the rule; nothing is written to the file.
 */
class KliteEndpointRejectsBadOptionsTest {

    @TempDir
    Path dir;

    static Stream<Arguments> badConsumers() {
        return Stream.of(
                Arguments.of("klite:orders", List.of("Missing option group", "klite:orders?group=")),
                Arguments.of("klite:orders?group=%20", List.of("Invalid consumer group ' '", "not be empty or blank")),
                Arguments.of("klite:ord$rs?group=billing", List.of("Invalid topic name 'ord$rs'", "'$'")),
                Arguments.of("klite:..?group=billing", List.of("Invalid topic name '..'")),
                Arguments.of("klite:orders?group=billing&batchSize=0", List.of("Invalid batchSize for topic 'orders': '0' is not a batch size", "allowed: 1 to 10000")),
                Arguments.of("klite:orders?group=billing&batchSize=10001",
                        List.of("'10001' is not a batch size", "allowed: 1 to 10000")),
                Arguments.of("klite:orders?group=billing&partition=first",
                        List.of("Invalid partition 'first'", "'first' is not a partition number", "0 to 999")),
                Arguments.of("klite:orders?group=billing&partition=0,1000",
                        List.of("Invalid partition '0,1000'", "'1000' is not a partition number; allowed: 0 to 999")),
                Arguments.of("klite:orders?group=billing&partitionCount=0",
                        List.of("Invalid partitionCount for topic 'orders': '0' is not a partition count", "allowed: 1 to 1000")),
                Arguments.of("klite:orders?group=billing&autoOffsetReset=oldest",
                        List.of("Invalid autoOffsetReset 'oldest'", "earliest and latest")),
                Arguments.of("klite:orders?groupp=billing", List.of("Unknown parameters", "groupp")),
                Arguments.of("klite:orders?group=billing&maxAttempts=-1", List.of("Invalid maxAttempts for consumer"
                        + " of topic 'orders': '-1' is not a number of attempts; allowed: 0 (no limit")),
                Arguments.of("klite:orders?group=billing&maxAttempts=3&deadLetterTopic=orders",
                        List.of("Invalid deadLetterTopic for consumer of topic 'orders': 'orders' is the topic itself",
                                "default orders.dlq")),
                Arguments.of("klite:orders?group=billing&maxAttempts=3&deadLetterTopic=Orders",
                        List.of("Invalid deadLetterTopic for consumer of topic 'orders': 'Orders' is the topic itself")),
                Arguments.of("klite:orders?group=billing&maxAttempts=1&deadLetterTopic=dead%20letters",
                        List.of("Invalid deadLetterTopic for consumer of topic 'orders'", "'dead letters'")),
                Arguments.of("klite:orders?group=billing&maxAttempts=3&nonRetryableExceptions=com.example.Missing",
                        List.of("Invalid nonRetryableExceptions 'com.example.Missing'", "not a class on the classpath")),
                Arguments.of("klite:orders?group=billing&nonRetryableExceptions=java.lang.String",
                        List.of("'java.lang.String' is not an exception class")),
                Arguments.of("klite:orders?group=billing&maxBatchBytes=0",
                        List.of("Invalid maxBatchBytes for consumer of topic 'orders': '0' is not a byte count")),
                Arguments.of("klite:orders?group=billing&retryDelay=2000&retryMaxDelay=1000",
                        List.of("Invalid retryMaxDelay 1000 ms", "below the first wait of 2000 ms")),
                Arguments.of("klite:orders?group=billing&heartbeatInterval=0",
                        List.of("Invalid heartbeatInterval 0 ms for consumer of topic 'orders': at least 1 ms")),
                Arguments.of("klite:orders?group=billing&heartbeatInterval=-5",
                        List.of("Invalid heartbeatInterval -5 ms")),
                Arguments.of("klite:orders?group=billing&heartbeatInterval=5s&sessionTimeout=5s",
                        List.of("Invalid sessionTimeout 5000 ms for consumer of topic 'orders': it must be above"
                                + " heartbeatInterval (5000 ms)")),
                Arguments.of("klite:orders?group=billing&sessionTimeout=2s",
                        List.of("Invalid sessionTimeout 2000 ms", "above heartbeatInterval (3000 ms)")),
                Arguments.of("klite:orders?group=billing&sessionTimeout=0",
                        List.of("Invalid sessionTimeout 0 ms")),
                Arguments.of("klite:orders?group=billing&unhealthyAfter=0",
                        List.of("Invalid unhealthyAfter 0 ms for consumer of topic 'orders': a duration of at least"
                                + " 1 ms (default 5 minutes)")),
                Arguments.of("klite:orders?group=billing&unhealthyAfter=soon", List.of("unhealthyAfter", "soon")),
                Arguments.of("klite:orders?group=billing&unhealthyAfterAttempts=0",
                        List.of("Invalid unhealthyAfterAttempts 0 for consumer of topic 'orders': 1 or more failed"
                                + " attempts (default 10)")),
                Arguments.of("klite:orders?group=billing&batchSize=many", List.of("batchSize", "many")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConsumers")
    void consumerWithBadOptionFailsAtStart(String uri, List<String> expected) {
        assertThat(startFailure(uri, "log:out")).contains(expected);
        assertThat(db()).doesNotExist();
    }

    @Test
    void secondConsumerOfTheSameGroupAndPartitionFailsAtStart() {
        assertThat(startFailure(List.of("klite:orders?group=billing",
                "klite:orders?group=billing&partition=1&partitionCount=2")))
                .contains("Consumer group 'billing' already consumes topic 'orders' (every partition)",
                        "klite://orders?group=billing", "one consumer per group and partition");
    }

    @Test
    void consumersOfOneGroupMaySplitThePartitions() throws Exception {
        CamelContext context = context(List.of("klite:orders?group=billing&partition=0&partitionCount=2",
                "klite:orders?group=billing&partition=1&partitionCount=2", "klite:orders?group=shipping"));
        try {
            context.start();
            assertThat(context.getRoutes()).hasSize(3);
        } finally {
            context.stop();
        }
    }

    @Test
    void producerWithPartitionListFailsAtStart() {
        assertThat(startFailure("direct:in", "klite:orders?partition=0,1"))
                .contains("Invalid partition '0,1' for producer of topic 'orders'", "a producer writes to one partition");
    }

    @Test
    void partitionBeyondAnExistingTopicFailsAtStart() {
        try (KliteLog log = KliteLog.open(db())) {
            log.createTopic("orders", 2);
        }
        assertThat(startFailure("klite:orders?group=billing&partition=2", "log:out"))
                .contains("Invalid partition 2 for consumer of topic 'orders'", "2 partitions (valid: 0..1)");
        assertThat(startFailure("direct:in", "klite:orders?partition=5"))
                .contains("Invalid partition 5 for producer of topic 'orders'", "2 partitions (valid: 0..1)");
        try (KliteLog log = KliteLog.open(db())) {
            assertThat(log.committed("billing", "orders", 0)).isEmpty();
            assertThat(log.partitionCount("orders")).isEqualTo(2);
        }
    }

    @Test
    void databaseThatCannotBeOpenedFailsAtStart() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        assertThat(startFailure("klite:orders?group=billing&database=" + folder, "log:out"))
                .contains(folder.toString(), "it is a directory");

        Path notSqlite = Files.writeString(dir.resolve("notes.txt"), "these are not tables\n".repeat(100));
        assertThat(startFailure("direct:in", "klite:orders?database=" + notSqlite))
                .contains(notSqlite.toString(), "not a SQLite database");
        assertThat(notSqlite).hasContent("these are not tables\n".repeat(100).stripTrailing());
    }

    private Path db() {
        return dir.resolve("klite.db");
    }

    /** Starts a context with the route {@code from -> to}; the messages of the failure and all its causes. */
    private String startFailure(String from, String to) {
        return startFailure(context(List.of(from), to));
    }

    /** Starts a context with a route from each of {@code froms}; the messages of the failure and all its causes. */
    private String startFailure(List<String> froms) {
        return startFailure(context(froms, "log:out"));
    }

    private CamelContext context(List<String> froms) {
        return context(froms, "log:out");
    }

    private CamelContext context(List<String> froms, String to) {
        CamelContext context = new DefaultCamelContext();
        context.getComponent("klite", KliteComponent.class).getConfiguration().setDatabase(db().toString());
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    froms.forEach(from -> from(from).to(to));
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return context;
    }

    private String startFailure(CamelContext context) {
        List<String> messages = new ArrayList<>();
        try {
            assertThatThrownBy(context::start).satisfies(failure -> {
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    messages.add(t.getMessage());
                }
            });
        } finally {
            context.stop();
        }
        return String.join("\n", messages);
    }
}
