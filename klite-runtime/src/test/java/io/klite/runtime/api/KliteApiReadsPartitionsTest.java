package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.camel.KliteBatch;
import io.klite.camel.KliteBatchConverter;
import io.klite.log.Message;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
 * {@code GET /topics/{topic}/partitions/{partition}/messages} reads a partition from an offset ({@code from}), from a
 * time ({@code fromTime}: the first message written at or after it) or from its oldest stored message, at most
 * {@code limit} messages and a bounded payload per answer, with the offset the next page starts at; each message with
 * its key, headers, time and data as the HTTP worker posts it. A read belongs to no group and writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiReadsPartitionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] NOT_UTF8 = {(byte) 0xff, 0, 'a'};

    RunningKlite klite;
    ApiClient api;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
        klite.file().createTopic("orders", 2);
        klite.file().send("orders", 0, "customer-1", Map.of("source", "web", "trace", "t-1"), "{\"orderId\": 1}");
        klite.file().send("orders", 0, "plain text");
        klite.file().send("orders", 0, null, Map.of(), NOT_UTF8);
        klite.file().send("orders", 0, "k", null, " [1, 2] ");
        klite.file().send("orders", 0, "\"a JSON string\"");
        klite.file().send("orders", 0, "42");
        // times set by hand, as another program writes them: 10:00:00, 10:00:05 twice, 10:01:00
        klite.file().createTopic("timed", 1);
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
            PreparedStatement insert = file.prepareStatement(
                    "INSERT INTO \"timed_0\" (data, created) VALUES ('{}', ?)");
            for (String created : List.of("2026-12-01 10:00:00", "2026-12-01 10:00:05", "2026-12-01 10:00:05",
                    "2026-12-01 10:01:00")) {
                insert.setString(1, created);
                insert.executeUpdate();
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @Test
    void readsEachMessageWithItsOffsetKeyHeadersTimeAndData() throws Exception {
        ApiClient.Answer answer = api.get("/topics/orders/partitions/0/messages");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json");
        List<Message> stored = klite.file().read("orders", 0, 0, 10);
        String created = stored.get(0).created();
        assertThat(stored).extracting(Message::created).containsOnly(created);
        assertThat(answer.json()).isEqualTo(JSON.readTree(("""
                {"topic":"orders","partition":0,"messages":[
                  {"offset":1,"key":"customer-1","headers":{"source":"web","trace":"t-1"},"created":"%s",
                   "data":{"orderId":1}},
                  {"offset":2,"key":null,"headers":{},"created":"%s","data":"plain text"},
                  {"offset":3,"key":null,"headers":{},"created":"%s","data":"/wBh","encoding":"base64"},
                  {"offset":4,"key":"k","headers":{},"created":"%s","data":[1,2]},
                  {"offset":5,"key":null,"headers":{},"created":"%s","data":"a JSON string"},
                  {"offset":6,"key":null,"headers":{},"created":"%s","data":42}],
                 "nextOffset":7}""").formatted(created, created, created, created, created, created)));
        // the data of each message exactly as the HTTP worker posts it
        JsonNode worker = JSON.readTree(KliteBatchConverter.toJson(new KliteBatch("orders", 0, stored)));
        for (int i = 0; i < stored.size(); i++) {
            JsonNode read = answer.json().get("messages").get(i);
            JsonNode posted = worker.get("messages").get(i);
            assertThat(read.get("data")).isEqualTo(posted.get("data"));
            assertThat(read.get("encoding")).isEqualTo(posted.get("encoding"));
        }
    }

    @Test
    void readsFromAnOffsetAtMostTheLimitAndSaysWhereTheNextPageStarts() throws Exception {
        JsonNode page = api.get("/topics/orders/partitions/0/messages?from=3&limit=2").json();

        assertThat(offsets(page)).containsExactly(3L, 4L);
        assertThat(page.get("nextOffset").asLong()).isEqualTo(5);
        assertThat(offsets(api.get("/topics/orders/partitions/0/messages?limit=1").json())).containsExactly(1L);
        assertThat(offsets(api.get("/topics/orders/partitions/0/messages?from=0&limit=1").json())).containsExactly(1L);

        JsonNode end = api.get("/topics/orders/partitions/0/messages?from=7").json();
        assertThat(end.get("messages")).isEmpty();
        assertThat(end.get("nextOffset").asLong()).as("the from offset, where there is nothing").isEqualTo(7);
        JsonNode empty = api.get("/topics/orders/partitions/1/messages").json();
        assertThat(empty).hasToString("{\"topic\":\"orders\",\"partition\":1,\"messages\":[],\"nextOffset\":1}");
    }

    @Test
    void pagingWithNextOffsetReadsEveryMessageOnceToTheEnd() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            payloads.add("{\"n\": " + i + "}");
        }
        klite.file().sendBatch("paged", 0, payloads);

        List<Long> read = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        long next = 0;
        while (true) {
            JsonNode page = api.get("/topics/paged/partitions/0/messages?limit=10&from=" + next).json();
            if (page.get("messages").isEmpty()) {
                assertThat(page.get("nextOffset").asLong()).isEqualTo(next);
                break;
            }
            pages.add(page.get("messages").size());
            read.addAll(offsets(page));
            next = page.get("nextOffset").asLong();
        }

        assertThat(pages).containsExactly(10, 10, 5);
        assertThat(read).hasSize(25).doesNotHaveDuplicates().isSorted().startsWith(1L).endsWith(25L);
        assertThat(next).isEqualTo(26);
    }

    @Test
    void anOffsetBelowTheOldestStoredMessageReadsFromTheOldest() throws Exception {
        klite.file().sendBatch("trimmed", 0, List.of("1", "2", "3", "4"));
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
            file.createStatement().execute("DELETE FROM \"trimmed_0\" WHERE id <= 2");
        }

        assertThat(offsets(api.get("/topics/trimmed/partitions/0/messages?from=1").json())).containsExactly(3L, 4L);
        assertThat(offsets(api.get("/topics/trimmed/partitions/0/messages").json())).containsExactly(3L, 4L);
        JsonNode none = api.get("/topics/trimmed/partitions/0/messages?from=2&limit=1").json();
        assertThat(none.get("nextOffset").asLong()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-12-01T09:59:59Z         | 1, 2, 3, 4
            2026-12-01T10:00:00Z         | 1, 2, 3, 4
            2026-12-01T10:00:00.001Z     | 2, 3, 4
            2026-12-01T10:00:05Z         | 2, 3, 4
            2026-12-01T10:00:05.5Z       | 4
            2026-12-01T11:00:01%2B01:00  | 2, 3, 4
            2026-12-01T11:00:01+01:00    | 2, 3, 4
            2026-12-01T05:00:01-05:00    | 2, 3, 4
            2026-12-01T10:01:00Z         | 4
            """)
    void readsFromTheFirstMessageWrittenAtOrAfterATime(String time, String offsets) throws Exception {
        JsonNode page = api.get("/topics/timed/partitions/0/messages?fromTime=" + time).json();

        assertThat(offsets(page)).map(String::valueOf).containsExactly(offsets.split(", "));
        assertThat(page.get("messages").get(0).get("created").asText()).startsWith("2026-12-01 10:0");
        assertThat(page.get("nextOffset").asLong()).isEqualTo(5);
    }

    @Test
    void aTimeAfterEveryMessageReadsNothingAndStartsTheNextPageAtTheEnd() throws Exception {
        JsonNode page = api.get("/topics/timed/partitions/0/messages?fromTime=2026-12-01T10:01:01Z").json();

        assertThat(page.get("messages")).isEmpty();
        assertThat(page.get("nextOffset").asLong()).isEqualTo(5);
    }

    @Test
    void anAnswerHoldsAtMostAboutFourMibOfPayloadButAlwaysOneMessage() throws Exception {
        String mib = "a".repeat(1024 * 1024);
        klite.file().sendBatch("large", 0, List.of(mib + mib, mib + mib, mib + mib, mib.repeat(5)));

        List<Integer> pages = new ArrayList<>();
        long next = 1;
        JsonNode page = api.get("/topics/large/partitions/0/messages?from=" + next).json();
        while (!page.get("messages").isEmpty()) {
            pages.add(page.get("messages").size());
            next = page.get("nextOffset").asLong();
            page = api.get("/topics/large/partitions/0/messages?from=" + next).json();
        }

        assertThat(pages).as("2 + 2 MiB; 2 MiB; 5 MiB alone").containsExactly(2, 1, 1);
        assertThat(next).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /topics/orders/partitions/0/messages?from=1&fromTime=2026-12-01T10:00:00Z | 400 | Give either from or fromTime, not both (from 1, fromTime 2026-12-01T10:00:00Z)
            /topics/orders/partitions/0/messages?from=-1     | 400 | Invalid from '-1': an offset, a whole number from 0, is expected
            /topics/orders/partitions/0/messages?from=x      | 400 | Invalid from 'x': an offset, a whole number from 0, is expected
            /topics/orders/partitions/0/messages?from=1.5    | 400 | Invalid from '1.5'
            /topics/orders/partitions/0/messages?from=       | 400 | Invalid from ''
            /topics/orders/partitions/0/messages?limit=0     | 400 | Invalid limit '0': a whole number from 1 to 1000 is expected (100 where not given)
            /topics/orders/partitions/0/messages?limit=1001  | 400 | Invalid limit '1001': a whole number from 1 to 1000 is expected
            /topics/orders/partitions/0/messages?limit=-5    | 400 | Invalid limit '-5'
            /topics/orders/partitions/0/messages?limit=ten   | 400 | Invalid limit 'ten'
            /topics/orders/partitions/0/messages?fromTime=2026-12-01T10:00:00 | 400 | Invalid fromTime '2026-12-01T10:00:00': it has no time zone; give Z (UTC) or an offset, such as 2026-12-01T10:00:00Z or 2026-12-01T10:00:00+01:00 (write the + of an offset as %2B in a URL)
            /topics/orders/partitions/0/messages?fromTime=2026-12-01 | 400 | Invalid fromTime '2026-12-01': not an ISO-8601 time; give one with Z or an offset, such as 2026-12-01T10:00:00Z or 2026-12-01T10:00:00+01:00
            /topics/orders/partitions/0/messages?fromTime=yesterday  | 400 | Invalid fromTime 'yesterday': not an ISO-8601 time
            /topics/orders/partitions/0/messages?offset=3    | 400 | Unknown query parameter 'offset'; a read takes from or fromTime, and limit
            /topics/orders/partitions/0/messages?limit=1&limit=2 | 400 | The query parameter limit is given twice; give it once
            /topics/orders/partitions/x/messages             | 400 | Invalid partition 'x' in the path: a whole number from 0 is expected
            /topics/orders/partitions/-1/messages            | 400 | Invalid partition '-1' in the path
            /topics/bad%20name/partitions/0/messages         | 400 | Invalid topic name 'bad name'
            /topics/ORDERS/partitions/0/messages             | 400 | Topic 'ORDERS' clashes with existing topic 'orders'
            /topics/orders/partitions/2/messages             | 404 | Partition 2 is out of range for topic 'orders': it has 2 partitions (valid: 0..1)
            /topics/orders/partitions/5000/messages          | 404 | Partition 5000 is out of range for topic 'orders': it has 2 partitions (valid: 0..1)
            /topics/nothing/partitions/0/messages            | 404 | Topic 'nothing' does not exist
            """)
    void aBadReadIsRefusedNamingTheProblemAndWritesNothing(String path, int status, String error) throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.get(path);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
        assertThat(klite.file().partitionCount("nothing")).isZero();
    }

    @Test
    void aReadTouchesNoGroup() throws Exception {
        klite.file().commit("billing", "orders", 0, 2);
        String groups = api.get("/groups").json().toString();
        var before = FileSnapshot.of(klite.database());

        for (String query : List.of("", "?from=1", "?from=4&limit=1", "?fromTime=2026-01-01T00:00:00Z")) {
            assertThat(api.get("/topics/orders/partitions/0/messages" + query).status()).isEqualTo(200);
        }

        assertThat(api.get("/groups").json()).hasToString(groups);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
        assertThat(klite.file().committed("billing", "orders", 0)).hasValue(2);
    }

    @Test
    void theReadPathLivesBesideTheTopicsOtherPaths() throws Exception {
        // a topic named like a path segment
        klite.file().send("partitions", 0, "p");
        klite.file().send("messages", 0, "m");

        assertThat(api.get("/topics/partitions").json().get("topic").asText()).isEqualTo("partitions");
        assertThat(api.get("/topics/partitions/partitions/0/messages").json().get("messages").get(0).get("data")
                .asText()).isEqualTo("p");
        assertThat(api.get("/topics/messages/partitions/0/messages").json().get("topic").asText())
                .isEqualTo("messages");
        assertThat(api.post("/topics/messages/messages", "\"posted\"").status()).isEqualTo(201);

        for (String method : List.of("POST", "PUT", "DELETE")) {
            ApiClient.Answer answer = api.send(method, "/topics/orders/partitions/0/messages");
            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).as(method)
                    .contains("GET /topics/{topic}/partitions/{partition}/messages");
        }
        assertThat(api.get("/topics/orders/messages").status()).as("posting only").isEqualTo(405);
        for (String path : List.of("/topics/orders/partitions", "/topics/orders/partitions/0",
                "/topics/orders/partitions/0/messages/1")) {
            ApiClient.Answer answer = api.get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.json().get("error").asText()).as(path).startsWith("No such path: " + path);
        }
        assertThat(klite.file().read("orders", 0, 0, 100)).hasSize(6);
    }

    private static List<Long> offsets(JsonNode page) {
        List<Long> offsets = new ArrayList<>();
        page.get("messages").forEach(message -> offsets.add(message.get("offset").asLong()));
        return offsets;
    }
}
