package io.klite.runtime.api;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.HttpSink;
import io.klite.runtime.OffsetRows;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /groups/{group}/reset: a dry run (the default) answers where each partition would go and writes nothing; with
 * "execute": true the group moves exactly there ("earliest", "latest", the next offset, a time), in one transaction;
 * refused with 409 while a live member of the group consumes the topic, and forced, the member (a worker of the
 * service) delivers again from the reset; a bad request is refused naming the problem and writes nothing.
 */
class KliteApiResetsAGroupsOffsetsTest {

    private static final String PATH = "/groups/billing/reset";

    @TempDir
    Path dir;

    /** orders: partition 0 holds offsets 1..6, partition 1 holds 1..3; billing committed 5 on 0, audit 2 on 1. */
    private static void ordersWithGroups(KliteLog file) {
        file.createTopic("orders", 2);
        file.sendBatch("orders", 0, List.of("a", "b", "c", "d", "e", "f"));
        file.sendBatch("orders", 1, List.of("a", "b", "c"));
        file.commit("billing", "orders", 0, 5);
        file.commit("audit", "orders", 1, 2);
    }

    @Test
    void aDryRunAnswersTheNewOffsetsAndWritesNothing() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            ordersWithGroups(klite.file());
            List<String> rows = OffsetRows.of(klite.database());

