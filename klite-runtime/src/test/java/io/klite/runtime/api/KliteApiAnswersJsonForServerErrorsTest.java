package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.RunningKlite;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own answers are JSON errors too: an unknown path (404), a method a path does not take (405), a body
 * over the limit (413) and a query string that is not URL encoding (400).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiAnswersJsonForServerErrorsTest {

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of("klite.api.maxBodySize", "1KiB"));
        api = new ApiClient(klite.api());
        klite.file().createTopic("orders", 1);
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void anUnknownPathIs404WithAJsonError() throws Exception {
        ApiClient.Answer answer = api.get("/nothing/here");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith("No such path: /nothing/here; the API has");
    }

    @Test
    void aMethodThePathDoesNotTakeIs405WithAJsonError() throws Exception {
        ApiClient.Answer answer = api.get("/topics/orders/messages");

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText())
                .startsWith("Method GET is not allowed on /topics/orders/messages; the API has");
    }

    @Test
    void aBodyOverTheLimitIs413WithAJsonErrorAndWritesNothing() throws Exception {
        ApiClient.Answer answer = api.post("/topics/orders/messages", "application/json", new byte[2048]);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith("The request body is over the API's limit,"
                                                                   + " klite.api.maxBodySize = 1KiB (1024 bytes)");
        assertThat(klite.file().endOffset("orders", 0)).isZero();
    }

    @Test
    void aQueryStringThatIsNotUrlEncodingIs400WithAJsonErrorAndWritesNothing() throws Exception {
        ApiClient.Answer answer = api.postAsWritten("/topics/orders/messages?partition=%zz", "{}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith("Bad request: the query string is not valid URL encoding");
        assertThat(klite.file().endOffset("orders", 0)).isZero();
    }
}
