package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /topics, /topics/{topic}, /groups and the health endpoint. */
class KliteApiListsTopicsAndGroupsTest {

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

            assertThat(api.get("/topics").json().toString()).isEqualTo("["
                    + "{\"topic\":\"audit\",\"partitions\":[{\"partition\":0,\"endOffset\":1}]},"
                    + "{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"endOffset\":0},{\"partition\":1,\"endOffset\":3}]}]");
            assertThat(api.get("/topics/orders").json().toString()).isEqualTo(
                    "{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"endOffset\":0},{\"partition\":1,\"endOffset\":3}]}");
            assertThat(api.get("/groups").json().toString()).isEqualTo(
                    "[{\"group\":\"billing\",\"topic\":\"orders\",\"partition\":1,\"committedOffset\":1,\"endOffset\":3,\"lag\":2}]");
        }
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
