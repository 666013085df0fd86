package io.klite.runtime;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.PrometheusText;
import io.klite.runtime.api.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service serves Prometheus text at {@code /observe/metrics} on the API's port, with Klite's meters: messages
 * produced through the HTTP API, a worker's consumed messages and lag going to 0 once its webhook takes them, and its
 * failed attempts while the webhook answers 500. Read over HTTP and parsed, as Prometheus would.
 */
class KliteRuntimeServesMetricsTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void producedConsumedLagAndFailuresOfAWorker() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        try (HttpSink sink = HttpSink.start(request -> {
            // 500 until the test has seen the failures, then 200
            return failing.get() ? 500 : 200;
        })) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", batchSize: 10, interval: 100ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString()))) {
                String database = klite.database().toString();
                String[] billing0 = {"group", "billing", "topic", "orders", "partition", "0", "database", database};
                ApiClient api = new ApiClient(klite.api());
                for (int i = 1; i <= 3; i++) {
                    assertThat(api.post("/topics/orders/messages?partition=0", "{\"order\": " + i + "}").status())
                            .isEqualTo(201);
                }

                PrometheusText produced = scrape(klite);
                assertThat(produced.value("klite_messages_produced_total", "topic", "orders", "partition", "0",
                        "database", database))
                        .hasValue(3.0);
                // the webhook answers 500: attempts fail and the group lags by all three
                await().atMost(20, SECONDS).untilAsserted(() -> {
                    PrometheusText metrics = scrape(klite);
                    assertThat(metrics.value("klite_delivery_failures_total", billing0))
                            .hasValueSatisfying(failures -> assertThat(failures).isGreaterThanOrEqualTo(2));
                    assertThat(metrics.value("klite_consumer_lag", billing0)).hasValue(3.0);
                });
                assertThat(scrape(klite).value("klite_messages_consumed_total", billing0)).isEmpty();

                failing.set(false);
                await().atMost(20, SECONDS).untilAsserted(() -> {
                    PrometheusText metrics = scrape(klite);
                    assertThat(metrics.value("klite_messages_consumed_total", billing0)).hasValue(3.0);
                    assertThat(metrics.value("klite_consumer_lag", billing0)).hasValue(0.0);
                });
                PrometheusText metrics = scrape(klite);
                assertThat(metrics.value("klite_commit_seconds_count", "database", database))
                        .hasValueSatisfying(count -> assertThat(count).isGreaterThan(0));
                assertThat(metrics.value("klite_database_bytes", "database", database))
                        .hasValueSatisfying(bytes -> assertThat(bytes).isGreaterThan(0));
                // Camel's own meters are there too
                assertThat(metrics.samples("camel_exchanges_total")).isNotEmpty();
            }
        }
    }

    private PrometheusText scrape(RunningKlite klite) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(klite.api() + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain"));
        return PrometheusText.parse(answer.body());
    }
}
