package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.Message;
import io.klite.log.TopicConfig;
import io.klite.runtime.RunningKlite;
import io.klite.runtime.TopicConfigRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /topics/{topic}/config} answers a topic's retention; {@code PUT} replaces it (a field left out is none,
 * or false) and answers the same shape, and the file's cleaner then deletes by it. A body that is not the settings
 * is 400 naming the field, the value and what is allowed; an unknown topic 404; either writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiConfiguresTopicRetentionTest {

    /** The settings of topic {@code guarded}, which no refused request may change. */
    private static final String GUARDED = "guarded|172800000|100|1";

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of("camel.component.klite.retentionCheckInterval", "200"));
        api = new ApiClient(klite.api());
        klite.file().createTopic("orders", 2);
        klite.file().createTopic("guarded", 1);
        klite.file().configureTopic("guarded", new TopicConfig(Duration.ofDays(2), 100L, true));
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void aTopicWithoutSettingsKeepsEverything() throws Exception {
        klite.file().createTopic("plain", 1);

        ApiClient.Answer answer = api.get("/topics/plain/config");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json()).hasToString(
                "{\"topic\":\"plain\",\"retention\":{\"age\":null,\"messages\":null,\"keepUnconsumed\":false}}");
    }

    @Test
    void whatIsPutIsWhatIsReadBackAndWhatTheFileHolds() throws Exception {
        ApiClient.Answer put = api.put("/topics/orders/config",
                "{\"retention\":{\"age\":\"7d\",\"messages\":1000000,\"keepUnconsumed\":true}}");

        String expected = "{\"topic\":\"orders\",\"retention\":{\"age\":\"7d\",\"messages\":1000000,"
                          + "\"keepUnconsumed\":true}}";
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.contentType()).isEqualTo("application/json");
        assertThat(put.json()).hasToString(expected);
        assertThat(api.get("/topics/orders/config").json()).hasToString(expected);
        // an answer goes back as it is
        assertThat(api.put("/topics/orders/config", expected).json()).hasToString(expected);
        assertThat(klite.file().topicConfig("orders"))
                .isEqualTo(new TopicConfig(Duration.ofDays(7), 1_000_000L, true));
        assertThat(TopicConfigRows.of(klite.database())).contains("orders|604800000|1000000|1");
    }

    @Test
    void aPutReplacesEverySettingAndWhatItLeavesOutIsNone() throws Exception {
        klite.file().createTopic("replaced", 1);
        api.put("/topics/replaced/config", "{\"retention\":{\"age\":\"7d\",\"messages\":10,\"keepUnconsumed\":true}}");

        ApiClient.Answer onlyMessages = api.put("/topics/replaced/config", "{\"retention\":{\"messages\":5}}");
        assertThat(onlyMessages.json()).hasToString(
                "{\"topic\":\"replaced\",\"retention\":{\"age\":null,\"messages\":5,\"keepUnconsumed\":false}}");
        assertThat(klite.file().topicConfig("replaced")).isEqualTo(new TopicConfig(null, 5L, false));

        ApiClient.Answer nulls = api.put("/topics/replaced/config",
                "{\"retention\":{\"age\":\"36h\",\"messages\":null,\"keepUnconsumed\":null}}");
        assertThat(nulls.json().get("retention")).hasToString(
                "{\"age\":\"36h\",\"messages\":null,\"keepUnconsumed\":false}");

        ApiClient.Answer nothing = api.put("/topics/replaced/config", "{}");
        assertThat(nothing.status()).isEqualTo(200);
        assertThat(klite.file().topicConfig("replaced")).isEqualTo(TopicConfig.KEEP_EVERYTHING);
        assertThat(TopicConfigRows.of(klite.database())).contains("replaced|null|null|0");
    }

    @Test
    void anAgeIsAnsweredInTheLargestUnitThatHoldsItExactly() throws Exception {
        klite.file().createTopic("ages", 1);

        assertThat(api.put("/topics/ages/config", "{\"retention\":{\"age\":\"1440m\"}}").json().get("retention")
                .get("age").asText()).isEqualTo("1d");
        assertThat(api.put("/topics/ages/config", "{\"retention\":{\"age\":\"1500ms\"}}").json().get("retention")
                .get("age").asText()).isEqualTo("1500ms");
        assertThat(api.get("/topics/ages/config").json().get("retention").get("age").asText()).isEqualTo("1500ms");
    }

    @Test
    void afterAPutTheCleanerDeletesByTheNewSettings() throws Exception {
        List<String> messages = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            messages.add("{\"event\": " + i + "}");
        }
        klite.file().sendBatch("events", 0, messages);

        assertThat(api.put("/topics/events/config", "{\"retention\":{\"messages\":2}}").status()).isEqualTo(200);

        await().atMost(10, SECONDS).until(() -> klite.file().read("events", 0, 0, 100).stream()
                .map(Message::offset).toList().equals(List.of(9L, 10L)));
        assertThat(api.get("/topics/events").json().get("partitions").get(0).get("endOffset").asLong()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"retention":{"agee":"7d"}}                        | Unknown field retention.agee (value "7d"); allowed in retention: age, messages, keepUnconsumed, such as {"retention": {"age": "7d", "messages": 1000000, "keepUnconsumed": true}}
            {"topic":"other","retention":{}}                   | The body's topic "other" is not the topic of the path, 'guarded'; leave it out or give the same
            {"retention":{"age":"7d","messages":5,"x":false}}  | Unknown field retention.x (value false)
            {"retention":{"age":"7d"}                          | The body is not valid JSON: Unexpected end-of-input
            {"retention":{"age":"7d","age":"1d"}}              | The body is not valid JSON: Duplicate field 'age'
            {"retention":{"age":"7d"}} {}                      | The body is not valid JSON: Trailing token
            not json                                           | The body is not valid JSON: Unrecognized token 'not'
            [{"retention":{"age":"7d"}}]                       | The body must be a JSON object such as {"retention": {"age": "7d", "messages": 1000000, "keepUnconsumed": true}}, not [{"retention":{"age":"7d"}}]
            null                                               | The body must be a JSON object such as
            {"retention":"7d"}                                 | Invalid retention for topic 'guarded': "7d" is not an object
            {"retention":{"age":"5x"}}                         | Invalid retention.age for topic 'guarded': '5x' is not a retention age; use a whole number above 0 with ms, s, m, h or d, such as 500ms, 45s, 30m, 12h or 7d
            {"retention":{"age":"0s"}}                         | Invalid retention.age for topic 'guarded': '0s' is not a retention age
            {"retention":{"age":"-1d"}}                        | Invalid retention.age for topic 'guarded': '-1d' is not a retention age
            {"retention":{"age":604800000}}                    | Invalid retention.age for topic 'guarded': '604800000' is not a retention age
            {"retention":{"age":"7d","messages":0}}            | Invalid retention.messages for topic 'guarded': '0' is not a message count; allowed: a whole number of at least 1 (the newest messages each partition keeps)
            {"retention":{"messages":-3}}                      | Invalid retention.messages for topic 'guarded': '-3' is not a message count
            {"retention":{"messages":"ten"}}                   | Invalid retention.messages for topic 'guarded': '"ten"' is not a message count
            {"retention":{"messages":"5"}}                     | Invalid retention.messages for topic 'guarded': '"5"' is not a message count
            {"retention":{"messages":1.5}}                     | Invalid retention.messages for topic 'guarded': '1.5' is not a message count
            {"retention":{"messages":99999999999999999999}}    | Invalid retention.messages for topic 'guarded': '99999999999999999999' is not a message count: it is over 9223372036854775807
            {"retention":{"age":"7d","keepUnconsumed":"false"}} | Invalid retention.keepUnconsumed for topic 'guarded': '"false"' is not a boolean; allowed: true or false
            {"retention":{"keepUnconsumed":0}}                 | Invalid retention.keepUnconsumed for topic 'guarded': '0' is not a boolean
            """)
    void aBadBodyIs400NamingTheFieldAndWritesNothing(String body, String error) throws Exception {
        ApiClient.Answer answer = api.put("/topics/guarded/config", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
        assertThat(TopicConfigRows.of(klite.database())).contains(GUARDED);
    }

    @Test
    void anEmptyBodyIs400AndAFormIs415AndWritesNothing() throws Exception {
        ApiClient.Answer empty = api.put("/topics/guarded/config", "application/json", new byte[0]);
        ApiClient.Answer form = api.put("/topics/guarded/config", "application/x-www-form-urlencoded",
                "{\"retention\":{}}".getBytes(StandardCharsets.UTF_8));

        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").asText()).isEqualTo("The request body is empty; send the topic's settings,"
                + " such as {\"retention\": {\"age\": \"7d\", \"messages\": 1000000, \"keepUnconsumed\": true}}");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.json().get("error").asText()).contains("application/x-www-form-urlencoded");
        assertThat(TopicConfigRows.of(klite.database())).contains(GUARDED);
    }

    @Test
    void anUnknownTopicIs404AndIsNotCreated() throws Exception {
        ApiClient.Answer get = api.get("/topics/nothing/config");
        ApiClient.Answer put = api.put("/topics/nothing/config", "{\"retention\":{\"age\":\"7d\"}}");

        assertThat(get.status()).isEqualTo(404);
        assertThat(get.json()).hasToString("{\"error\":\"Topic 'nothing' does not exist\"}");
        assertThat(put.status()).isEqualTo(404);
        assertThat(put.json()).hasToString("{\"error\":\"Topic 'nothing' does not exist\"}");
        assertThat(klite.file().partitionCount("nothing")).isZero();
        assertThat(TopicConfigRows.of(klite.database())).noneMatch(row -> row.startsWith("nothing|"));
    }

    @Test
    void anInvalidTopicNameIs400() throws Exception {
        ApiClient.Answer get = api.get("/topics/bad%20name/config");
        ApiClient.Answer put = api.put("/topics/bad%20name/config", "{\"retention\":{\"age\":\"7d\"}}");

        for (ApiClient.Answer answer : List.of(get, put)) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().get("error").asText())
                    .startsWith("Invalid topic name 'bad name': character ' ' at index 3 is not allowed");
        }
    }

    @Test
    void aTopicThatDiffersFromAnExistingOneInCaseOnlyIs400() throws Exception {
        ApiClient.Answer put = api.put("/topics/GUARDED/config", "{\"retention\":{\"age\":\"7d\"}}");

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.json().get("error").asText()).isEqualTo("Topic 'GUARDED' clashes with existing topic 'guarded':"
                + " SQLite table names ignore case, so topic names must differ in more than case");
        assertThat(TopicConfigRows.of(klite.database())).contains(GUARDED).noneMatch(row -> row.startsWith("GUARDED|"));
    }

    @Test
    void theConfigPathLivesBesideTheTopicsOtherPaths() throws Exception {
        klite.file().createTopic("config", 1);

        assertThat(api.get("/topics/config").json().get("topic").asText()).isEqualTo("config");
        assertThat(api.get("/topics/config/config").json()).hasToString(
                "{\"topic\":\"config\",\"retention\":{\"age\":null,\"messages\":null,\"keepUnconsumed\":false}}");
        assertThat(api.get("/topics/orders").json().get("partitions")).hasSize(2);

        for (String method : List.of("POST", "DELETE", "PATCH")) {
            ApiClient.Answer answer = api.send(method, "/topics/orders/config");
            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).as(method)
                    .startsWith("Method " + method + " is not allowed on /topics/orders/config; the API has")
                    .contains("GET and PUT /topics/{topic}/config");
        }
    }
}
