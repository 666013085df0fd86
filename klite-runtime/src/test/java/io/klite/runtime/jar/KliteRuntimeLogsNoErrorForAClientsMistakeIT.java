package io.klite.runtime.jar;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.api.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's mistake is answered with a JSON error and is not an ERROR of the service: the jar's whole output, over
 * an unknown path, a wrong method, a body over the limit and a query string that is not URL encoding, holds no ERROR
 * line and no stack trace.
 */
class KliteRuntimeLogsNoErrorForAClientsMistakeIT {

    @TempDir
    Path dir;

    @Test
    void unknownPathWrongMethodBodyOverTheLimitAndBadQueryLogNoError() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "klite.api.maxBodySize = 1KiB\n");
        try (KliteProcess klite = KliteProcess.start(dir)) {
            ApiClient api = new ApiClient(klite.awaitRunning());

            assertThat(api.get("/nothing/here").status()).isEqualTo(404);
            assertThat(api.get("/topics/orders/messages").status()).isEqualTo(405);
            assertThat(api.post("/topics/orders/messages", "application/json", new byte[4096]).status())
                    .isEqualTo(413);
            assertThat(api.postAsWritten("/topics/orders/messages?partition=%zz", "{}").status()).isEqualTo(400);
            assertThat(api.post("/topics/orders/messages", "{}").status()).isEqualTo(201);

            klite.terminate();
            assertThat(klite.awaitExit(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(klite.output()).contains("Klite is running").doesNotContain("[ERROR]")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
