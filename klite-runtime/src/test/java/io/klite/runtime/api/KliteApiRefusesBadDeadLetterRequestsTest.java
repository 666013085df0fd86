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
 * partition, 404 for an unknown topic, 409 for a redrive that would skip a dead letter not redriven yet, or meets a
 * message that was never dead-lettered, 415 for a body that is not JSON, 405 for another method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KliteApiRefusesBadDeadLetterRequestsTest {

    RunningKlite klite;
    ApiClient api;

    /** orders.dlq partition 0 holds offsets 1..3, the dead letters of orders 1..3, none redriven. */
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
            /topics/orders.dlq/dead-letters?max=5           | 400 | Unknown query parameter 'max'; a dead-letter listing takes all and limit
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
            plain.dlq   | {}                                                 | 409 | Cannot redrive offset 1 of plain.dlq-0: it has no klite.original.topic header, so it was not written by dead-lettering; nothing was redriven
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
