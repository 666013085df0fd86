package io.klite.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.FileSnapshot;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
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
 * A dead-letter listing or redrive the API cannot do is refused with a JSON error naming the value and what is
 * allowed, and writes nothing (the file read with plain JDBC before and after): 400 for a bad query, body, offset or
 * partition, a query string on a redrive, 404 for an unknown topic, 409 for a redrive that would skip a dead letter
 * not redriven yet, or meets a stored dead letter that cannot go back (no headers saying where it came from, a bad
 * topic name, a partition out of range), in whichever partition, 415 for a body that is not JSON, 405 for another
 * method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiRefusesBadDeadLetterRequestsTest {

    RunningKlite klite;
    ApiClient api;

    /**
     * orders.dlq partition 0 holds offsets 1..3, the dead letters of orders 1..3, none redriven; plain.dlq a message
     * without dead-letter headers; badtopic.dlq and badpartition.dlq one whose headers name a bad topic, a partition
     * out of orders' range; mixed.dlq (2 partitions) the dead letter of orders 1 in partition 0, and in partition 1 one
     * for a topic that does not exist (brandnew, partition 7), then one without headers.
     */
    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        klite = RunningKlite.start(dir, Map.of());
        api = new ApiClient(klite.api());
        KliteLog file = klite.file();
        file.sendBatch("orders", 0, List.of("{\"order\":1}", "{\"order\":2}", "{\"order\":3}"));
        for (Message message : file.read("orders", 0, 0, 10)) {
            file.deadLetter(new DeadLetter("billing", "orders", 0, List.of(message), "orders.dlq", 3,
                    "java.io.IOException", "down", Instant.parse("2026-12-01T10:00:00Z")));
        }
        // a message written to a dead-letter topic by hand: no headers saying where it came from
        file.send("plain.dlq", 0, "{\"order\":9}");
        file.send("badtopic.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "bad name",
                DeadLetter.ORIGINAL_PARTITION, "0"), "{\"order\":10}");
        file.send("badpartition.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "orders",
                DeadLetter.ORIGINAL_PARTITION, "5"), "{\"order\":11}");
        file.createTopic("mixed.dlq", 2);
        file.deadLetter(new DeadLetter("audit", "orders", 0, file.read("orders", 0, 0, 1), "mixed.dlq", 3,
                "java.io.IOException", "down", Instant.parse("2026-12-01T10:00:00Z")));
        file.send("mixed.dlq", 1, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew",
                DeadLetter.ORIGINAL_PARTITION, "7"), "{\"order\":12}");
        file.send("mixed.dlq", 1, "{\"order\":13}");
    }

    @AfterAll
    void stop() throws Exception {
        klite.close();
    }

    @ParameterizedTest(name = "GET {0}")
    @CsvSource(delimiter = '|', textBlock = """
            /topics/orders.dlq/dead-letters?all=yes         | 400 | Invalid all 'yes': true or false is expected (false where not given: only the dead letters not redriven yet)
            /topics/orders.dlq/dead-letters?all=TRUE        | 400 | Invalid all 'TRUE': true or false is expected
            /topics/orders.dlq/dead-letters?all=            | 400 | Invalid all '': true or false is expected
            /topics/orders.dlq/dead-letters?limit=0         | 400 | Invalid limit '0': a whole number from 1 to 1000 is expected (100 where not given)
            /topics/orders.dlq/dead-letters?limit=1001      | 400 | Invalid limit '1001': a whole number from 1 to 1000 is expected
            /topics/orders.dlq/dead-letters?limit=ten       | 400 | Invalid limit 'ten'
            /topics/orders.dlq/dead-letters?max=5           | 400 | Unknown query parameter 'max'; a dead-letter listing takes all, limit, partition and from
            /topics/orders.dlq/dead-letters?partition=x     | 400 | Invalid partition 'x': a whole number from 0 is expected, or leave it out to list every partition
            /topics/orders.dlq/dead-letters?partition=-1    | 400 | Invalid partition '-1': a whole number from 0 is expected
            /topics/orders.dlq/dead-letters?partition=1     | 400 | Partition 1 is out of range for topic 'orders.dlq': it has 1 partition (valid: 0)
            /topics/orders.dlq/dead-letters?from=2          | 400 | from needs partition: offsets are a partition's; give both, such as ?partition=0&from=2 (a partition's nextOffset in the answer is where its next page starts)
            /topics/orders.dlq/dead-letters?partition=0&from=-1 | 400 | Invalid from '-1': an offset, a whole number from 0, is expected
            /topics/orders.dlq/dead-letters?partition=0&from=x  | 400 | Invalid from 'x': an offset, a whole number from 0, is expected
            /topics/orders.dlq/dead-letters?all=true&all=false | 400 | The query parameter all is given twice; give it once
            /topics/bad%20name/dead-letters                 | 400 | Invalid topic name 'bad name'
            /topics/ORDERS.dlq/dead-letters                 | 400 | Topic 'ORDERS.dlq' clashes with existing topic 'orders.dlq'
            /topics/nothing.dlq/dead-letters                | 404 | Topic 'nothing.dlq' does not exist
            """)
    void aBadListingIsRefusedAndWritesNothing(String path, int status, String error) throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.get(path);

        assertRefused(answer, status, error);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            orders.dlq  | {"partition": 0, "fromOffset": 2}                  | 409 | Cannot redrive offsets 2..3 of orders.dlq-0: the dead letters from offset 1 on have not been redriven, and a redrive never skips one; start at 1 or before (to skip them for good, reset group 'klite.redrive' on orders.dlq-0)
            orders.dlq  | {"partition": 0, "fromOffset": 3, "toOffset": 3}   | 409 | Cannot redrive offsets 3..3 of orders.dlq-0: the dead letters from offset 1 on have not been redriven
            plain.dlq   | {}                                                 | 409 | Cannot redrive the dead letter at offset 1 of topic 'plain.dlq' partition 0 (klite.original.topic absent, klite.original.partition absent): it has no klite.original.topic header, so it was not written by dead-lettering; nothing was redriven (a redrive never skips a dead letter; to skip this one for good, and any before it not redriven yet, move group 'klite.redrive' on topic 'plain.dlq' partition 0 past offset 1)
            plain.dlq   | {"partition": 0}                                   | 409 | Cannot redrive the dead letter at offset 1 of topic 'plain.dlq' partition 0 (klite.original.topic absent
            badtopic.dlq | {}                                                | 409 | Cannot redrive the dead letter at offset 1 of topic 'badtopic.dlq' partition 0 (klite.original.topic 'bad name', klite.original.partition '0'): Invalid topic name 'bad name': character ' ' at index 3 is not allowed; a topic name is 1 to 249 characters of [A-Za-z0-9._-] and not '.' or '..'; nothing was redriven
            badpartition.dlq | {"partition": 0, "toOffset": 1}              | 409 | Cannot redrive the dead letter at offset 1 of topic 'badpartition.dlq' partition 0 (klite.original.topic 'orders', klite.original.partition '5'): Partition 5 is out of range for topic 'orders': it has 1 partition (valid: 0); nothing was redriven
            mixed.dlq   | {}                                                 | 409 | Cannot redrive the dead letter at offset 2 of topic 'mixed.dlq' partition 1 (klite.original.topic absent, klite.original.partition absent): it has no klite.original.topic header, so it was not written by dead-lettering; nothing was redriven
            mixed.dlq   | {"partition": 1}                                   | 409 | Cannot redrive the dead letter at offset 2 of topic 'mixed.dlq' partition 1
            orders.dlq  | {"partition": 1}                                   | 400 | Partition 1 is out of range for topic 'orders.dlq': it has 1 partition (valid: 0)
            orders.dlq  | {"partition": -1}                                  | 400 | Invalid partition -1: a whole number from 0 is expected, or leave it out to redrive every partition's dead letters not redriven yet
            orders.dlq  | {"partition": "0"}                                 | 400 | Invalid partition "0": a whole number from 0 is expected
            orders.dlq  | {"partition": 0, "fromOffset": 0}                  | 400 | Invalid fromOffset 0: an offset, a whole number from 1 (a partition's first offset is 1), is expected, or leave it out for the first dead letter not redriven yet
            orders.dlq  | {"partition": 0, "toOffset": -1}                   | 400 | Invalid toOffset -1: an offset, a whole number from 1 (a partition's first offset is 1), is expected, or leave it out for the partition's end
            orders.dlq  | {"partition": 0, "fromOffset": 1.5}                | 400 | Invalid fromOffset 1.5: an offset
            orders.dlq  | {"partition": 0, "fromOffset": "1"}                | 400 | Invalid fromOffset "1": an offset
            orders.dlq  | {"partition": 0, "fromOffset": 3, "toOffset": 1}   | 400 | fromOffset 3 is after toOffset 1: the range runs from fromOffset to toOffset, so fromOffset must not be greater
            orders.dlq  | {"fromOffset": 1}                                  | 400 | fromOffset and toOffset need partition: offsets are a partition's; give them with it, such as {"partition": 0, "fromOffset": 1, "toOffset": 5}, or send {} to redrive every partition
            orders.dlq  | {"toOffset": 1}                                    | 400 | fromOffset and toOffset need partition
            orders.dlq  | {"partitions": 0}                                  | 400 | Unknown field partitions (value 0); allowed: partition, fromOffset, toOffset, such as {"partition": 0, "fromOffset": 1, "toOffset": 5}
            orders.dlq  | []                                                 | 400 | The body must be a JSON object such as {"partition": 0, "fromOffset": 1, "toOffset": 5}, not []
            orders.dlq  | {"partition": 0                                    | 400 | The body is not valid JSON
            orders.dlq  | {"partition": 0, "partition": 0}                   | 400 | The body is not valid JSON: Duplicate field 'partition'
            bad%20name  | {}                                                 | 400 | Invalid topic name 'bad name'
            nothing.dlq | {}                                                 | 404 | Topic 'nothing.dlq' does not exist
            nothing.dlq | {"partition": 0}                                   | 404 | Topic 'nothing.dlq' does not exist
            """)
    void aBadRedriveIsRefusedAndWritesNothing(String topic, String body, int status, String error) throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.post("/topics/" + topic + "/dead-letters/redrive", body);

        assertRefused(answer, status, error);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).isEmpty();
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(3);
        assertThat(klite.file().partitionCount("brandnew")).isZero();
    }

    @Test
    void aRedriveOfEveryPartitionWithABadDeadLetterInALaterOneWritesNothing() throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.post("/topics/mixed.dlq/dead-letters/redrive", "{}");

        assertRefused(answer, 409, "Cannot redrive the dead letter at offset 2 of topic 'mixed.dlq' partition 1");
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
        KliteLog file = klite.file();
        assertThat(file.endOffset("mixed.dlq", 0)).as("partition 0 holds a good dead letter").isEqualTo(1);
        assertThat(file.endOffset("orders", 0)).as("partition 0's dead letter not copied back").isEqualTo(3);
        assertThat(file.committed(KliteLog.REDRIVE_GROUP, "mixed.dlq", 0)).isEmpty();
        assertThat(file.committed(KliteLog.REDRIVE_GROUP, "mixed.dlq", 1)).isEmpty();
        assertThat(file.partitionCount("brandnew")).as("no topic created for partition 1's first").isZero();
    }

    @ParameterizedTest(name = "POST ...redrive{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ?partition=0 | {}                 | 400 | Unknown query parameter 'partition'; a redrive takes no query parameters: the partition and the range go in the body, such as {"partition": 0, "fromOffset": 1, "toOffset": 5}, or {} for every partition
            ?toOffset=1  | {"partition": 0}   | 400 | Unknown query parameter 'toOffset'; a redrive takes no query parameters
            ?all=true    | {}                 | 400 | Unknown query parameter 'all'; a redrive takes no query parameters
            """)
    void aRedriveWithAQueryStringIsRefusedAndWritesNothing(String query, String body, int status, String error)
            throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer answer = api.post("/topics/orders.dlq/dead-letters/redrive" + query, body);

        assertRefused(answer, status, error);
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void aRedriveTakesJsonOnlyAndNeedsABody() throws Exception {
        var before = FileSnapshot.of(klite.database());

        ApiClient.Answer text = api.post("/topics/orders.dlq/dead-letters/redrive", "text/plain",
                "{}".getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer form = api.post("/topics/orders.dlq/dead-letters/redrive",
                "application/x-www-form-urlencoded", "{}".getBytes(StandardCharsets.UTF_8));
        ApiClient.Answer empty = api.post("/topics/orders.dlq/dead-letters/redrive", "application/json",
                new byte[0]);

        assertRefused(text, 415, "Content-Type text/plain is not JSON, and this request takes a JSON body; send it"
                + " with Content-Type: application/json");
        assertRefused(form, 415, "Content-Type application/x-www-form-urlencoded is not JSON");
        assertRefused(empty, 400, "The request body is empty; send {} to redrive every dead letter not redriven yet,"
                + " or one partition's range, such as {\"partition\": 0, \"fromOffset\": 1, \"toOffset\": 5}");
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    @Test
    void theListingIsGetOnlyAndTheRedrivePostOnly() throws Exception {
        var before = FileSnapshot.of(klite.database());

        for (String method : List.of("POST", "PUT", "DELETE")) {
            ApiClient.Answer answer = api.send(method, "/topics/orders.dlq/dead-letters", "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).as(method)
                    .contains("GET /topics/{topic}/dead-letters");
        }
        for (String method : List.of("GET", "PUT", "DELETE")) {
            ApiClient.Answer answer = api.send(method, "/topics/orders.dlq/dead-letters/redrive");
            assertThat(answer.status()).as(method).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).as(method)
                    .contains("POST /topics/{topic}/dead-letters/redrive");
        }
        assertThat(FileSnapshot.of(klite.database())).isEqualTo(before);
    }

    private static void assertRefused(ApiClient.Answer answer, int status, String error) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.json().get("error").asText()).startsWith(error);
    }
}
