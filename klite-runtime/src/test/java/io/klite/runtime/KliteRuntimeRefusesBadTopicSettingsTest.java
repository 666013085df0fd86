package io.klite.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code klite.topics.*} setting that is not a topic's retention, or whose value its key does not allow, stops the
 * start with exit code 1 and one line naming the key, the value and what is allowed, before a route starts or
 * anything is written.
 */
class KliteRuntimeRefusesBadTopicSettingsTest {

    private static final String TOPIC_KEYS = "klite.topics.<topic>.retention.age|messages|keepUnconsumed";
    private static final String AGE_RULE = "use a whole number above 0 with ms, s, m, h or d, such as 500ms, 45s, 30m,"
                                           + " 12h or 7d";
    private static final String COUNT_RULE = "allowed: a whole number of at least 1 (the newest messages each partition"
                                             + " keeps)";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            klite.topics.orders.retention.agee             | 7d    | Unknown setting klite.topics.orders.retention.agee=7d; a topic's settings are TOPIC_KEYS
            klite.topics.orders.age                        | 7d    | Unknown setting klite.topics.orders.age=7d; a topic's settings are TOPIC_KEYS
            klite.topics.orders.retention.age.max          | 7d    | Unknown setting klite.topics.orders.retention.age.max=7d; a topic's settings are TOPIC_KEYS
            klite.topic.orders.retention.age               | 7d    | Unknown setting klite.topic.orders.retention.age=7d; Klite's own settings are klite.workers, klite.worker.timeout, klite.api.idempotencyWindow, klite.api.maxBodySize, klite.console.enabled and TOPIC_KEYS
            klite.topics.bad*name.retention.age            | 7d    | klite.topics.bad*name.retention.age=7d: Invalid topic name 'bad*name': character '*' at index 3 is not allowed
            klite.topics.sqlite_x.retention.age            | 7d    | klite.topics.sqlite_x.retention.age=7d: Invalid topic name 'sqlite_x': SQLite reserves table names
            klite.topics.orders.retention.age              | 5x    | klite.topics.orders.retention.age: '5x' is not a retention age; AGE_RULE
            klite.topics.orders.retention.age              | -1d   | klite.topics.orders.retention.age: '-1d' is not a retention age; AGE_RULE
            klite.topics.orders.retention.age              | 0s    | klite.topics.orders.retention.age: '0s' is not a retention age; AGE_RULE
            klite.topics.orders.retention.messages         | 0     | klite.topics.orders.retention.messages: '0' is not a message count; COUNT_RULE
            klite.topics.orders.retention.messages         | -3    | klite.topics.orders.retention.messages: '-3' is not a message count; COUNT_RULE
            klite.topics.orders.retention.messages         | ten   | klite.topics.orders.retention.messages: 'ten' is not a message count; COUNT_RULE
            klite.topics.orders.retention.keepUnconsumed   | yes   | klite.topics.orders.retention.keepUnconsumed: 'yes' is not a boolean; allowed: true or false
            klite.api.idempotencyWindow                    | 1w    | klite.api.idempotencyWindow: '1w' is not a duration; AGE_RULE
            klite.api.idempotencyWindow                    | 0h    | klite.api.idempotencyWindow: '0h' is not a duration; AGE_RULE
            klite.topics.orders.retention.keepunconsumed   | true  | Unknown setting klite.topics.orders.retention.keepunconsumed=true
            """)
    void aBadSettingStopsTheStartWithOneLine(String key, String value, String line) throws Exception {
        String expected = "Klite cannot start: " + line.replace("TOPIC_KEYS", TOPIC_KEYS).replace("AGE_RULE", AGE_RULE)
                .replace("COUNT_RULE", COUNT_RULE);

        List<String> failures = startFails("--" + key + "=" + value);

        assertThat(failures).singleElement().asString().contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            two topics in two cases | --klite.topics.Orders.retention.age=7d | --klite.topics.orders.retention.messages=5 | Klite cannot start: klite.topics.orders.retention.messages and klite.topics.Orders.retention.* name topics that differ in case only, and SQLite's table names ignore case; give them one name
            a good and a bad one    | --klite.topics.orders.retention.age=7d | --klite.topics.audit.retention.messages=1.5 | Klite cannot start: klite.topics.audit.retention.messages: '1.5' is not a message count
            """)
    void aBadSettingBesideOthersStopsTheStart(String name, String first, String second, String expected)
            throws Exception {
        assertThat(startFails(first, second)).singleElement().asString().contains(expected);
    }

    @Test
    void aSettingForATopicThatDiffersFromAnExistingOneInCaseOnlyStopsTheStart() throws Exception {
        try (KliteLog file = KliteLog.open(dir.resolve("klite.db"))) {
            file.createTopic("orders", 1);
        }
        KliteMain main = new KliteMain();
        int[] exit = new int[1];
        try {
            List<String> lines = StandardError.linesDuring(() -> exit[0] = main.run(new String[] {
                    "--camel.component.klite.database=" + dir.resolve("klite.db"), "--camel.server.port=0",
                    "--klite.topics.Orders.retention.age=7d", "-duration", "1"}));

            assertThat(exit[0]).isEqualTo(1);
            assertThat(lines).filteredOn(line -> line.contains("Klite cannot start")).singleElement().asString()
                    .endsWith("Klite cannot start: Cannot set the retention of topic 'Orders' from"
                              + " klite.topics.Orders.retention.*: Topic 'Orders' clashes with existing topic 'orders':"
                              + " SQLite table names ignore case, so topic names must differ in more than case");
            assertThat(lines).noneMatch(line -> line.contains("Klite is running"));
        } finally {
            main.stop();
        }
        assertThat(TopicConfigRows.of(dir.resolve("klite.db"))).isEmpty();
    }

    /**
     * Runs the service as {@code java -jar} does, with these arguments, and checks that it stops with exit code 1 and
     * without running a route.
     *
     * @return the lines that say why it did not start
     */
    private List<String> startFails(String... settings) throws Exception {
        List<String> args = new ArrayList<>(List.of("--camel.component.klite.database=" + dir.resolve("klite.db"),
                "--camel.server.port=0"));
        args.addAll(List.of(settings));
        // a start that wrongly succeeds ends after a second
        args.addAll(List.of("-duration", "1"));
        int[] exit = new int[1];

        List<String> lines = StandardError.linesDuring(() ->
                exit[0] = new KliteMain().run(args.toArray(String[]::new)));

        assertThat(exit[0]).isEqualTo(1);
        assertThat(lines).noneMatch(line -> line.contains("Klite is running") || line.contains("Started "));
        assertThat(TopicConfigRows.of(dir.resolve("klite.db"))).isEmpty();
        return lines.stream().filter(line -> line.contains("Klite cannot start")).toList();
    }
}
