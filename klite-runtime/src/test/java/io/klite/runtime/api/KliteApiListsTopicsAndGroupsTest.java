package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klite.log.KliteLog;
import io.klite.runtime.HttpSink;
import io.klite.runtime.RunningKlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /topics, /topics/{topic}, /groups (with the groups' live members) and the health endpoint. */
class KliteApiListsTopicsAndGroupsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void listsTopicsWithEndOffsetsAndGroupsWithLag() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().createTopic("orders", 2);
            klite.file().sendBatch("orders", 1, List.of("a", "b", "c"));
            klite.file().send("audit", 0, "x");
            klite.file().commit("billing", "orders", 1, 1);

            String keepEverything = "\"retention\":{\"age\":null,\"messages\":null,\"keepUnconsumed\":false}";
            assertThat(api.get("/topics").json().toString()).isEqualTo("["
                    + "{\"topic\":\"audit\",\"partitions\":[{\"partition\":0,\"startOffset\":1,\"endOffset\":1}],"
                    + keepEverything + "},"
                    + "{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"startOffset\":1,\"endOffset\":0},"
                    + "{\"partition\":1,\"startOffset\":1,\"endOffset\":3}]," + keepEverything + "}]");
            assertThat(api.get("/topics/orders").json().toString()).isEqualTo(
                    "{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"startOffset\":1,\"endOffset\":0},"
                    + "{\"partition\":1,\"startOffset\":1,\"endOffset\":3}]}");
            assertThat(api.get("/groups").json().toString()).isEqualTo(
                    "[{\"group\":\"billing\",\"topic\":\"orders\",\"partition\":1,\"committedOffset\":1,\"endOffset\":3,\"lag\":2,"
                    + "\"memberId\":null,\"members\":[]}]");
        }
    }

    @Test
    void groupsShowTheLiveMembersAndWhichPartitionEachHolds() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0, 1], endpoint: "%s", interval: 100ms }
                    """.formatted(sink.url("/hook")));
            try (KliteLog other = KliteLog.open(dir.resolve("klite.db"))) {
                other.createTopic("orders", 2);
                other.send("orders", 0, "{\"n\":1}");
                other.send("orders", 1, "{\"n\":2}");
                // another process's consumer of the group, taking its share of the topic, holds partition 1
                other.heartbeat("billing", "orders", "other-member", "other-host pid 1", List.of(),
                        Duration.ofSeconds(30));
                assertThat(other.acquireLease("billing", "orders", 1, "other-member", Duration.ofSeconds(30))).isTrue();

                try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                        "camel.component.klite.heartbeatInterval", "200ms",
                        "camel.component.klite.sessionTimeout", "3s"))) {
                    ApiClient api = new ApiClient(klite.api());
                    await().atMost(10, SECONDS).until(() -> other.committed("billing", "orders", 0).orElse(0) == 1);

                    JsonNode groups = api.get("/groups").json();
                    assertThat(groups).hasSize(2);
                    JsonNode members = groups.get(0).get("members");
                    assertThat(groups.get(1).get("members")).as("the same members in each row").isEqualTo(members);
                    // the worker of partition 0 holds it; the worker of partition 1 waits as a standby
                    assertThat(members).hasSize(3);
                    JsonNode worker0 = members.get(0).get("assigned").equals(JSON.readTree("[0]")) ? members.get(0)
                            : members.get(1);
                    JsonNode worker1 = worker0 == members.get(0) ? members.get(1) : members.get(0);
                    String thisProcess = " pid " + ProcessHandle.current().pid();
                    assertThat(worker0.get("description").asText()).endsWith(thisProcess);
                    assertThat(worker0.get("assigned").toString()).isEqualTo("[0]");
                    assertThat(worker0.get("partitions").toString()).isEqualTo("[0]");
                    assertThat(worker0.get("sessionTimeout").asText()).isEqualTo("3s");
                    assertThat(Instant.parse(worker0.get("heartbeatAt").asText()))
                            .isAfterOrEqualTo(Instant.parse(worker0.get("joinedAt").asText()));
                    assertThat(worker1.get("description").asText()).endsWith(thisProcess);
                    assertThat(worker1.get("assigned").toString()).isEqualTo("[1]");
                    assertThat(worker1.get("partitions").toString()).isEqualTo("[]");
                    assertThat(members.get(2).toString()).startsWith("{\"memberId\":\"other-member\","
                            + "\"description\":\"other-host pid 1\",\"assigned\":[],\"partitions\":[1],");
                    assertThat(members.get(2).get("sessionTimeout").asText()).isEqualTo("30s");

                    assertThat(withoutMembers(groups.get(0))).isEqualTo("{\"group\":\"billing\",\"topic\":\"orders\","
                            + "\"partition\":0,\"committedOffset\":1,\"endOffset\":1,\"lag\":0,"
                            + "\"memberId\":\"" + worker0.get("memberId").asText() + "\"}");
                    // nothing committed on partition 1 yet: no committed offset, its one message the lag, held by the
                    // other process's member
                    assertThat(withoutMembers(groups.get(1))).isEqualTo("{\"group\":\"billing\",\"topic\":\"orders\","
                            + "\"partition\":1,\"committedOffset\":null,\"endOffset\":1,\"lag\":1,"
                            + "\"memberId\":\"other-member\"}");

                    // the other member leaves: the standby takes partition 1 over and delivers it
                    other.leaveGroup("billing", "orders", "other-member");
                    await().atMost(10, SECONDS).until(() -> other.committed("billing", "orders", 1).orElse(0) == 1);
                    JsonNode after = api.get("/groups").json();
                    assertThat(after.get(1).get("memberId").asText()).isEqualTo(worker1.get("memberId").asText());
                    assertThat(after.get(1).get("members")).hasSize(2);
                    assertThat(sink.received()).extracting(HttpSink.Request::partition).containsExactly(0, 1);
                }
            }
        }
    }

    /** A row of GET /groups without its members, as JSON text. */
    private static String withoutMembers(JsonNode row) {
        ObjectNode copy = row.deepCopy();
        copy.remove("members");
        return copy.toString();
    }

    @Test
    void healthIsUpAtCamelsObservePath() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient.Answer health = new ApiClient(klite.api()).get("/observe/health");

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
        }
    }
}
