package io.klite.runtime.worker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteEndpoint;
import io.klite.log.Member;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
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
 * A worker is a member of its group across processes with the service's {@code camel.component.klite.heartbeatInterval}
 * and {@code sessionTimeout}, whatever {@code camel.component.klite.groupCoordination} says; a pair of them no consumer
 * could take stops the start, naming the setting, its value and the rule.
 */
class KliteHttpWorkerHeartbeatsAsTheServiceSaysTest {

    @TempDir
    Path dir;

    @Test
    void theServicesHeartbeatAndSessionTimeoutReachTheWorkers() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0, 1], endpoint: "%s", interval: 100ms }
                    """.formatted(sink.url("/hook")));

            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.heartbeatInterval", "150ms",
                    "camel.component.klite.sessionTimeout", "1500ms",
                    "camel.component.klite.groupCoordination", "false"))) {
                for (String route : List.of("worker:orders:billing:0", "worker:orders:billing:1")) {
                    KliteConfiguration consumer = ((KliteEndpoint) klite.context().getRoute(route).getEndpoint())
                            .getConfiguration();
                    assertThat(consumer.getHeartbeatInterval()).as(route).isEqualTo(150);
                    assertThat(consumer.getSessionTimeout()).as(route).isEqualTo(1500);
                    assertThat(consumer.isGroupCoordination()).as(route).isTrue();
                }
                // each worker is a live member holding its partition, with the service's session timeout
                await().atMost(10, SECONDS).until(() -> klite.file().liveMembers("billing", "orders").stream()
                        .mapToInt(m -> m.partitions().size()).sum() == 2);
                List<Member> members = klite.file().liveMembers("billing", "orders");
                assertThat(members).extracting(Member::assigned).containsExactlyInAnyOrder(List.of(0), List.of(1));
                assertThat(members).allSatisfy(member -> {
                    assertThat(member.partitions()).isEqualTo(member.assigned());
                    assertThat(member.sessionTimeout()).isEqualTo(Duration.ofMillis(1500));
                });
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            session timeout equal to the heartbeat | camel.component.klite.sessionTimeout    | 3s  | camel.component.klite.sessionTimeout: '3s' (read as 3000 ms) is not above camel.component.klite.heartbeatInterval (3000 ms); a member would count as dead between two heartbeats: use a session timeout above the heartbeat interval, such as 15s with 3s (the defaults)
            heartbeat interval 0                   | camel.component.klite.heartbeatInterval | 0   | camel.component.klite.heartbeatInterval: '0' (read as 0 ms) is not a heartbeat interval; use a duration above 0 and below camel.component.klite.sessionTimeout, such as 250ms, 1s or 3s (the default)
            negative session timeout               | camel.component.klite.sessionTimeout    | -2s | camel.component.klite.sessionTimeout: '-2s' (read as 0 ms) is not above camel.component.klite.heartbeatInterval (3000 ms)
            heartbeat above the default session    | camel.component.klite.heartbeatInterval | 20s | camel.component.klite.sessionTimeout: 15000 ms (not set: the default) is not above camel.component.klite.heartbeatInterval (20000 ms)
            """)
    void aHeartbeatOrSessionTimeoutNoConsumerTakesStopsTheStart(String name, String key, String value, String message) {
        // no worker and no route: the settings are checked all the same
        assertThatThrownBy(() -> RunningKlite.start(dir, Map.of(key, value)).close())
                .hasStackTraceContaining(message);
    }
}
