package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteEndpoint;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The route template klite-http-worker, used from a YAML route file as DESIGN section 5 shows. */
class KliteHttpWorkerTemplateFromYamlTest {

    @TempDir
    Path dir;

    @Test
    void aTemplatedRouteDeliversAndCommitsLikeAWorker() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("payments", 3);
            log.sendBatch("payments", 2, List.of("{\"id\":1}", "{\"id\":2}"));
        }
        try (HttpSink sink = HttpSink.start()) {
            routes("""
                    - templatedRoute:
                        routeTemplateRef: klite-http-worker
                        routeId: payments-ledger-2
                        parameters:
                          - name: topic
                            value: payments
                          - name: group
                            value: ledger
                          - name: partition
                            value: "2"
                          - name: endpoint
                            value: "%s"
                          - name: batchSize
                            value: "1"
                          - name: interval
                            value: 100ms
                    """.formatted(sink.url("/ledger")));

            try (RunningKlite klite = RunningKlite.start(dir, routesProperty())) {
                await().atMost(10, SECONDS).until(() -> klite.file().committed("ledger", "payments", 2).orElse(0) == 2);
                assertThat(sink.received()).extracting(HttpSink.Request::offsets)
                        .containsExactly(List.of(1L), List.of(2L));
                assertThat(sink.received().get(0).json().toString())
                        .startsWith("{\"topic\":\"payments\",\"partition\":2,\"messages\":[{\"offset\":1,\"data\":{\"id\":1}");
                assertThat(klite.context().getRoute("payments-ledger-2")).isNotNull();
            }
        }
    }

    @Test
    void aBadParameterStopsStartUpNamingTheParameterAndValue() throws Exception {
        routes("""
                - templatedRoute:
                    routeTemplateRef: klite-http-worker
                    parameters:
                      - name: topic
                        value: payments
                      - name: group
                        value: ledger
                      - name: partition
                        value: "0"
                      - name: endpoint
                        value: http://127.0.0.1:9/hook
                      - name: interval
                        value: 5x
                """);

        assertThatThrownBy(() -> RunningKlite.start(dir, routesProperty()).close())
                .hasStackTraceContaining("Route template klite-http-worker (topic 'payments', group 'ledger',"
                                         + " partition '0'): parameter interval: '5x' is not a duration");
    }

    @Test
    void aRouteCreatesItsMissingTopicWithEnoughPartitionsForItsPartition() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            routes(templated("refunds", "2", sink.url("/refunds"), ""));

            try (RunningKlite klite = RunningKlite.start(dir, routesProperty())) {
                assertThat(klite.file().partitionCount("refunds")).isEqualTo(3);
                klite.file().send("refunds", 2, "{\"id\":7}");
                await().atMost(10, SECONDS).until(() -> klite.file().committed("ledger", "refunds", 2).orElse(0) == 1);
            }
        }
    }

    @Test
    void theRoutesConsumerGetsTheCheckedFailureSettings() throws Exception {
        routes(templated("refunds", "0", "http://127.0.0.1:9/x", """
                      - name: maxAttempts
                        value: "5"
                      - name: maxBatchBytes
                        value: 512KiB
                """) + templated("returns", "0", "http://127.0.0.1:9/y", """
                      - name: deadLetterTopic
                        value: returns-failed
                """) + templated("rebates", "0", "http://127.0.0.1:9/z", """
                      - name: maxAttempts
                        value: "2"
                      - name: deadLetterOn4xx
                        value: "false"
                """));

        try (RunningKlite klite = RunningKlite.start(dir, routesProperty())) {
            KliteConfiguration refunds = consumer(klite, "refunds");
            assertThat(refunds.getMaxAttempts()).isEqualTo(5);
            assertThat(refunds.deadLetterTopicName()).isEqualTo("refunds.dlq");
            assertThat(refunds.getMaxBatchBytes()).isEqualTo(512 * 1024);
            assertThat(refunds.getNonRetryableExceptions()).isEqualTo(PermanentHttpFailure.class.getName());
            KliteConfiguration returns = consumer(klite, "returns");
            assertThat(returns.getMaxAttempts()).isZero();
            assertThat(returns.deadLetterTopicName()).isEqualTo("returns-failed");
            assertThat(returns.getMaxBatchBytes()).isEqualTo(Limits.DEFAULT_MAX_BATCH_BYTES);
            // a permanent failure is listed only where it takes effect: with dead letters, and on 4xx
            assertThat(returns.getNonRetryableExceptions()).isNullOrEmpty();
            assertThat(consumer(klite, "rebates").getNonRetryableExceptions()).isNullOrEmpty();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            maxAttempts     | -1       | parameter maxAttempts: '-1' is not a number of attempts; allowed: 0 (no limit
            deadLetterTopic | REFUNDS  | parameter deadLetterTopic: 'REFUNDS' is the topic itself; dead letters go to another topic
            deadLetterOn4xx | yes      | parameter deadLetterOn4xx: 'yes' is not a boolean; allowed: true or false
            maxBatchBytes   | 4MB      | parameter maxBatchBytes: '4MB' is not a byte count: use a whole number of bytes, or of KiB or MiB
            maxBatchBytes   | 0KiB     | parameter maxBatchBytes: '0KiB' is 0 bytes: '0' is not a byte count; allowed: 1 or more
            """)
    void aBadFailureSettingIsRefusedNamingTheParameterAndValue(String name, String value, String message)
            throws Exception {
        // dead letters on (where the setting is not maxAttempts itself), so that the dead-letter settings are checked
        routes(templated("refunds", "0", "http://127.0.0.1:9/x",
                "      - name: " + name + "\n        value: \"" + value + "\"\n"
                + (name.equals("maxAttempts") ? "" : "      - name: maxAttempts\n        value: \"3\"\n")));

        assertThatThrownBy(() -> RunningKlite.start(dir, routesProperty()).close())
                .hasStackTraceContaining("Route template klite-http-worker (topic 'refunds', group 'ledger',"
                                         + " partition '0'): " + message);
    }

    @Test
    void anUnknownParameterIsRefusedRatherThanIgnored() throws Exception {
        routes(templated("refunds", "0", "http://127.0.0.1:9/x", "      - name: intervall\n        value: 5s\n"));

        assertThatThrownBy(() -> RunningKlite.start(dir, routesProperty()).close())
                .hasStackTraceContaining("Route template klite-http-worker (topic 'refunds', group 'ledger',"
                                         + " partition '0'): parameter intervall is unknown; the parameters are topic,"
                                         + " group, partition, endpoint, batchSize, interval, maxInterval, maxAttempts,"
                                         + " deadLetterTopic, deadLetterOn4xx, maxBatchBytes, partitionCount");
    }

    @Test
    void aParameterIsUsedExactlyAsChecked() throws Exception {
        routes(templated("refunds", "0", "http://127.0.0.1:9/x", "      - name: batchSize\n        value: \" 7\"\n"));

        assertThatThrownBy(() -> RunningKlite.start(dir, routesProperty()).close())
                .hasStackTraceContaining("parameter batchSize: ' 7' is not a batch size: a whole number is expected");
    }

    private static KliteConfiguration consumer(RunningKlite klite, String topic) {
        Route route = klite.context().getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith("klite://" + topic + "?")).findFirst()
                .orElseThrow();
        return ((KliteEndpoint) route.getEndpoint()).getConfiguration();
    }

    private static String templated(String topic, String partition, String endpoint, String more) {
        return """
                - templatedRoute:
                    routeTemplateRef: klite-http-worker
                    parameters:
                      - name: topic
                        value: %s
                      - name: group
                        value: ledger
                      - name: partition
                        value: "%s"
                      - name: endpoint
                        value: "%s"
                      - name: interval
                        value: 100ms
                %s""".formatted(topic, partition, endpoint, more);
    }

    private void routes(String yaml) throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/workers.yaml"), yaml);
    }

    private Map<String, String> routesProperty() {
        return Map.of("camel.main.routesIncludePattern", "file:" + dir.resolve("routes") + "/*.yaml");
    }
}
