package io.klite.runtime.jar;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad configuration stops the jar at start-up with a non-zero exit and a message naming the file, the key and the
 * value, before anything is delivered.
 */
class KliteRuntimeRefusesBadConfigurationIT {

    private static final String WORKER = """
            topics:
              orders:
                consumerGroups:
                  billing:
                    partitions: [0]
                    endpoint: http://127.0.0.1:9/hook
                    interval: 1s
                    maxAttempts: 3
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed YAML           | 'partitions: [0]'        | 'partitions: [0, endpoint: {' | workers.yaml: not valid YAML at line
            worker without endpoint  | 'endpoint: http://127.0.0.1:9/hook' | ''                | workers.yaml: topics.orders.consumerGroups.billing.endpoint is missing
            interval 5x              | 'interval: 1s'           | 'interval: 5x'                 | workers.yaml: topics.orders.consumerGroups.billing.interval: '5x' is not a duration
            partitions ["a"]         | 'partitions: [0]'        | 'partitions: ["a"]'            | workers.yaml: topics.orders.consumerGroups.billing.partitions: 'a' is not a partition number
            endpoint not http(s)     | 'endpoint: http://127.0.0.1:9/hook' | 'endpoint: ftp://127.0.0.1/in' | workers.yaml: topics.orders.consumerGroups.billing.endpoint: 'ftp://127.0.0.1/in' is not an http(s) URL
            maxBatchBytes 4MB        | 'interval: 1s'           | 'maxBatchBytes: 4MB'           | workers.yaml: topics.orders.consumerGroups.billing.maxBatchBytes: '4MB' is not a byte count
            dead letters to itself   | 'interval: 1s'           | 'deadLetterTopic: ORDERS'      | workers.yaml: topics.orders.consumerGroups.billing.deadLetterTopic: 'ORDERS' is the topic itself
            """)
    void aBadWorkerFile(String name, String good, String bad, String message) throws Exception {
        Files.writeString(dir.resolve("workers.yaml"), WORKER.replace(good, bad));

        String output = exitsWithError();

        assertThat(output).contains("Klite cannot start: " + message);
    }

    @Test
    void aMisspeltTopicSettingInTheWorkingDirectorysProperties() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "klite.topics.orders.retention.agee = 7d\n");

        try (KliteProcess klite = KliteProcess.start(dir)) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: Unknown setting klite.topics.orders.retention.agee=7d;"
                                         + " a topic's settings are"
                                         + " klite.topics.<topic>.retention.age|messages|keepUnconsumed");
        }
    }

    @Test
    void aRetentionAgeThatIsNotAnAgeInAnArgument() throws Exception {
        try (KliteProcess klite = KliteProcess.start(dir, "--klite.topics.orders.retention.age=5x")) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: klite.topics.orders.retention.age: '5x' is not a"
                                         + " retention age; use a whole number above 0 with ms, s, m, h or d, such as"
                                         + " 500ms, 45s, 30m, 12h or 7d");
        }
    }

    @Test
    void aRetentionCountThatIsNotANumberInAnEnvironmentVariable() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.port=0"),
                Map.of("KLITE_TOPICS_ORDERS_RETENTION_MESSAGES", "ten"))) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: klite.topics.orders.retention.messages: 'ten' is not a"
                                         + " message count; allowed: a whole number of at least 1 (the newest messages"
                                         + " each partition keeps)");
        }
    }

    @Test
    void aSessionTimeoutNotAboveTheHeartbeatIntervalInArguments() throws Exception {
        try (KliteProcess klite = KliteProcess.start(dir, "--camel.component.klite.heartbeatInterval=2s",
                "--camel.component.klite.sessionTimeout=1s")) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: camel.component.klite.sessionTimeout: '1s' (read as 1000"
                                         + " ms) is not above camel.component.klite.heartbeatInterval (2000 ms); a member"
                                         + " would count as dead between two heartbeats: use a session timeout above"
                                         + " the heartbeat interval, such as 15s with 3s (the defaults)");
        }
    }

    @Test
    void aHeartbeatIntervalOfZeroInTheWorkingDirectorysProperties() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "camel.component.klite.heartbeatInterval = 0s\n");

        try (KliteProcess klite = KliteProcess.start(dir)) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: camel.component.klite.heartbeatInterval: '0s' (read as 0"
                                         + " ms) is not a heartbeat interval; use a duration above 0 and below"
                                         + " camel.component.klite.sessionTimeout, such as 250ms, 1s or 3s (the"
                                         + " default)");
        }
    }

    @Test
    void aNegativeSessionTimeoutInAnEnvironmentVariable() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.port=0"),
                Map.of("CAMEL_COMPONENT_KLITE_SESSION_TIMEOUT", "-1"))) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().contains("Klite cannot start: camel.component.klite.sessionTimeout: '-1' (read as -1"
                                         + " ms) is not above camel.component.klite.heartbeatInterval (3000 ms)");
        }
    }

    @Test
    void aMaxBodySizeThatIsNotASizeInAnEnvironmentVariable() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.port=0"),
                Map.of("KLITE_API_MAX_BODY_SIZE", "10MB"))) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).as(klite.output()).isEqualTo(1);
            assertThat(klite.output().lines().filter(line -> line.contains("Klite cannot start"))).singleElement()
                    .asString().endsWith("Klite cannot start: klite.api.maxBodySize: '10MB' is not a body size; use a"
                                         + " whole number of bytes, or with B, KiB, MiB or GiB, from 1 byte to 1GiB,"
                                         + " such as 65536, 512KiB or 10MiB (the default)");
        }
    }

    @Test
    void aBrokenYamlRoute() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/orders.yaml"), """
                - route:
                    from:
                      uri: timer:tick
                      steps:
                        - lgo: "hello"
                """);

        String output = exitsWithError();

        assertThat(output).contains("Klite cannot start: Unknown node id: lgo")
                .contains("routes/orders.yaml, line 5");
    }

    @Test
    void aBadKliteOptionInAYamlRoute() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/orders.yaml"), """
                - route:
                    from:
                      uri: klite:orders?group=billing&autoOffsetReset=newest
                      steps:
                        - log: "${body}"
                """);

        String output = exitsWithError();

        assertThat(output).contains("Klite cannot start: ").contains("autoOffsetReset").contains("newest");
    }

    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.port=" + taken.getLocalPort()))) {

            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(klite.output()).contains("Klite cannot start: Cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void aServerPortThatIsNotANumber() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "camel.server.port = abc\n");

        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of())) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(klite.output()).contains("Klite cannot start: camel.server.port: 'abc' is not a port");
        }
    }

    /** An argument starting with '-' is the service's (one that does not, such as workers.yml, is the CLI's). */
    @Test
    void anArgumentCamelDoesNotKnow() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("-workers"))) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(klite.output()).contains("Klite cannot start: unknown argument in [-workers]; settings are"
                                                + " --key=value");
        }
    }

    @Test
    void anArgumentWithoutValue() throws Exception {
        try (KliteProcess klite = KliteProcess.startExactly(dir, List.of("--camel.server.port", "9999"))) {
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(klite.output()).contains("Klite cannot start: argument '--camel.server.port' has no value;"
                                                + " write --key=value");
        }
    }

    private String exitsWithError() throws Exception {
        try (KliteProcess klite = KliteProcess.start(dir)) {
            int exit = klite.awaitExit(Duration.ofSeconds(30));
            String output = klite.output();
            assertThat(exit).as(output).isNotZero();
            assertThat(output).doesNotContain("Klite is running");
            return output;
        }
    }
}
