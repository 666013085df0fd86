package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.http.HttpComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker stays a worker whatever the service's other settings say: component-wide klite: options do not change how
 * it commits, its timeout holds for http and https endpoints alike, and a misspelt klite.* setting is refused.
 */
class KliteHttpWorkerIgnoresOtherEndpointsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void componentWideKliteOptionsDoNotChangeHowAWorkerCommits() throws Exception {
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.sendBatch("orders", 0, List.of("{\"n\":1}", "{\"n\":2}"));
        }
        try (HttpSink sink = HttpSink.start()) {
            Path workers = workers(sink.url("/hook"));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.autoOffsetReset", "latest",
                    "camel.component.klite.allowManualCommit", "true"))) {
                // latest would have skipped the two messages; manual commit would never commit
                await().atMost(10, SECONDS).until(() -> klite.file().committed("billing", "orders", 0).orElse(0) == 2);
                assertThat(sink.received()).extracting(HttpSink.Request::offsets).containsExactly(List.of(1L, 2L));
            }
        }
    }

    @Test
    void theTimeoutHoldsForHttpAndHttpsEndpoints() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.worker.timeout", "2s"))) {
            for (String scheme : List.of("http", "https")) {
                HttpComponent component = klite.context().getComponent(scheme, HttpComponent.class);
                assertThat(component.getConnectTimeout()).as(scheme).isEqualTo(2000);
                assertThat(component.getResponseTimeout()).as(scheme).isEqualTo(2000);
                assertThat(component.getSoTimeout()).as(scheme).isEqualTo(2000);
                assertThat(component.getConnectionRequestTimeout()).as(scheme).isEqualTo(2000);
            }
        }
    }

    @Test
    void aMisspeltKliteSettingIsRefused() {
        assertThatThrownBy(() -> RunningKlite.start(dir, Map.of("klite.worker", "nope.yaml")).close())
                .hasStackTraceContaining("Unknown setting klite.worker=nope.yaml; Klite's own settings are"
                                         + " klite.workers, klite.worker.timeout, klite.api.idempotencyWindow,"
                                         + " klite.api.maxBodySize, klite.console.enabled and"
                                         + " klite.topics.<topic>.retention.age|messages|keepUnconsumed");
    }

    @Test
    void aTimeoutThatIsNotADurationIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> RunningKlite.start(dir, Map.of("klite.worker.timeout", "10")).close())
                .hasStackTraceContaining("klite.worker.timeout: '10' is not a duration");
    }

    private Path workers(String endpoint) throws Exception {
        return Files.writeString(dir.resolve("workers.yaml"), """
                topics:
                  orders:
                    consumerGroups:
                      billing: { partitions: [0], endpoint: "%s", interval: 100ms }
                """.formatted(endpoint));
    }
}
