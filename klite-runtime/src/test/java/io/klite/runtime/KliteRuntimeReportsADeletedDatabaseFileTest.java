package io.klite.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.KliteLog;
import io.klite.runtime.api.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file deleted under the running service: health goes DOWN naming the file, and a send is refused with an
 * error saying so instead of going to the unlinked file.
 */
class KliteRuntimeReportsADeletedDatabaseFileTest {

    @TempDir
    Path dir;

    @Test
    void healthIsDownAndSendsAreRefusedOnceTheFileIsDeleted() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            assertThat(api.post("/topics/orders/messages", "{\"order\":1}").status()).isEqualTo(201);
            assertThat(api.get("/observe/health").json().get("status").asText()).isEqualTo("UP");

            Files.delete(klite.database());
            Files.deleteIfExists(Path.of(klite.database() + "-wal"));
            Files.deleteIfExists(Path.of(klite.database() + "-shm"));

            ApiClient.Answer health = api.get("/observe/health?exposureLevel=full");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
            JsonNode check = null;
            for (JsonNode c : health.json().get("checks")) {
                check = "database".equals(c.get("name").asText()) ? c : check;
            }
            assertThat(check).as("the database check in %s", health.json()).isNotNull();
            assertThat(check.get("status").asText()).isEqualTo("DOWN");
            // Camel's health JSON writes '/' in a message as '\/'
            assertThat(check.get("message").asText().replace("\\/", "/"))
                    .contains(klite.database().toString(), "deleted");

            ApiClient.Answer refused = api.post("/topics/orders/messages", "{\"order\":2}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("error").asText()).contains(klite.database().toString(), "deleted",
                    "nothing was written");
        }
        // whatever the reads left at the path holds neither message
        if (Files.exists(dir.resolve("klite.db"))) {
            try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
                assertThat(log.endOffset("orders", 0)).isZero();
            }
        }
    }
}
