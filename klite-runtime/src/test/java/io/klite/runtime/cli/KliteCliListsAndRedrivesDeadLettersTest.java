package io.klite.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.TopicInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * dlq list and redrive on the file of a running service: list shows the dead letters not redriven yet with where each
 * came from and why (the klite.original.* headers), of one partition from an offset with --partition and
 * --from-offset, and writes nothing; redrive copies them back to their topic once, a range of one partition or all of
 * them; a stored dead letter that cannot go back (a bad topic name, a partition out of range) fails the redrive with
 * exit 1, naming it, and nothing is redriven.
 */
class KliteCliListsAndRedrivesDeadLettersTest extends RunningServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** orders 1..3, keyed; billing dead-lettered offsets 1 and 3 to orders.dlq (offsets 1 and 2 there). */
    private void deadLetters() {
        KliteLog file = klite.file();
        file.sendBatch("orders", 0, "customer-7", List.of("m1", "m2", "m3"));
        List<Message> messages = file.read("orders", 0, 0, 10);
        file.deadLetter(new DeadLetter("billing", "orders", 0, List.of(messages.get(0)), "orders.dlq", 3,
                "java.io.IOException", "HTTP 500\nfrom the sink", Instant.parse("2026-12-01T10:00:00Z")));
        file.commit("billing", "orders", 0, 2);
        file.deadLetter(new DeadLetter("billing", "orders", 0, List.of(messages.get(2)), "orders.dlq", 5,
                "java.lang.IllegalStateException", null, Instant.parse("2026-12-01T10:00:05Z")));
    }

    @Test
    void listsTheDeadLettersNotRedrivenYet() throws Exception {
        deadLetters();

        Cli.Run listed = Cli.on(database, "dlq", "list", "--topic", "orders.dlq");

        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.out()).isEqualTo("PARTITION  OFFSET  REDRIVEN  ORIGINAL-TOPIC  ORIGINAL-PARTITION"
                + "  ORIGINAL-OFFSET  GROUP    ATTEMPTS  FAILED-AT             ERROR\n"
                + "0          1       no        orders          0                   1                billing  3"
                + "         2026-12-01T10:00:00Z  java.io.IOException: HTTP 500 from the sink\n"
                + "0          2       no        orders          0                   3                billing  5"
                + "         2026-12-01T10:00:05Z  java.lang.IllegalStateException\n");
        JsonNode json = JSON.readTree(Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--output", "json")
                .out());
        assertThat(json.get("topic").asText()).isEqualTo("orders.dlq");
        assertThat(json.at("/partitions/0/redrivenOffset").asLong()).isZero();
        assertThat(json.at("/partitions/0/messages/0/key").asText()).isEqualTo("customer-7");
        assertThat(json.at("/partitions/0/messages/0/data").asText()).isEqualTo("m1");
        assertThat(json.at("/partitions/0/messages/1/headers").get(DeadLetter.ORIGINAL_OFFSET).asText())
                .isEqualTo("3");
        assertThat(json.get("more").asBoolean()).isFalse();

        Cli.Run first = Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--max-messages", "1");
        assertThat(first.out()).endsWith("HTTP 500 from the sink\nMore dead letters follow; --max-messages shows"
                + " more, --partition with --from-offset the next ones of a partition (its nextOffset in --output"
                + " json).\n").hasLineCount(3);
        Cli.Run firstOfPartition = Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--partition", "0",
                "--max-messages", "1");
        assertThat(firstOfPartition.out()).endsWith("HTTP 500 from the sink\nMore dead letters follow;"
                + " --from-offset 2 shows the next ones.\n").hasLineCount(3);
        Cli.Run next = Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--partition", "0", "--from-offset",
                "2", "--max-messages", "1");
        assertThat(next.exit()).as(next.toString()).isZero();
        assertThat(next.out()).endsWith("java.lang.IllegalStateException\n").hasLineCount(2);
        Cli.Run fromWithoutPartition = Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--from-offset", "2");
        assertThat(fromWithoutPartition.exit()).isEqualTo(2);
        assertThat(fromWithoutPartition.err()).startsWith("--from-offset needs --partition: offsets are a"
                + " partition's");
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).isEmpty();
        awaitTrafficGoesOn();
    }

    @Test
    void redrivesARangeThenTheRestOnce() {
        deadLetters();

        Cli.Run range = Cli.on(database, "dlq", "redrive", "--topic", "orders.dlq", "--partition", "0",
                "--from-offset", "1", "--to-offset", "1");

        assertThat(range.exit()).as(range.toString()).isZero();
        assertThat(range.out()).isEqualTo("""
                TOPIC       PARTITION  REDRIVEN  FIRST-OFFSET  LAST-OFFSET
                orders.dlq  0          1         1             1
                """);
        assertThat(Cli.on(database, "dlq", "list", "--topic", "orders.dlq").out()).hasLineCount(2)
                .contains("java.lang.IllegalStateException");
        assertThat(Cli.on(database, "dlq", "list", "--topic", "orders.dlq", "--all").out())
                .contains("\n0          1       yes  ").contains("\n0          2       no   ");

        Cli.Run rest = Cli.on(database, "dlq", "redrive", "--topic", "orders.dlq", "--output", "json");
        Cli.Run again = Cli.on(database, "dlq", "redrive", "--topic", "orders.dlq");

        assertThat(rest.out()).isEqualTo("{\"topic\":\"orders.dlq\",\"partitions\":[{\"partition\":0,\"messages\":1,"
                + "\"firstOffset\":2,\"lastOffset\":2}]}\n");
        assertThat(again.out()).isEqualTo("""
                TOPIC       PARTITION  REDRIVEN  FIRST-OFFSET  LAST-OFFSET
                orders.dlq  0          0         -             -
                """);
        List<Message> orders = klite.file().read("orders", 0, 3, 10);
        assertThat(orders).extracting(m -> new String(m.payload(), StandardCharsets.UTF_8)).containsExactly("m1", "m3");
        assertThat(orders).extracting(Message::key).containsOnly("customer-7");
        assertThat(orders.get(0).headers()).doesNotContainKey(DeadLetter.ORIGINAL_TOPIC);
        awaitTrafficGoesOn();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            bad name | 0 | (klite.original.topic 'bad name', klite.original.partition '0'): Invalid topic name 'bad name'
            orders   | 5 | (klite.original.topic 'orders', klite.original.partition '5'): Partition 5 is out of range for topic 'orders': it has 1 partition (valid: 0)
            """)
    void aStoredDeadLetterThatCannotGoBackFailsTheRedriveAndNothingIsRedriven(String topic, String partition,
                                                                              String problem) {
        deadLetters();
        // after the two good dead letters, one whose headers name where it cannot go back
        klite.file().send("orders.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, topic,
                DeadLetter.ORIGINAL_PARTITION, partition), "m9");

        for (List<String> args : List.of(List.of("dlq", "redrive", "--topic", "orders.dlq"),
                List.of("dlq", "redrive", "--topic", "orders.dlq", "--partition", "0", "--to-offset", "3"))) {
            Cli.Run redrive = Cli.on(database, args.toArray(String[]::new));

            assertThat(redrive.exit()).as(redrive.toString()).isEqualTo(1);
            assertThat(redrive.out()).isEmpty();
            assertThat(redrive.err()).startsWith("Cannot redrive the dead letter at offset 3 of topic 'orders.dlq'"
                    + " partition 0 " + problem).contains("; nothing was redriven").hasLineCount(1);
        }
        assertThat(klite.file().endOffset("orders", 0)).isEqualTo(3);
        assertThat(klite.file().committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).isEmpty();
        assertThat(klite.file().topics()).extracting(TopicInfo::topic).doesNotContain("bad name");
        awaitTrafficGoesOn();
    }
}
