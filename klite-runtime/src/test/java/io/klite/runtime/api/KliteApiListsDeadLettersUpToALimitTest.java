package io.klite.runtime.api;

import static io.klite.runtime.api.KliteApiListsAndRedrivesDeadLettersTest.cliJson;
import static io.klite.runtime.api.KliteApiListsAndRedrivesDeadLettersTest.summary;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.TopicConfig;
import io.klite.runtime.FileSnapshot;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /topics/{topic}/dead-letters} lists partition by partition, oldest first, the dead letters not redriven
 * yet ({@code all=true}: every one still stored), at most {@code limit} and about 4 MiB of payload in all (at least one
 * dead letter), with each partition's redriven offset and {@code nextOffset}; {@code more} says exactly whether any is
 * left out; {@code partition} and {@code from} page through one partition, each page starting at the last one's
 * {@code nextOffset}, so that every dead letter is reached. The same listing as {@code dlq list --output json}; it
 * writes nothing.
 */
class KliteApiListsDeadLettersUpToALimitTest extends RunningApiTest {

    /** orders.dlq: partition 0 the dead letters of orders 0 offsets 1..3, partition 1 of orders 1 offsets 1..2. */
    private void deadLetters() {
        KliteLog file = klite.file();
        file.createTopic("orders", 2);
        file.createTopic("orders.dlq", 2);
        file.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}", "{\"order\":3}"));
        file.sendBatch("orders", 1, List.of("{\"order\":4}", "{\"order\":5}"));
        for (int partition = 0; partition < 2; partition++) {
            for (Message message : file.read("orders", partition, 0, 10)) {
                deadLetter(partition, message);
            }
        }
    }

    private void deadLetter(int partition, Message message) {
        klite.file().deadLetter(new DeadLetter("billing", "orders", partition, List.of(message), "orders.dlq", 3,
                "java.io.IOException", "down", Instant.parse("2026-12-01T10:00:00Z")));
    }

    @Test
    void listsAtMostLimitDeadLettersPartitionByPartitionAndSaysWhetherMoreFollow() throws Exception {
        deadLetters();
        var before = FileSnapshot.of(klite.database());

        assertThat(summary(list(""))).isEqualTo("0 redriven 0: 1 2 3 | 1 redriven 0: 1 2 | more false");
        assertThat(summary(list("?limit=5"))).isEqualTo("0 redriven 0: 1 2 3 | 1 redriven 0: 1 2 | more false");
        assertThat(summary(list("?limit=4"))).isEqualTo("0 redriven 0: 1 2 3 | 1 redriven 0: 1 | more true");
        assertThat(summary(list("?limit=3"))).isEqualTo("0 redriven 0: 1 2 3 | 1 redriven 0: | more true");
        assertThat(summary(list("?limit=1"))).isEqualTo("0 redriven 0: 1 | 1 redriven 0: | more true");
        assertThat(list("?limit=4")).isEqualTo(cliJson(klite, "dlq", "list", "--topic", "orders.dlq",
                "--max-messages", "4"));
        JsonNode letter = list("?limit=1").at("/partitions/0/messages/0");
        assertThat(letter.get("data").toString()).isEqualTo("{\"order\":1}");
        assertThat(letter.get("headers").get(DeadLetter.ORIGINAL_OFFSET).asText()).isEqualTo("1");
        assertThat(letter.get("headers").get(DeadLetter.FAILED_AT).asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void redrivenDeadLettersAreListedOnlyWithAll() throws Exception {
        deadLetters();
        klite.file().redrive("orders.dlq", 0, 1, 2);
        klite.file().redriveAll("orders.dlq");
        // orders' partition 1 offset 3 (order 4 redriven) fails again: offset 3 of orders.dlq partition 1
        deadLetter(1, klite.file().read("orders", 1, 2, 1).get(0));

        assertThat(summary(list(""))).isEqualTo("0 redriven 3: | 1 redriven 2: 3 | more false");
        assertThat(summary(list("?all=false"))).isEqualTo("0 redriven 3: | 1 redriven 2: 3 | more false");
        assertThat(summary(list("?all=true"))).isEqualTo("0 redriven 3: 1 2 3 | 1 redriven 2: 1 2 3 | more false");
        assertThat(summary(list("?all=true&limit=4"))).isEqualTo("0 redriven 3: 1 2 3 | 1 redriven 2: 1 | more true");
        assertThat(list("?all=true")).isEqualTo(cliJson(klite, "dlq", "list", "--topic", "orders.dlq", "--all"));
    }

    @Test
    void aTopicWithoutDeadLettersListsItsPartitionsEmpty() throws Exception {
        klite.file().createTopic("empty.dlq", 2);

        assertThat(list("empty.dlq", "?all=true")).hasToString("{\"topic\":\"empty.dlq\",\"partitions\":["
                + "{\"partition\":0,\"redrivenOffset\":0,\"messages\":[],\"nextOffset\":1},"
                + "{\"partition\":1,\"redrivenOffset\":0,\"messages\":[],\"nextOffset\":1}],\"more\":false}");
    }

    @Test
    void retentionLeavesOnlyTheDeadLettersStillStored() throws Exception {
        deadLetters();
        klite.file().configureTopic("orders.dlq", new TopicConfig(null, 1L, false));
        klite.file().applyRetention("orders.dlq");

        assertThat(summary(list("?all=true"))).isEqualTo("0 redriven 0: 3 | 1 redriven 0: 2 | more false");
        assertThat(summary(list("?limit=1"))).isEqualTo("0 redriven 0: 3 | 1 redriven 0: | more true");
    }

    @Test
    void aListingHoldsAboutFourMibOfPayloadInAllAndSaysMoreFollow() throws Exception {
        String threeMib = "\"" + "a".repeat(3 * 1024 * 1024) + "\"";
        klite.file().createTopic("orders", 2);
        klite.file().createTopic("orders.dlq", 2);
        klite.file().sendBatch("orders", 0, List.of(threeMib, threeMib, threeMib));
        klite.file().sendBatch("orders", 1, List.of(threeMib, "{\"order\":5}"));
        for (int partition = 0; partition < 2; partition++) {
            for (Message message : klite.file().read("orders", partition, 0, 10)) {
                deadLetter(partition, message);
            }
        }

        // 3 MiB of partition 0 leave no room for partition 1's first 3 MiB: it is the next page's
        JsonNode first = list("");
        assertThat(summary(first)).isEqualTo("0 redriven 0: 1 | 1 redriven 0: | more true");
        assertThat(nextOffsets(first)).isEqualTo("2 1");
        assertThat(summary(list("?limit=1"))).isEqualTo("0 redriven 0: 1 | 1 redriven 0: | more true");
        // one partition: its first 3 MiB, then what fits beside it
        JsonNode partition1 = list("?partition=1");
        assertThat(summary(partition1)).isEqualTo("1 redriven 0: 1 2 | more false");
        assertThat(nextOffsets(partition1)).isEqualTo("3");
        assertThat(summary(list("?partition=0&from=2"))).isEqualTo("0 redriven 0: 2 | more true");
        klite.file().redrive("orders.dlq", 0, 1, 2);
        assertThat(summary(list(""))).isEqualTo("0 redriven 2: 3 | 1 redriven 0: | more true");
        klite.file().redriveAll("orders.dlq");
        assertThat(summary(list("?all=true&partition=1"))).isEqualTo("1 redriven 2: 1 2 | more false");
        assertThat(summary(list(""))).isEqualTo("0 redriven 3: | 1 redriven 2: | more false");
    }

    @Test
    void partitionAndFromPageThroughAPartitionThatALimitedListingNeverReaches() throws Exception {
        deadLetters();
        var before = FileSnapshot.of(klite.database());

        // partition 0's three fill a limit of 3: partition 1's two are never listed without partition
        JsonNode whole = list("?limit=3");
        assertThat(summary(whole)).isEqualTo("0 redriven 0: 1 2 3 | 1 redriven 0: | more true");
        assertThat(nextOffsets(whole)).isEqualTo("4 1");

        JsonNode page1 = list("?partition=1&limit=1");
        assertThat(summary(page1)).isEqualTo("1 redriven 0: 1 | more true");
        assertThat(nextOffsets(page1)).isEqualTo("2");
        JsonNode page2 = list("?partition=1&limit=1&from=" + page1.at("/partitions/0/nextOffset").asLong());
        assertThat(summary(page2)).isEqualTo("1 redriven 0: 2 | more false");
        assertThat(nextOffsets(page2)).isEqualTo("3");
        JsonNode page3 = list("?partition=1&limit=1&from=" + page2.at("/partitions/0/nextOffset").asLong());
        assertThat(summary(page3)).isEqualTo("1 redriven 0: | more false");
        assertThat(nextOffsets(page3)).as("nothing more: the next page starts where this one did").isEqualTo("3");
        assertThat(page2).isEqualTo(cliJson(klite, "dlq", "list", "--topic", "orders.dlq", "--partition", "1",
                "--from-offset", "2", "--max-messages", "1"));
        assertThat(FileSnapshot.of(klite.database())).as("a listing writes nothing").isEqualTo(before);

        // from never lists one redriven already, unless all=true
        klite.file().redrive("orders.dlq", 0, 1, 2);
        assertThat(summary(list("?partition=0&from=1"))).isEqualTo("0 redriven 2: 3 | more false");
        assertThat(summary(list("?partition=0&from=2&all=true"))).isEqualTo("0 redriven 2: 2 3 | more false");
        assertThat(summary(list("?partition=0&from=0&all=true"))).isEqualTo("0 redriven 2: 1 2 3 | more false");
        assertThat(nextOffsets(list("?partition=0&from=9"))).isEqualTo("9");
    }

    /** Each partition's nextOffset, in the order listed: {@code 4 1}. */
    private static String nextOffsets(JsonNode listing) {
        StringBuilder offsets = new StringBuilder();
        for (JsonNode partition : listing.get("partitions")) {
            offsets.append(offsets.length() == 0 ? "" : " ").append(partition.get("nextOffset").asLong());
        }
        return offsets.toString();
    }

    private JsonNode list(String query) throws Exception {
        return list("orders.dlq", query);
    }

    private JsonNode list(String topic, String query) throws Exception {
        ApiClient.Answer answer = api.get("/topics/" + topic + "/dead-letters" + query);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }
}
