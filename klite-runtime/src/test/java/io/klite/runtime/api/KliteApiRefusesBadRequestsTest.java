package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 400 with a JSON error naming the problem, 404 for an unknown topic, and nothing written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiRefusesBadRequestsTest {

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
        klite.file().createTopic("orders", 2);
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /topics/bad%20name/messages          | {}          | Invalid topic name 'bad name': character ' ' at index 3 is not allowed
            /topics/orders/messages?partition=x  | {}          | Invalid partition 'x': a whole number from 0 is expected
            /topics/orders/messages?partition=2  | {}          | Partition 2 is out of range for topic 'orders': it has 2 partitions (valid: 0..1)
            /topics/orders/messages?partition=-1 | {}          | Invalid partition for topic 'orders': '-1' is not a partition number; allowed: 0 to 999
            /topics/orders/messages?partition=0&key=k | {}     | Give either partition or key, not both (partition 0, key 'k')
            /topics/orders/messages?key=         | {}          | The key is empty
            /topics/orders/batch                 | {"a": 1}    | The batch body must be a JSON array of at least one message, not {"a": 1}
            /topics/orders/batch                 | []          | The batch body must be a JSON array of at least one message, not []
            /topics/orders/batch                 | [1, null]   | Batch element 1 is null; every element must be a message
            /topics/orders/batch                 | [1,         | The batch body is not valid JSON: Unexpected end-of-input
            /topics/orders/batch                 | [{"d": 1, "d": 2}] | The batch body is not valid JSON: Duplicate field 'd'
            /topics/orders/batch                 | [1] [2]     | The batch body has more after its array (at byte 4); send one JSON array
            /topics/orders/batch                 | ["ok", ""]  | Batch element 1 is an empty string
            /topics/orders/batch?partiton=1      | [1]         | Unknown query parameter 'partiton'; a POST takes partition or key
            /topics/orders/messages?key=a&key=b  | {}          | The query parameter key is given twice; give it once
            /topics/orders/messages?partition=1&partition=0 | {} | The query parameter partition is given twice
            /topics/orders/batch?partition=9     | [1]         | Partition 9 is out of range for topic 'orders'
            """)
    void aBadRequestIs400WithAnErrorAndWritesNothing(String path, String body, String error) throws Exception {
        ApiClient.Answer answer = api.post(path, body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
        assertThat(klite.file().endOffset("orders", 0) + klite.file().endOffset("orders", 1)).isZero();
    }

    @Test
    void aRefusedMessageForANewTopicCreatesNoTopic() throws Exception {
        ApiClient.Answer answer = api.post("/topics/brand-new/messages?partition=5", "{}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText())
                .isEqualTo("Partition 5 is out of range for topic 'brand-new': a new topic gets 1 partition (valid: 0)");
        assertThat(api.get("/topics/brand-new").status()).isEqualTo(404);
        assertThat(api.post("/topics/brand-new/batch?partition=-1", "[1]").status()).isEqualTo(400);
        assertThat(api.get("/topics/brand-new").status()).isEqualTo(404);
    }

    @Test
    void requestHeadersDoNotPassForQueryParametersOrTheTopic() throws Exception {
        klite.file().createTopic("headers", 2);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(klite.api() + "/topics/headers/messages"))
                        .header("Content-Type", "application/json").header("key", "from-a-header")
                        .header("partition", "7").header("topic", "elsewhere")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).startsWith("{\"topic\":\"headers\",");
        assertThat(klite.file().partitionCount("elsewhere")).isZero();
        int partition = klite.file().endOffset("headers", 0) == 1 ? 0 : 1;
        assertThat(klite.file().read("headers", partition, 0, 1).get(0).key()).isNull();
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        ApiClient.Answer answer = api.post("/topics/orders/messages", "text/plain", new byte[0]);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isEqualTo("The request body is empty; the body is the message");
    }

    @Test
    void aFormPostSaysToSendTheBodyWithItsOwnContentType() throws Exception {
        ApiClient.Answer answer = api.post("/topics/orders/messages", "application/x-www-form-urlencoded",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).contains("application/x-www-form-urlencoded")
                .contains("Content-Type: application/json");
    }

    @Test
    void aBatchThatIsNotUtf8OrNotUnicodeTextIs400() throws Exception {
        ApiClient.Answer utf16 = api.post("/topics/orders/batch", "application/json",
                "[1, 2]".getBytes(StandardCharsets.UTF_16));
        ApiClient.Answer loneSurrogate = api.post("/topics/orders/batch", "[\"\\ud800\"]");
        ApiClient.Answer multipart = api.post("/topics/orders/messages", "multipart/form-data; boundary=x",
                "--x--".getBytes(StandardCharsets.UTF_8));

        assertThat(utf16.status()).isEqualTo(400);
        assertThat(utf16.json().get("error").asText()).isEqualTo("The batch body is not UTF-8; send JSON in UTF-8");
        assertThat(loneSurrogate.status()).isEqualTo(400);
        assertThat(loneSurrogate.json().get("error").asText()).startsWith("Batch element 0 is not valid Unicode text");
        assertThat(multipart.status()).isEqualTo(400);
        assertThat(multipart.json().get("error").asText()).startsWith("The body was sent as a form (Content-Type:"
                                                                     + " multipart/form-data;");
        assertThat(klite.file().endOffset("orders", 0) + klite.file().endOffset("orders", 1)).isZero();
    }

    @Test
    void aBatchNestedDeeperThanJacksonReadsIs400() throws Exception {
        ApiClient.Answer answer = api.post("/topics/orders/batch", "[".repeat(1001) + "]".repeat(1001));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).startsWith("The batch body is not valid JSON: Document nesting"
                                                                  + " depth (1001) exceeds the maximum allowed (1000");
        assertThat(klite.file().endOffset("orders", 0) + klite.file().endOffset("orders", 1)).isZero();
    }

    @Test
    void anUnknownTopicIs404() throws Exception {
        ApiClient.Answer answer = api.get("/topics/nope");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().toString()).isEqualTo("{\"error\":\"Topic 'nope' does not exist\"}");
    }
}
