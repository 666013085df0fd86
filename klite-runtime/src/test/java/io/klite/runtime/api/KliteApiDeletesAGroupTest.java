package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.OffsetRows;
import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DELETE /groups/{group}: removes the group's committed offsets on every topic and answers how many; 404 for a group
 * with no commit and no live member; 409, naming the live members, while it has any, writing nothing.
 */
class KliteApiDeletesAGroupTest {

    @TempDir
    Path dir;

    @Test
    void deletesTheGroupsCommittedOffsetsOnEveryTopic() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().createTopic("orders", 2);
            klite.file().sendBatch("orders", 0, List.of("a", "b"));
            klite.file().send("audit", 0, "x");
            klite.file().commit("billing", "orders", 0, 2);
            klite.file().commit("billing", "orders", 1, 0);
            klite.file().commit("billing", "audit", 0, 1);
            klite.file().commit("shipping", "orders", 0, 1);

            ApiClient.Answer deleted = api.send("DELETE", "/groups/billing");

            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().toString()).isEqualTo("{\"group\":\"billing\",\"partitions\":3}");
            assertThat(OffsetRows.ofGroup(klite.database(), "billing")).isEmpty();
            assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|1");
            assertThat(api.get("/groups/billing").status()).isEqualTo(404);
            assertThat(api.send("DELETE", "/groups/billing").status()).as("gone").isEqualTo(404);
        }
    }

    @Test
    void anUnknownGroupIs404AndAGroupWithALiveMemberIs409() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().send("orders", 0, "a");
            klite.file().commit("billing", "orders", 0, 1);
            klite.file().heartbeat("billing", "orders", "m1", "host-a pid 1", List.of(), Duration.ofSeconds(30));
            List<String> rows = OffsetRows.of(klite.database());

            ApiClient.Answer unknown = api.send("DELETE", "/groups/nobody");
            ApiClient.Answer live = api.send("DELETE", "/groups/billing");

            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().toString()).isEqualTo("{\"error\":\"Group 'nobody' does not exist: it has no"
                    + " committed offset, live member, lease or failed delivery; GET /groups lists the groups\"}");
            assertThat(live.status()).isEqualTo(409);
            assertThat(live.json().toString()).isEqualTo("{\"error\":\"Cannot delete group 'billing': 1 live member(s)"
                    + " consume with it: m1 (host-a pid 1) on topic 'orders'; stop them first (a stopped member leaves"
                    + " at once; a killed one counts as live until its session timeout has passed)\"}");
            assertThat(OffsetRows.of(klite.database())).isEqualTo(rows);
            assertThat(klite.file().liveMembers("billing", "orders")).hasSize(1);

            klite.file().leaveGroup("billing", "orders", "m1");
            assertThat(api.send("DELETE", "/groups/billing").json().toString())
                    .isEqualTo("{\"group\":\"billing\",\"partitions\":1}");
        }
    }
}
