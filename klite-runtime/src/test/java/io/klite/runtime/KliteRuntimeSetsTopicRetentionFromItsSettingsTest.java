package io.klite.runtime;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.TopicConfig;
import io.klite.runtime.api.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN section 8: {@code klite.topics.<topic>.retention.*} settings are written into the file at start, replacing
 * what it had for each topic they name (what they leave out is none, or false); a topic they do not name keeps its
 * settings; a topic they name that does not exist yet is not created, and gets its settings once something creates
 * it. The file's cleaner then deletes what the settings no longer keep.
 */
class KliteRuntimeSetsTopicRetentionFromItsSettingsTest {

    private static final String CLEANER_INTERVAL = "camel.component.klite.retentionCheckInterval";

    @TempDir
    Path dir;

    @Test
    void theSettingsReplaceWhatTheFileHadAndTheCleanerDeletesByThem() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog file = KliteLog.open(database)) {
            file.sendBatch("orders", 0, numbered(10));
            file.configureTopic("orders", new TopicConfig(Duration.ofDays(1), null, true));
            file.sendBatch("events", 0, numbered(5));
            file.sendBatch("audit", 0, numbered(10));
            file.commit("auditors", "audit", 0, 4);
            file.sendBatch("kept", 0, numbered(10));
            file.configureTopic("kept", new TopicConfig(null, 5L, false));
        }
        try (Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            jdbc.createStatement().execute("UPDATE events_0 SET created = '2020-01-01 00:00:00' WHERE id <= 3");
        }

        List<String> lines = StandardError.linesDuring(() -> {
            try (RunningKlite klite = RunningKlite.start(dir, Map.of(
                    "klite.topics.orders.retention.messages", "3",
                    "klite.topics.events.retention.age", "1h",
                    "klite.topics.audit.retention.messages", "1",
                    "klite.topics.audit.retention.keepUnconsumed", "true",
                    CLEANER_INTERVAL, "200"))) {
                assertThat(TopicConfigRows.of(database)).containsExactly(
                        "audit|null|1|1",
                        "events|3600000|null|0",
                        "kept|null|5|0",
                        "orders|null|3|0");
                assertThat(klite.file().topicConfig("orders")).isEqualTo(new TopicConfig(null, 3L, false));

                await().atMost(10, SECONDS).untilAsserted(() -> {
                    assertThat(offsets(klite.file(), "orders")).containsExactly(8L, 9L, 10L);
                    assertThat(offsets(klite.file(), "events")).containsExactly(4L, 5L);
                    // the group has committed 4: 5 on are unconsumed, and kept
                    assertThat(offsets(klite.file(), "audit")).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
                    assertThat(offsets(klite.file(), "kept")).containsExactly(6L, 7L, 8L, 9L, 10L);
                });
            }
        });

        assertThat(settingsLines(lines)).containsExactly(
                "[INFO] TopicSettings - Retention of topic 'audit' set from klite.topics.audit.retention.*:"
                        + " age none, messages 1, keepUnconsumed true",
                "[INFO] TopicSettings - Retention of topic 'events' set from klite.topics.events.retention.*:"
                        + " age 1h, messages none, keepUnconsumed false",
                "[INFO] TopicSettings - Retention of topic 'orders' set from klite.topics.orders.retention.*:"
                        + " age none, messages 3, keepUnconsumed false");
    }

    @Test
    void aTopicNamedBeforeItExistsGetsItsSettingsOnceAPostCreatesIt() throws Exception {
        Path database = dir.resolve("klite.db");
        List<String> lines = StandardError.linesDuring(() -> {
            try (RunningKlite klite = RunningKlite.start(dir, Map.of(
                    "klite.topics.invoices.retention.messages", "2",
                    "klite.topics.invoices.retention.keepUnconsumed", "false",
                    CLEANER_INTERVAL, "200"))) {
                assertThat(klite.file().partitionCount("invoices")).isZero();
                assertThat(TopicConfigRows.of(database)).isEmpty();
                assertThat(checkThreads()).hasSize(1);

                ApiClient api = new ApiClient(klite.api());
                for (int i = 1; i <= 5; i++) {
                    assertThat(api.post("/topics/invoices/messages", "{\"invoice\": " + i + "}").status())
                            .isEqualTo(201);
                }

                await().atMost(10, SECONDS).untilAsserted(() -> {
                    assertThat(TopicConfigRows.of(database)).containsExactly("invoices|null|2|0");
                    assertThat(offsets(klite.file(), "invoices")).containsExactly(4L, 5L);
                });
                // the checks end once no topic waits
                await().atMost(10, SECONDS).until(() -> checkThreads().isEmpty());
            }
        });

        assertThat(settingsLines(lines)).containsExactly(
                "[INFO] TopicSettings - Topic 'invoices' does not exist yet: its retention from"
                        + " klite.topics.invoices.retention.* (age none, messages 2, keepUnconsumed false) is set once"
                        + " the topic is created",
                "[INFO] TopicSettings - Topic 'invoices' exists now: retention set from"
                        + " klite.topics.invoices.retention.*: age none, messages 2, keepUnconsumed false");
    }

    @Test
    void aTopicAWorkerCreatesGetsItsSettingsAtStart() throws Exception {
        Path database = dir.resolve("klite.db");
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      payments:
                        consumerGroups:
                          ledger: { partitions: [0, 1], endpoint: "%s" }
                    """.formatted(sink.url("/hook")));
            List<String> lines = StandardError.linesDuring(() -> {
                try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                        "klite.topics.payments.retention.age", "36h"))) {
                    assertThat(klite.file().partitionCount("payments")).isEqualTo(2);
                    assertThat(TopicConfigRows.of(database)).containsExactly("payments|129600000|null|0");
                    assertThat(checkThreads()).isEmpty();
                }
            });

            assertThat(settingsLines(lines)).containsExactly("[INFO] TopicSettings - Retention of topic 'payments' set"
                    + " from klite.topics.payments.retention.*: age 36h, messages none, keepUnconsumed false");
        }
    }

    @Test
    void withoutTopicSettingsTheFileKeepsWhatItHas() throws Exception {
        Path database = dir.resolve("klite.db");
        try (KliteLog file = KliteLog.open(database)) {
            file.sendBatch("orders", 0, numbered(3));
            file.configureTopic("orders", new TopicConfig(null, 2L, true));
        }

        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            assertThat(TopicConfigRows.of(database)).containsExactly("orders|null|2|1");
            assertThat(klite.context().hasService(TopicSettings.class)).isNull();
        }
    }

    @Test
    void environmentVariablesNameATopicInLowerCase() {
        assertThat(KliteMain.environmentSettings(Map.of(
                "KLITE_TOPICS_ORDERS_RETENTION_AGE", "7d",
                "KLITE_TOPICS_MY_ORDERS_RETENTION_MESSAGES", "100",
                "KLITE_TOPICS_ORDERS_RETENTION_KEEPUNCONSUMED", "true",
                "KLITE_TOPICS_AUDIT_RETENTION_KEEP_UNCONSUMED", "false",
                "KLITE_TOPICS_ORDERS_RETENTION_AGEE", "7d",
                "KLITE_TOPICS_ORDERS_AGE", "7d",
                "KLITE_API_IDEMPOTENCY_WINDOW", "1h")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "klite.topics.orders.retention.age", "7d",
                        "klite.topics.my_orders.retention.messages", "100",
                        "klite.topics.orders.retention.keepUnconsumed", "true",
                        "klite.topics.audit.retention.keepUnconsumed", "false",
                        // refused at start, by these names
                        "klite.topics.orders.retention.agee", "7d",
                        "klite.topics.orders.age", "7d",
                        "klite.api.idempotencyWindow", "1h"));
    }

    /** The live threads of the checks for topics that do not exist yet. */
    private static List<Thread> checkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().contains("KliteTopicSettings")).toList();
    }

    private static List<Long> offsets(KliteLog file, String topic) {
        return file.read(topic, 0, 0, 100).stream().map(Message::offset).toList();
    }

    private static List<String> numbered(int count) {
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            messages.add("{\"n\": " + i + "}");
        }
        return messages;
    }

    /** The lines of {@link TopicSettings}, without their time: {@code [INFO] TopicSettings - ...}. */
    private static List<String> settingsLines(List<String> lines) {
        return lines.stream().filter(line -> line.contains("] TopicSettings - "))
                .map(line -> line.substring(line.indexOf('['))).toList();
    }
}