            ApiClient.Answer answer = api.post(PATH, "{\"topic\": \"orders\", \"to\": \"earliest\"}");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().toString()).isEqualTo("{\"group\":\"billing\",\"topic\":\"orders\","
                    + "\"executed\":false,\"partitions\":["
                    + "{\"partition\":0,\"committedOffset\":5,\"newCommittedOffset\":0,\"nextOffset\":1},"
                    + "{\"partition\":1,\"committedOffset\":0,\"newCommittedOffset\":0,\"nextOffset\":1}]}");
            // one partition, to its end, of a group that never committed, forced, and explicitly not executed
            assertThat(api.post("/groups/shipping/reset", "{\"topic\": \"orders\", \"partition\": 1, \"to\":"
                    + " \"latest\", \"execute\": false, \"force\": true}").json().toString()).isEqualTo(
                    "{\"group\":\"shipping\",\"topic\":\"orders\",\"executed\":false,\"partitions\":["
                    + "{\"partition\":1,\"committedOffset\":0,\"newCommittedOffset\":3,\"nextOffset\":4}]}");
            assertThat(OffsetRows.of(klite.database())).as("the file's consumer_offsets rows").isEqualTo(rows);
            assertThat(api.get("/groups/shipping").status()).isEqualTo(404);
        }
    }

    @Test
    void anExecutedResetMovesTheGroupExactlyToEarliestLatestOrAnOffset() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            ordersWithGroups(klite.file());
            // retention took offsets 1 and 2 of partition 0: its start offset is 3
            try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
                file.createStatement().executeUpdate("DELETE FROM orders_0 WHERE id <= 2");
            }

            assertThat(execute(api, "{\"topic\": \"orders\", \"to\": \"earliest\", \"execute\": true}")).isEqualTo(
                    "{\"group\":\"billing\",\"topic\":\"orders\",\"executed\":true,\"partitions\":["
                    + "{\"partition\":0,\"committedOffset\":5,\"newCommittedOffset\":2,\"nextOffset\":3},"
                    + "{\"partition\":1,\"committedOffset\":0,\"newCommittedOffset\":0,\"nextOffset\":1}]}");
            assertThat(OffsetRows.ofGroup(klite.database(), "billing")).containsExactly("orders|0|2", "orders|1|0");
            assertThat(klite.file().fetch("billing", "orders", 0, 10)).extracting(Message::offset)
                    .containsExactly(3L, 4L, 5L, 6L);

            assertThat(execute(api, "{\"topic\": \"orders\", \"partition\": 0, \"to\": \"latest\", \"execute\": true}"))
                    .endsWith("\"partitions\":[{\"partition\":0,\"committedOffset\":2,\"newCommittedOffset\":6,"
                              + "\"nextOffset\":7}]}");
            assertThat(OffsetRows.ofGroup(klite.database(), "billing")).containsExactly("orders|0|6", "orders|1|0");

            assertThat(execute(api, "{\"topic\": \"orders\", \"partition\": 0, \"to\": 4, \"execute\": true}"))
                    .endsWith("\"partitions\":[{\"partition\":0,\"committedOffset\":6,\"newCommittedOffset\":3,"
                              + "\"nextOffset\":4}]}");
            assertThat(OffsetRows.ofGroup(klite.database(), "billing")).containsExactly("orders|0|3", "orders|1|0");
            assertThat(klite.file().fetch("billing", "orders", 0, 10)).extracting(Message::offset)
                    .containsExactly(4L, 5L, 6L);
            assertThat(OffsetRows.ofGroup(klite.database(), "audit")).as("another group").containsExactly("orders|1|2");
        }
    }

    @Test
    void aResetToATimeStartsAtTheFirstMessageWrittenAtOrAfterIt() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            klite.file().createTopic("events", 1);
            // offsets 1..4 written at known times, as another program may write them
            try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database());
                    PreparedStatement insert = file.prepareStatement(
                            "INSERT INTO events_0 (data, created) VALUES (?, ?)")) {
                for (String created : List.of("2026-12-01 10:00:00", "2026-12-01 10:00:01", "2026-12-01 10:00:01",
                        "2026-12-01 10:00:03")) {
                    insert.setBytes(1, created.getBytes(StandardCharsets.UTF_8));
                    insert.setString(2, created);
                    insert.executeUpdate();
                }
            }

            Map<String, Long> nextOffsets = Map.of(
                    "2026-12-01T09:00:00Z", 1L,
                    "2026-12-01T10:00:00.500Z", 2L,
                    "2026-12-01T10:00:01Z", 2L,
                    "2026-12-01T11:00:02+01:00", 4L,
                    "2026-12-01T10:00:04Z", 5L);
            for (Map.Entry<String, Long> time : nextOffsets.entrySet()) {
                String answer = execute(api, "{\"topic\": \"events\", \"to\": \"" + time.getKey() + "\","
                        + " \"execute\": true}");
                assertThat(answer).as(time.getKey()).contains("\"newCommittedOffset\":" + (time.getValue() - 1)
                        + ",\"nextOffset\":" + time.getValue() + "}");
                assertThat(klite.file().committed("billing", "events", 0)).as(time.getKey())
                        .hasValue(time.getValue() - 1);
            }
        }
    }

    @Test
    void aGroupThatNeverCommittedIsCreatedByAnExecutedReset() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            ordersWithGroups(klite.file());

            assertThat(execute(api, "{\"topic\": \"orders\", \"to\": 2, \"execute\": true}"))
                    .isEqualTo("{\"group\":\"billing\",\"topic\":\"orders\",\"executed\":true,\"partitions\":["
                               + "{\"partition\":0,\"committedOffset\":5,\"newCommittedOffset\":1,\"nextOffset\":2},"
                               + "{\"partition\":1,\"committedOffset\":0,\"newCommittedOffset\":1,\"nextOffset\":2}]}");
            ApiClient.Answer created = api.post("/groups/shipping/reset", "{\"topic\": \"orders\", \"to\": 2,"
                    + " \"execute\": true}");

            assertThat(created.status()).isEqualTo(200);
            assertThat(OffsetRows.ofGroup(klite.database(), "shipping")).containsExactly("orders|0|1", "orders|1|1");
            assertThat(api.get("/groups/shipping").status()).isEqualTo(200);
        }
    }

    @Test
    void aBadResetIsRefusedNamingTheProblemAndWritesNothing() throws Exception {
        try (RunningKlite klite = RunningKlite.start(dir, Map.of())) {
            ApiClient api = new ApiClient(klite.api());
            ordersWithGroups(klite.file());
            List<String> rows = OffsetRows.of(klite.database());
            String forms = "allowed are \"earliest\", \"latest\", a whole number (the next offset to deliver, such as"
                           + " 42) or an ISO-8601 instant with Z or an offset (such as \"2026-12-01T10:00:00Z\" or"
                           + " \"2026-12-01T11:00:00+01:00\")";
            String example = "{\"topic\": \"orders\", \"to\": \"earliest\", \"execute\": true}";

            refused(api, "{\"topic\": \"orders\", \"to\": \"sometime\", \"execute\": true}", 400,
                    "Invalid to \"sometime\": " + forms);
            refused(api, "{\"topic\": \"orders\", \"to\": \"2026-12-01T10:00:00\", \"execute\": true}", 400,
                    "Invalid to \"2026-12-01T10:00:00\": " + forms);
            refused(api, "{\"topic\": \"orders\", \"to\": 1.5, \"execute\": true}", 400, "Invalid to 1.5: " + forms);
            refused(api, "{\"topic\": \"orders\", \"to\": \"7\", \"execute\": true}", 400, "Invalid to \"7\": " + forms
                    + "; an offset goes without quotes");
            refused(api, "{\"topic\": \"orders\", \"partition\": 0, \"to\": 8, \"execute\": true}", 400,
                    "Cannot reset group 'billing' on topic 'orders' partition 0 to offset 8: the next offset to deliver"
                    + " must be within 1..7 (startOffset 1 to endOffset 6 + 1)");
            refused(api, "{\"topic\": \"orders\", \"to\": 0, \"execute\": true}", 400,
                    "Cannot reset group 'billing' on topic 'orders' partition 0 to offset 0: the next offset to deliver"
                    + " must be within 1..7 (startOffset 1 to endOffset 6 + 1)");
            refused(api, "{\"topic\": \"orders\", \"to\": 5, \"execute\": true}", 400,
                    "Cannot reset group 'billing' on topic 'orders' partition 1 to offset 5: the next offset to deliver"
                    + " must be within 1..4 (startOffset 1 to endOffset 3 + 1)");
            refused(api, "{\"topic\": \"orders\", \"to\": \"earliest\", \"dryRun\": false}", 400,
                    "Unknown field dryRun (value false); allowed: topic, partition, to, execute, force, such as "
                    + example);
            refused(api, "[{\"topic\": \"orders\", \"to\": \"earliest\"}]", 400,
                    "The body must be a JSON object such as " + example + ", not [{\"topic\":\"orders\",\"to\":"
                    + "\"earliest\"}]");
            refused(api, "to=earliest", 400, "The body is not valid JSON: Unrecognized token 'to': was expecting"
                    + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') (at byte 3); send the"
                    + " reset, such as " + example);
            refused(api, "{\"to\": \"earliest\", \"execute\": true}", 400, "The field topic is missing; give the topic"
                    + " whose offsets to reset, such as " + example);
            refused(api, "{\"topic\": \"orders\", \"execute\": true}", 400, "The field to is missing; give "
                    + forms.substring("allowed are ".length()));
            refused(api, "{\"topic\": \"orders\", \"partition\": 2, \"to\": \"earliest\", \"execute\": true}", 400,
                    "Partition 2 is out of range for topic 'orders': it has 2 partitions (valid: 0..1)");
            refused(api, "{\"topic\": \"orders\", \"partition\": -1, \"to\": \"earliest\", \"execute\": true}", 400,
                    "Invalid partition -1: a whole number from 0 is expected, or leave it out to reset every partition"
                    + " of the topic");
            refused(api, "{\"topic\": \"orders\", \"to\": \"earliest\", \"execute\": \"yes\"}", 400,
                    "Invalid execute \"yes\": allowed are true or false");
            refused(api, "{\"topic\": \"nothing\", \"to\": \"earliest\", \"execute\": true}", 404,
                    "Topic 'nothing' does not exist");
            assertThat(api.post(PATH, "{\"topic\": \"no/slash\", \"to\": \"earliest\", \"execute\": true}").status())
                    .isEqualTo(400);
            ApiClient.Answer notJson = api.post(PATH, "text/plain",
                    "{\"topic\": \"orders\", \"to\": 1, \"execute\": true}".getBytes(StandardCharsets.UTF_8));
            assertThat(notJson.status()).isEqualTo(415);
            assertThat(notJson.json().get("error").asText()).isEqualTo("Content-Type text/plain is not JSON, and this"
                    + " request takes a JSON body; send it with Content-Type: application/json");
            assertThat(api.post(PATH, "application/x-www-form-urlencoded", "to=1".getBytes(StandardCharsets.UTF_8))
                    .status()).isEqualTo(415);
            assertThat(api.post(PATH, "application/json; charset=utf-8",
                    "{\"topic\": \"orders\", \"to\": 1}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
            refused(api, "", 400, "The request body is empty; send the reset, such as " + example);
            refused(api, "/groups/%20/reset", "{\"topic\": \"orders\", \"to\": 1, \"execute\": true}", 400,
                    "Invalid consumer group ' ': a group name must not be empty or blank");

            assertThat(OffsetRows.of(klite.database())).as("the file's consumer_offsets rows").isEqualTo(rows);
            assertThat(klite.file().partitionCount("nothing")).isZero();
        }
    }

    @Test
    void aResetWhileAWorkerConsumesTheTopicIsRefusedAndForcedTheWorkerDeliversAgainFromIt() throws Exception {
        try (HttpSink sink = HttpSink.start()) {
            Path workers = Files.writeString(dir.resolve("workers.yaml"), """
                    topics:
                      orders:
                        consumerGroups:
                          billing: { partitions: [0], endpoint: "%s", interval: 100ms }
                    """.formatted(sink.url("/hook")));
            try (RunningKlite klite = RunningKlite.start(dir, Map.of("klite.workers", workers.toString(),
                    "camel.component.klite.heartbeatInterval", "250ms",
                    "camel.component.klite.sessionTimeout", "2s"))) {
                ApiClient api = new ApiClient(klite.api());
                klite.file().sendBatch("orders", 0, List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}",
                        "{\"n\":5}"));
                await().atMost(10, SECONDS).until(() -> klite.file().committed("billing", "orders", 0).orElse(0) == 5);
                assertThat(delivered(sink, 0)).containsExactly(1L, 2L, 3L, 4L, 5L);
                String worker = api.get("/groups/billing").json().get("topics").get(0).get("members").get(0)
                        .get("memberId").asText();
                List<String> rows = OffsetRows.of(klite.database());

                ApiClient.Answer refused = api.post(PATH, "{\"topic\": \"orders\", \"to\": 2, \"execute\": true}");

                assertThat(refused.status()).isEqualTo(409);
                assertThat(refused.json().get("error").asText())
                        .startsWith("Cannot reset the offsets of group 'billing' on topic 'orders': 1 live member(s)"
                                    + " consume it with the group: " + worker + " (")
                        .contains("or force the reset");
                assertThat(OffsetRows.of(klite.database())).isEqualTo(rows);
                assertThat(api.post(PATH, "{\"topic\": \"orders\", \"to\": 2}").status()).as("a dry run shows it")
                        .isEqualTo(200);
                int before = sink.received().size();

                ApiClient.Answer forced = api.post(PATH, "{\"topic\": \"orders\", \"to\": 2, \"execute\": true,"
                        + " \"force\": true}");

                assertThat(forced.status()).isEqualTo(200);
                assertThat(forced.json().toString()).isEqualTo("{\"group\":\"billing\",\"topic\":\"orders\","
                        + "\"executed\":true,\"partitions\":[{\"partition\":0,\"committedOffset\":5,"
                        + "\"newCommittedOffset\":1,\"nextOffset\":2}]}");
                await().atMost(10, SECONDS).until(() -> delivered(sink, before).size() >= 4
                        && klite.file().committed("billing", "orders", 0).orElse(0) == 5);
                assertThat(delivered(sink, before)).as("from the reset on, each offset once more, in order")
                        .containsExactly(2L, 3L, 4L, 5L);
                assertThat(api.get("/groups/billing").json().get("topics").get(0).get("partitions").get(0)
                        .get("memberId").asText()).as("the worker holds the partition again").isEqualTo(worker);
            }
        }
    }

    /** The offsets the sink received (it accepts every request), in order, from its {@code from}-th request on. */
    private static List<Long> delivered(HttpSink sink, int from) {
        List<Long> offsets = new ArrayList<>();
        List<HttpSink.Request> received = sink.received();
        for (HttpSink.Request request : received.subList(from, received.size())) {
            offsets.addAll(request.offsets());
        }
        return offsets;
    }

    private static String execute(ApiClient api, String body) throws Exception {
        ApiClient.Answer answer = api.post(PATH, body);
        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
        return answer.json().toString();
    }

    private static void refused(ApiClient api, String body, int status, String error) throws Exception {
        refused(api, PATH, body, status, error);
    }

    private static void refused(ApiClient api, String path, String body, int status, String error) throws Exception {
        ApiClient.Answer answer = api.post(path, body);
        assertThat(answer.status()).as(body).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).as(body).isEqualTo(error);
    }
}
