package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /groups/{group}: the group's topics, each with its partitions (committed and end offsets, lag, the member holding
 * it) and its live members, the same facts GET /groups lists row by row; 404 for a group with no commit and no live
 * member. The paths /groups, /groups/{group} and /groups/{group}/reset each reach their own routes.
 */
class KliteApiDescribesAGroupTest {

    @TempDir
    Path dir;

    @Test
    void describesTheGroupsTopicsPartitionsAndLiveMembersAsGetGroupsListsThem() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().createTopic("orders", 2);
            klite.file().sendBatch("orders", 1, List.of("a", "b", "c"));
            klite.file().send("audit", 0, "x");
            klite.file().commit("billing", "orders", 1, 1);
            klite.file().commit("billing", "audit", 0, 1);
            klite.file().commit("shipping", "orders", 1, 3);
            // another process's member of the group, taking its share of orders, holds partition 0
            klite.file().heartbeat("billing", "orders", "other-member", "other-host pid 1", List.of(),
                    Duration.ofSeconds(30));
            assertThat(klite.file().acquireLease("billing", "orders", 0, "other-member", Duration.ofSeconds(30)))
                    .isTrue();

            ApiClient.Answer answer = api.get("/groups/billing");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.contentType()).isEqualTo("application/json");
            JsonNode group = answer.json();
            JsonNode members = group.get("topics").get(1).get("members");
            assertThat(members).hasSize(1);
            assertThat(members.get(0).toString()).startsWith("{\"memberId\":\"other-member\","
                    + "\"description\":\"other-host pid 1\",\"assigned\":[],\"partitions\":[0],\"joinedAt\":");
            assertThat(withoutMembers(group)).isEqualTo("{\"group\":\"billing\",\"topics\":["
                    + "{\"topic\":\"audit\",\"partitions\":[{\"partition\":0,\"committedOffset\":1,\"endOffset\":1,"
                    + "\"lag\":0,\"memberId\":null}]},"
                    + "{\"topic\":\"orders\",\"partitions\":["
                    + "{\"partition\":0,\"committedOffset\":null,\"endOffset\":0,\"lag\":0,\"memberId\":\"other-member\"},"
                    + "{\"partition\":1,\"committedOffset\":1,\"endOffset\":3,\"lag\":2,\"memberId\":null}]}]}");

            // the same facts as the group's rows of GET /groups
            for (JsonNode row : api.get("/groups").json()) {
                if (row.get("group").asText().equals("billing")) {
                    JsonNode topic = row.get("topic").asText().equals("audit") ? group.get("topics").get(0)
                            : group.get("topics").get(1);
                    ObjectNode partition = row.deepCopy();
                    partition.remove(List.of("group", "topic", "members"));
                    assertThat(topic.get("partitions")).contains(partition);
                    assertThat(row.get("members")).isEqualTo(topic.get("members"));
                }
            }
        }
    }

    @Test
    void aGroupWithOnlyALiveMemberShowsItsPartitionsWithoutACommitAndEveryStoredMessageAsLag() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            klite.file().createTopic("orders", 1);
            klite.file().sendBatch("orders", 0, List.of("a", "b", "c"));
            klite.file().heartbeat("new group", "orders", "m", "", List.of(), Duration.ofSeconds(30));

            JsonNode group = new ApiClient(klite.api()).get("/groups/new%20group").json();

            assertThat(group.get("group").asText()).isEqualTo("new group");
            assertThat(group.get("topics").get(0).get("partitions").toString()).isEqualTo(
                    "[{\"partition\":0,\"committedOffset\":null,\"endOffset\":3,\"lag\":3,\"memberId\":null}]");
        }
    }

    @Test
    void anUnknownGroupIs404AndEachGroupPathReachesItsOwnRoute() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().send("orders", 0, "a");
            klite.file().commit("a+b", "orders", 0, 1);

            ApiClient.Answer unknown = api.get("/groups/nobody");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().toString()).isEqualTo("{\"error\":\"Group 'nobody' does not exist: it has no"
                    + " committed offset, live member, lease or failed delivery; GET /groups lists the groups\"}");
            assertThat(api.get("/groups/a+b").json().get("group").asText()).as("a + in a path is itself")
                    .isEqualTo("a+b");
            assertThat(api.get("/groups/a%2Bb").json().get("group").asText()).isEqualTo("a+b");
            assertThat(api.get("/groups/%20").status()).as("a blank group name").isEqualTo(400);

            assertThat(api.get("/groups").json()).hasSize(1);
            assertThat(api.get("/groups/a+b/reset").status()).as("reset takes POST only").isEqualTo(405);
            assertThat(api.send("PUT", "/groups/a+b").status()).isEqualTo(405);
            assertThat(api.post("/groups/a+b", "{}").status()).isEqualTo(405);
            assertThat(api.get("/groups/a+b/other").status()).isEqualTo(404);
            assertThat(api.send("DELETE", "/groups").status()).isEqualTo(405);
        }
    }

    /** The group's answer without its topics' members, as JSON text. */
    private static String withoutMembers(JsonNode group) {
        ObjectNode copy = group.deepCopy();
        for (JsonNode topic : (ArrayNode) copy.get("topics")) {
            ((ObjectNode) topic).remove("members");
        }
        return copy.toString();
    }
}
