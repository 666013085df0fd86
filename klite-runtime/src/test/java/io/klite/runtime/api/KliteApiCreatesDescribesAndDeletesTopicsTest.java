package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.TopicConfig;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
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
 * {@code PUT /topics/{topic}} creates a topic (201), and answers 200 for one that has the partitions asked, 409 with
 * the count for one that has others; {@code GET /topics/{topic}} describes it with start and end offsets;
 * {@code DELETE /topics/{topic}?confirm={topic}} deletes it with every group's offsets on it, and is refused while
 * live members consume it. A refused request (400, 404, 409) writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiCreatesDescribesAndDeletesTopicsTest {

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
        klite.file().createTopic("guarded", 2);
        klite.file().sendBatch("guarded", 1, List.of("a", "b"));
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void aPutCreatesTheTopicAndARepeatedPutAnswersTheSame() throws Exception {
        String created = "{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"startOffset\":1,\"endOffset\":0},"
                         + "{\"partition\":1,\"startOffset\":1,\"endOffset\":0},"
                         + "{\"partition\":2,\"startOffset\":1,\"endOffset\":0}]}";

        ApiClient.Answer put = api.put("/topics/orders", "{\"partitions\": 3}");

        assertThat(put.status()).isEqualTo(201);
        assertThat(put.contentType()).isEqualTo("application/json");
        assertThat(put.json()).hasToString(created);
        assertThat(klite.file().partitionCount("orders")).isEqualTo(3);
        assertThat(api.get("/topics/orders").json()).hasToString(created);

        klite.file().send("orders", 1, "x");
        ApiClient.Answer again = api.put("/topics/orders", "{\"topic\": \"orders\", \"partitions\": 3}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("partitions").get(1)).hasToString(
                "{\"partition\":1,\"startOffset\":1,\"endOffset\":1}");
    }

    @Test
    void aPutWithAnotherCountIs409WithTheCountAndChangesNothing() throws Exception {
        var before = FileSnapshot.of(klite.database());

        for (int partitions : List.of(1, 3)) {
            ApiClient.Answer answer = api.put("/topics/guarded", "{\"partitions\": " + partitions + "}");

            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.json()).hasToString("{\"error\":\"Topic 'guarded' exists with 2 partition(s), not "
                    + partitions + "; a PUT does not change a topic's partition count\",\"partitions\":2}");
        }
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                              | Invalid partitions for topic 'fresh': the body has none; send the partition count, 1 to 1000, such as {"partitions": 3}
            {"partitions": null}            | Invalid partitions for topic 'fresh': the body has none
            {"partitions": "3"}             | Invalid partitions for topic 'fresh': "3" is not a partition count; allowed: a whole number from 1 to 1000, such as {"partitions": 3}
            {"partitions": 1.5}             | Invalid partitions for topic 'fresh': 1.5 is not a partition count
            {"partitions": 2.0}             | Invalid partitions for topic 'fresh': 2.0 is not a partition count
            {"partitions": true}            | Invalid partitions for topic 'fresh': true is not a partition count
            {"partitions": 99999999999}     | Invalid partitions for topic 'fresh': 99999999999 is not a partition count
            {"partitions": 0}               | Invalid partitions for topic 'fresh': '0' is not a partition count; allowed: 1 to 1000
            {"partitions": -1}              | Invalid partitions for topic 'fresh': '-1' is not a partition count; allowed: 1 to 1000
            {"partitions": 1001}            | Invalid partitions for topic 'fresh': '1001' is not a partition count; allowed: 1 to 1000
            {"partitions": 2, "retention": {}} | Unknown field retention (value {}); allowed: partitions, topic, such as {"partitions": 3}
            {"topic": "other", "partitions": 2} | The body's topic "other" is not the topic of the path, 'fresh'; leave it out or give the same
            [{"partitions": 2}]             | The body must be a JSON object such as {"partitions": 3}, not [{"partitions":2}]
            3                               | The body must be a JSON object such as {"partitions": 3}, not 3
            null                            | The body must be a JSON object such as {"partitions": 3}, not null
            {"partitions": 2                | The body is not valid JSON: Unexpected end-of-input
            {"partitions": 2, "partitions": 3} | The body is not valid JSON: Duplicate field 'partitions'
            {"partitions": 2} {}            | The body is not valid JSON: Trailing token
            partitions=2                    | The body is not valid JSON: Unrecognized token 'partitions'
            """)
    void aBadBodyIs400NamingTheProblemAndCreatesNothing(String body, String error) throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.put("/topics/fresh", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
        assertThat(klite.file().partitionCount("fresh")).isZero();
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void anEmptyOrFormBodyOrABadNameIsRefusedAndCreatesNothing() throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer empty = api.put("/topics/fresh", "application/json", new byte[0]);
        ApiClient.Answer form = api.put("/topics/fresh", "application/x-www-form-urlencoded",
                "{\"partitions\": 1}".getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer badName = api.put("/topics/bad%20name", "{\"partitions\": 1}");
        ApiClient.Answer otherCase = api.put("/topics/GUARDED", "{\"partitions\": 2}");

        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("error").asText())
                .isEqualTo("The request body is empty; send the topic's partition count, such as {\"partitions\": 3}");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.json().get("error").asText()).isEqualTo("Content-Type application/x-www-form-urlencoded is"
                + " not JSON, and this request takes a JSON body; send it with Content-Type: application/json (curl -d"
                + " alone sends application/x-www-form-urlencoded: add -H 'Content-Type: application/json')");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("error").asText()).startsWith("Invalid topic name 'bad name'");
        assertThat(otherCase.status()).isEqualTo(400);
        assertThat(otherCase.json().get("error").asText())
                .startsWith("Topic 'GUARDED' clashes with existing topic 'guarded'");
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void theDescriptionHasEachPartitionsOldestStoredAndHighestOffset() throws Exception {
        klite.file().createTopic("described", 3);
        klite.file().sendBatch("described", 0, List.of("1", "2", "3", "4", "5"));
        klite.file().sendBatch("described", 2, List.of("1", "2"));
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
            // as retention deletes: the oldest of partition 0, every message of partition 2
            file.createStatement().execute("DELETE FROM \"described_0\" WHERE id <= 2");
            file.createStatement().execute("DELETE FROM \"described_2\"");
        }

        ApiClient.Answer answer = api.get("/topics/described");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).hasToString("{\"topic\":\"described\",\"partitions\":["
                + "{\"partition\":0,\"startOffset\":3,\"endOffset\":5},"
                + "{\"partition\":1,\"startOffset\":1,\"endOffset\":0},"
                + "{\"partition\":2,\"startOffset\":3,\"endOffset\":2}]}");
        ApiClient.Answer unknown = api.get("/topics/nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json()).hasToString("{\"error\":\"Topic 'nothing' does not exist\"}");
    }

    @Test
    void aDeleteTakesTheTopicAndEverythingOfItAndAnswersItsPartitionCount() throws Exception {
        klite.file().createTopic("doomed", 2);
        klite.file().sendBatch("doomed", 0, List.of("a", "b", "c"));
        klite.file().commit("billing", "doomed", 0, 2);
        klite.file().configureTopic("doomed", new TopicConfig(Duration.ofDays(1), null, false));
        klite.file().commit("billing", "guarded", 1, 1);

        ApiClient.Answer deleted = api.send("DELETE", "/topics/doomed?confirm=doomed");

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.contentType()).isEqualTo("application/json");
        assertThat(deleted.json()).hasToString("{\"topic\":\"doomed\",\"partitions\":2}");
        assertThat(api.get("/topics/doomed").status()).isEqualTo(404);
        var file = FileSnapshot.of(klite.database());
        assertThat(file.keySet()).noneMatch(table -> table.startsWith("doomed"));
        assertThat(file.values().stream().flatMap(List::stream)).noneMatch(row -> row.contains("doomed"));
        assertThat(api.get("/groups").json().toString()).doesNotContain("doomed").contains("\"topic\":\"guarded\"");

        // a message posted now starts the topic afresh
        ApiClient.Answer posted = api.post("/topics/doomed/messages", "{}");
        assertThat(posted.json()).hasToString("{\"topic\":\"doomed\",\"partition\":0,\"offset\":1}");
        assertThat(api.send("DELETE", "/topics/doomed?confirm=doomed").json())
                .hasToString("{\"topic\":\"doomed\",\"partitions\":1}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /topics/guarded                      | 400 | Deleting topic 'guarded' needs a confirmation: it deletes the topic's messages and every group's offsets on it; add ?confirm=guarded
            /topics/guarded?confirm=             | 400 | The confirmation '' is not the topic 'guarded': it deletes the topic's messages and every group's offsets on it; add ?confirm=guarded
            /topics/guarded?confirm=GUARDED      | 400 | The confirmation 'GUARDED' is not the topic 'guarded'
            /topics/guarded?confirm=guarded&confirm=guarded | 400 | The query parameter confirm is given twice; give it once
            /topics/guarded?confirm=guarded&force=true      | 400 | Unknown query parameter 'force'; a DELETE takes confirm
            /topics/bad%20name?confirm=bad%20name | 400 | Invalid topic name 'bad name'
            /topics/GUARDED?confirm=GUARDED      | 400 | Topic 'GUARDED' clashes with existing topic 'guarded'
            /topics/nothing?confirm=nothing      | 404 | Cannot delete topic 'nothing': it does not exist
            """)
    void aRefusedDeleteNamesTheProblemAndDeletesNothing(String path, int status, String error) throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.send("DELETE", path);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void aTopicLiveMembersConsumeIsNotDeleted() throws Exception {
        klite.file().createTopic("consumed", 1);
        klite.file().send("consumed", 0, "a");
        klite.file().heartbeat("billing", "consumed", "member-1", "host-a pid 7", List.of(), Duration.ofMinutes(1));
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.send("DELETE", "/topics/consumed?confirm=consumed");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json()).hasToString("{\"error\":\"Cannot delete topic 'consumed': 1 live member(s) consume"
                + " it: member-1 (host-a pid 7) of group 'billing'; stop them first (a stopped member leaves at once;"
                + " a killed one counts as live until its session timeout has passed); nothing was deleted\"}");
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);

        klite.file().leaveGroup("billing", "consumed", "member-1");
        assertThat(api.send("DELETE", "/topics/consumed?confirm=consumed").status()).isEqualTo(200);
    }

    @Test
    void theTopicPathTakesGetPutAndDeleteOnly() throws Exception {
        for (String method : List.of("POST", "PATCH")) {
            ApiClient.Answer answer = api.send(method, "/topics/guarded");
            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).as(method)
                    .startsWith("Method " + method + " is not allowed on /topics/guarded; the API has")
                    .contains("GET, PUT and DELETE /topics/{topic}");
        }
        // the paths below a topic keep their own methods
        assertThat(api.send("DELETE", "/topics/guarded/config").status()).isEqualTo(405);
        assertThat(api.send("DELETE", "/topics/guarded/messages").status()).isEqualTo(405);
        assertThat(api.put("/topics/guarded/messages", "{\"partitions\": 2}").status()).isEqualTo(405);
        assertThat(klite.file().partitionCount("guarded")).isEqualTo(2);
    }
}
