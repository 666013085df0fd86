package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.TopicConfig;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The requests that take JSON only (a batch, a topic's settings) answer 415 with a JSON error naming the
 * {@code Content-Type} sent and the one wanted where the body comes with a type that is not JSON, and write nothing;
 * {@code application/json}, a {@code +json} type, with or without parameters, and no {@code Content-Type} at all are
 * taken as JSON. A single message keeps taking any type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiRefusesABodyThatIsNotJsonTest {

    private static final String BATCH = "[{\"orderId\": 1}, {\"orderId\": 2}]";
    private static final String SETTINGS = "{\"retention\": {\"age\": \"7d\"}}";
    private static final TopicConfig SEVEN_DAYS = new TopicConfig(Duration.ofDays(7), null, false);

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
        klite.file().createTopic("orders", 1);
    }

    @BeforeEach
    void noRetention() {
        klite.file().configureTopic("orders", TopicConfig.KEEP_EVERYTHING);
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            text/plain
            text/plain; charset=utf-8
            application/x-www-form-urlencoded
            multipart/form-data; boundary=x
            application/xml
            text/json
            application/jsonl
            """)
    void aBatchOfAnotherTypeIs415AndWritesNothing(String contentType) throws Exception {
        long before = klite.file().endOffset("orders", 0);

        ApiClient.Answer answer = api.post("/topics/orders/batch", contentType, BATCH.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().toString()).isEqualTo("{\"error\":\"Content-Type " + contentType + " is not JSON, and"
                + " this request takes a JSON body; send it with Content-Type: application/json" + curlHint(contentType)
                + "\"}");
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            text/plain
            application/x-www-form-urlencoded
            application/yaml
            """)
    void settingsOfAnotherTypeAre415AndChangeNothing(String contentType) throws Exception {
        ApiClient.Answer answer = api.put("/topics/orders/config", contentType, SETTINGS.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.json().get("error").asText()).isEqualTo("Content-Type " + contentType + " is not JSON, and"
                + " this request takes a JSON body; send it with Content-Type: application/json" + curlHint(contentType));
        assertThat(klite.file().topicConfig("orders")).isEqualTo(TopicConfig.KEEP_EVERYTHING);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            none
            application/json
            application/json; charset=utf-8
            Application/JSON
            application/vnd.klite+json
            application/merge-patch+json; charset=utf-8
            """)
    void jsonOrNoContentTypeIsTaken(String contentType) throws Exception {
        long before = klite.file().endOffset("orders", 0);

        ApiClient.Answer batch = api.send("POST", "/topics/orders/batch", contentType,
                BATCH.getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer settings = api.send("PUT", "/topics/orders/config", contentType,
                SETTINGS.getBytes(StandardCharsets.UTF_8));

        assertThat(batch.status()).as(String.valueOf(batch.json())).isEqualTo(201);
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(before + 2);
        assertThat(settings.status()).as(String.valueOf(settings.json())).isEqualTo(200);
        assertThat(klite.file().topicConfig("orders")).isEqualTo(SEVEN_DAYS);
    }

    @Test
    void aSingleMessageOfAnyTypeIsStillTaken() throws Exception {
        ApiClient.Answer answer = api.post("/topics/orders/messages", "application/xml",
                "<order/>".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(201);
    }

    /** What a form body's refusal adds: curl -d sends one unless told otherwise. */
    private static String curlHint(String contentType) {
        return contentType.startsWith("application/x-www-form-urlencoded") ? " (curl -d alone sends"
                + " application/x-www-form-urlencoded: add -H 'Content-Type: application/json')" : "";
    }
}
