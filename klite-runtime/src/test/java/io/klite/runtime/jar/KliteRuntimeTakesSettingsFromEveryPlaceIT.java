package io.klite.runtime.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.KliteLog;
import io.klite.log.TopicConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN section 5: the jar's defaults, overridden by ./application.properties, overridden by environment variables,
 * overridden by --key=value arguments.
 */
class KliteRuntimeTakesSettingsFromEveryPlaceIT {

    @TempDir
    Path dir;

    @Test
    void argumentsBeatEnvironmentBeatsTheWorkingDirectorysPropertiesBeatDefaults() throws Exception {
        assertThat(databaseOfARun(List.of(), Map.of())).isEqualTo("data/klite.db");

        Files.writeString(dir.resolve("application.properties"), "camel.component.klite.database = file.db\n");
        assertThat(databaseOfARun(List.of(), Map.of())).isEqualTo("file.db");

        Map<String, String> environment = Map.of("CAMEL_COMPONENT_KLITE_DATABASE", "env.db");
        assertThat(databaseOfARun(List.of(), environment)).isEqualTo("env.db");

        assertThat(databaseOfARun(List.of("--camel.component.klite.database=arg.db"), environment)).isEqualTo("arg.db");
        assertThat(dir.resolve("arg.db")).exists();
    }

    @Test
    void theServerAndTheWorkerFileFromEnvironmentVariables() throws Exception {
        Files.writeString(dir.resolve("my-workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "http://127.0.0.1:9/hook" }
                """);

        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("-duration", "1"),
                Map.of("CAMEL_SERVER_PORT", "0", "KLITE_WORKERS", "my-workers.yaml"))) {
            assertThat(klite.awaitRunning()).matches("http://127\\.0\\.0\\.1:\\d+").isNotEqualTo("http://127.0.0.1:8080");
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(klite.output()).contains("Worker file my-workers.yaml: 1 route(s)")
                    .contains("Started worker:orders:billing:0");
        }
    }

    @Test
    void anArgumentBeatsAnEnvironmentVariableForKlitesOwnSettings() throws Exception {
        for (String name : List.of("from-env.yaml", "from-arg.yaml")) {
            Files.writeString(dir.resolve(name), """
                    topics:
                      %s:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "http://127.0.0.1:9/hook" }
                    """.formatted(name.substring(0, name.indexOf('.'))));
        }

        try (KliteProcess klite = KliteProcess.startExactly(dir,
                List.of("--camel.server.port=0", "--klite.workers=from-arg.yaml", "-duration", "1"),
                Map.of("KLITE_WORKERS", "from-env.yaml", "CAMEL_SERVER_PORT", "8080"))) {
            klite.awaitRunning();
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(klite.output()).contains("Worker file from-arg.yaml: 1 route(s)")
                    .doesNotContain("http://127.0.0.1:8080");
        }
    }

    @Test
    void topicSettingsFromEveryPlaceWithArgumentsFirst() throws Exception {
        try (KliteLog file = KliteLog.open(dir.resolve("data/klite.db"))) {
            file.createTopic("orders", 1);
            file.createTopic("my_audit", 1);
        }
        Files.writeString(dir.resolve("application.properties"), """
                klite.topics.orders.retention.age = 7d
                klite.topics.orders.retention.messages = 10
                """);

        try (KliteProcess klite = KliteProcess.startExactly(dir,
                List.of("--camel.server.port=0", "--klite.topics.orders.retention.keepUnconsumed=false",
                        "-duration", "1"),
                Map.of("KLITE_TOPICS_ORDERS_RETENTION_MESSAGES", "1000000",
                        "KLITE_TOPICS_ORDERS_RETENTION_KEEPUNCONSUMED", "true",
                        "KLITE_TOPICS_MY_AUDIT_RETENTION_AGE", "90m"))) {
            klite.awaitRunning();
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(klite.output())
                    .contains("Retention of topic 'orders' set from klite.topics.orders.retention.*: age 7d,"
                              + " messages 1000000, keepUnconsumed false")
                    .contains("Retention of topic 'my_audit' set from klite.topics.my_audit.retention.*: age 90m,"
                              + " messages none, keepUnconsumed false");
        }
        try (KliteLog file = KliteLog.open(dir.resolve("data/klite.db"))) {
            assertThat(file.topicConfig("orders")).isEqualTo(new TopicConfig(Duration.ofDays(7), 1_000_000L, false));
            assertThat(file.topicConfig("my_audit")).isEqualTo(new TopicConfig(Duration.ofMinutes(90), null, false));
        }
    }

    @Test
    void withoutTheHttpServerThereIsNoApi() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.enabled=false",
                "--camel.management.enabled=false", "-duration", "1"), Map.of())) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isZero();
            assertThat(klite.output()).contains("Klite is running without its HTTP API (camel.server.enabled=false);"
                                                + " database data/klite.db");
        }
    }

    private String databaseOfARun(List<String> args, Map<String, String> environment) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--camel.server.port=0", "-duration", "1"));
        all.addAll(args);
        try (KliteProcess klite = KliteProcess.startExactly(dir, all, environment)) {
            klite.awaitRunning();
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isZero();
            String output = klite.output();
            int at = output.indexOf(", database ") + ", database ".length();
            return output.substring(at, output.indexOf('\n', at)).strip();
        }
    }
}
