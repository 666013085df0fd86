package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.Message;
import io.klite.runtime.RunningKlite;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code klite.api.maxBodySize} is the HTTP server's body limit: a body one byte over it is answered 413 with a JSON
 * error naming the limit and the setting, and nothing of it is written; a body at the limit is taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiRefusesABodyOverMaxBodySizeTest {

    private static final int LIMIT = 1024;
    private static final String ERROR = "The request body is over the API's limit, klite.api.maxBodySize = 1KiB"
                                        + " (1024 bytes); send fewer or smaller messages, or raise the limit";

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of("klite.api.maxBodySize", "1KiB"));
        api = new ApiClient(klite.api());
        klite.file().createTopic("over", 1);
        klite.file().createTopic("at", 1);
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void aMessageOneByteOverTheLimitIs413AndWritesNothing() throws Exception {
        ApiClient.Answer answer = api.post("/topics/over/messages", "text/plain", text(LIMIT + 1));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().toString()).isEqualTo("{\"error\":\"" + ERROR + "\"}");
        assertThat(klite.file().endOffset("over", 0)).isZero();
    }

    @Test
    void aBatchOneByteOverTheLimitIs413AndWritesNothing() throws Exception {
        byte[] batch = batch(LIMIT + 1);

        ApiClient.Answer answer = api.post("/topics/over/batch", "application/json", batch);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("error").asText()).isEqualTo(ERROR);
        assertThat(klite.file().endOffset("over", 0)).isZero();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndWritesNothing() throws Exception {
        // no Content-Length: the server counts the bytes as they come
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(klite.api() + "/topics/over/messages"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(text(4 * LIMIT))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.body()).isEqualTo("{\"error\":\"" + ERROR + "\"}");
        assertThat(klite.file().endOffset("over", 0)).isZero();
    }

    @Test
    void aMessageAndABatchAtTheLimitAreWritten() throws Exception {
        byte[] message = text(LIMIT);
        byte[] batch = batch(LIMIT);

        ApiClient.Answer one = api.post("/topics/at/messages", "text/plain", message);
        ApiClient.Answer many = api.post("/topics/at/batch", "application/json", batch);

        assertThat(one.status()).isEqualTo(201);
        assertThat(many.status()).isEqualTo(201);
        assertThat(klite.file().read("at", 0, 0, 10)).extracting(Message::payload)
                .containsExactly(message, Arrays.copyOfRange(batch, 1, batch.length - 1));
    }

    @Test
    void theServersLimitIsTheSettingsInBytes() {
        assertThat(klite.context().hasService(VertxPlatformHttpServer.class).getMaxBodySize()).isEqualTo(LIMIT);
    }

    /** {@code size} bytes of text. */
    private static byte[] text(int size) {
        byte[] text = new byte[size];
        Arrays.fill(text, (byte) 'a');
        return text;
    }

    /** A batch of {@code size} bytes in all: one array of one JSON number, {@code [999...9]}. */
    private static byte[] batch(int size) {
        byte[] batch = new byte[size];
        Arrays.fill(batch, (byte) '9');
        batch[0] = '[';
        batch[size - 1] = ']';
        return batch;
    }
}
