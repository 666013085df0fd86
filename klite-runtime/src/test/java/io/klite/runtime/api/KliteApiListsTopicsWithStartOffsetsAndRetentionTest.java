package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.runtime.FileSnapshot;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /topics} gives each topic its {@code retention} (as {@code GET /topics/{topic}/config}) and each partition
 * its {@code startOffset} (as {@code GET /topics/{topic}}: the oldest message still stored, the end + 1 where none is),
 * beside the partition and end offset it always gave, topics by name; it sees topics created and deleted by another
 * program at once, and writes nothing.
 */
class KliteApiListsTopicsWithStartOffsetsAndRetentionTest extends RunningApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachTopicHasItsRetentionAndEachPartitionItsStartOffset() throws Exception {
        klite.file().createTopic("orders", 3);
        klite.file().sendBatch("orders", 0, List.of("1", "2", "3", "4", "5"));
        klite.file().sendBatch("orders", 1, List.of("6", "7"));
        assertThat(api.put("/topics/orders/config", "{\"retention\": {\"age\": \"36h\", \"messages\": 2,"
                + " \"keepUnconsumed\": true}}").status()).isEqualTo(200);
        klite.file().applyRetention("orders");
        klite.file().send("audit", 0, "a");
        // every message of audit's partition gone, as another program may delete them
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
            file.createStatement().execute("DELETE FROM \"audit_0\"");
        }
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.get("/topics");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(JSON.readTree("""
                [{"topic":"audit","partitions":[{"partition":0,"startOffset":2,"endOffset":1}],
                  "retention":{"age":null,"messages":null,"keepUnconsumed":false}},
                 {"topic":"orders","partitions":[{"partition":0,"startOffset":4,"endOffset":5},
                                                {"partition":1,"startOffset":1,"endOffset":2},
                                                {"partition":2,"startOffset":1,"endOffset":0}],
                  "retention":{"age":"36h","messages":2,"keepUnconsumed":true}}]"""));
        for (JsonNode topic : answer.json()) {
            String name = topic.get("topic").asText();
            assertThat(topic.get("partitions")).as(name).isEqualTo(api.get("/topics/" + name).json().get("partitions"));
            assertThat(topic.get("retention")).as(name)
                    .isEqualTo(api.get("/topics/" + name + "/config").json().get("retention"));
        }
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void aHundredTopicsOfTenPartitionsAreListedInFullByName() throws Exception {
        List<String> names = new ArrayList<>();
        for (int t = 99; t >= 0; t--) {
            String topic = "topic-" + String.format("%02d", t);
            names.add(0, topic);
            klite.file().createTopic(topic, 10);
            klite.file().sendBatch(topic, t % 10, List.of("a", "b", "c"));
        }

        JsonNode topics = api.get("/topics").json();

        assertThat(topics).extracting(topic -> topic.get("topic").asText()).containsExactlyElementsOf(names);
        for (JsonNode topic : topics) {
            int full = Integer.parseInt(topic.get("topic").asText().substring("topic-".length())) % 10;
            assertThat(topic.get("partitions")).hasSize(10);
            for (JsonNode partition : topic.get("partitions")) {
                int p = partition.get("partition").asInt();
                assertThat(partition.get("startOffset").asLong()).isEqualTo(1);
                assertThat(partition.get("endOffset").asLong()).isEqualTo(p == full ? 3 : 0);
            }
        }
    }

    @Test
    void topicsCreatedAndDeletedMeanwhileShowAtOnce() throws Exception {
        klite.file().createTopic("orders", 1);
        assertThat(names()).containsExactly("orders");

        klite.file().createTopic("payments", 2);
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + klite.database())) {
            // a partition table as another program writes it: id and data
            file.createStatement().execute("CREATE TABLE \"seeded_0\" (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            file.createStatement().execute("INSERT INTO \"seeded_0\" (id, data) VALUES (7, 'x')");
        }
        assertThat(names()).containsExactly("orders", "payments", "seeded");
        assertThat(api.get("/topics").json().get(2).get("partitions")).hasToString(
                "[{\"partition\":0,\"startOffset\":7,\"endOffset\":7}]");

        klite.file().deleteTopic("orders");
        klite.file().createTopic("payments", 3);
        assertThat(names()).containsExactly("payments", "seeded");
        assertThat(api.get("/topics").json().get(0).get("partitions")).hasSize(3);
    }

    private List<String> names() throws Exception {
        List<String> names = new ArrayList<>();
        api.get("/topics").json().forEach(topic -> names.add(topic.get("topic").asText()));
        return names;
    }
}
