package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A redrive checks every dead letter it would copy back, of every partition, before it writes: one whose headers do not
 * say where it came from, or name a topic or partition it cannot go back to, refuses the whole redrive with an error
 * naming it, and the file is as it was (read with plain JDBC), no topic created, no {@code klite.redrive} commit. A
 * missing original topic is created with enough partitions for every dead letter that names it. A write that fails
 * after the check says what was redriven before it.
 */
class KliteLogChecksARedriveWholeBeforeWritingTest extends LogTestSupport {

    private static final Instant FAILED_AT = Instant.parse("2026-12-01T10:00:00Z");

    /**
     * orders (2 partitions) and orders.dlq (2 partitions): partition 0 holds the dead letters of orders 0 offsets 1
     * and 2, partition 1 that of orders 1 offset 1, then, at offset 2, a message written by hand with these headers.
     */
    private void deadLettersThen(Map<String, String> handWritten) {
        log.createTopic("orders", 2);
        log.createTopic("orders.dlq", 2);
        log.sendBatch("orders", 0, List.of("a", "b"));
        log.send("orders", 1, "c");
        for (int partition = 0; partition < 2; partition++) {
            log.deadLetter(new DeadLetter("billing", "orders", partition, log.read("orders", partition, 0, 10),
                    "orders.dlq", 3, "java.io.IOException", "down", FAILED_AT));
        }
        log.send("orders.dlq", 1, "k", handWritten, "by hand");
    }

    @Test
    void aBadDeadLetterInALaterPartitionRefusesTheWholeRedriveAndWritesNothing() throws Exception {
        deadLettersThen(Map.of(DeadLetter.ORIGINAL_TOPIC, "bad name", DeadLetter.ORIGINAL_PARTITION, "0"));
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.redriveAll("orders.dlq"))
                .isInstanceOf(InvalidDeadLetterException.class)
                .hasMessage("Cannot redrive the dead letter at offset 2 of topic 'orders.dlq' partition 1"
                        + " (klite.original.topic 'bad name', klite.original.partition '0'): Invalid topic name 'bad"
                        + " name': character ' ' at index 3 is not allowed; a topic name is 1 to 249 characters of"
                        + " [A-Za-z0-9._-] and not '.' or '..'; nothing was redriven (a redrive never skips a dead"
                        + " letter; to skip this one for good, and any before it not redriven yet, move group"
                        + " 'klite.redrive' on topic 'orders.dlq' partition 1 past offset 2)");
        assertThatThrownBy(() -> log.redrive("orders.dlq", 1, 1, 2)).isInstanceOf(InvalidDeadLetterException.class);

        assertThat(snapshot()).isEqualTo(before);
        assertThat(log.endOffset("orders", 0)).isEqualTo(2);
        assertThat(log.committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).isEmpty();
        assertThat(log.committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 1)).isEmpty();
        // the partition before it is fine on its own
        assertThat(log.redrive("orders.dlq", 0, 1, 2)).isEqualTo(new RedriveResult("orders.dlq", 0, 2, 1, 2));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            orders    | 2    | Partition 2 is out of range for topic 'orders': it has 2 partitions (valid: 0..1)
            orders    | x    | klite.original.partition 'x' is not a partition number; allowed: 0 to 999
            orders    | 1000 | klite.original.partition '1000' is not a partition number; allowed: 0 to 999
            orders    | -1   | klite.original.partition '-1' is not a partition number; allowed: 0 to 999
            ORDERS    | 0    | Topic 'ORDERS' clashes with existing topic 'orders': SQLite table names ignore case
            sqlite_x  | 0    | Invalid topic name 'sqlite_x': SQLite reserves table names that start with 'sqlite_'
            orders    | null | it has no klite.original.partition header, so it was not written by dead-lettering
            null      | 0    | it has no klite.original.topic header, so it was not written by dead-lettering
            """)
    void aDeadLetterThatCannotGoBackIsNamedAndNothingWritten(String topic, String partition, String problem)
            throws Exception {
        Map<String, String> headers = new HashMap<>();
        if (topic != null) {
            headers.put(DeadLetter.ORIGINAL_TOPIC, topic);
        }
        if (partition != null) {
            headers.put(DeadLetter.ORIGINAL_PARTITION, partition);
        }
        deadLettersThen(headers);
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.redriveAll("orders.dlq"))
                .isInstanceOf(InvalidDeadLetterException.class)
                .hasMessageStartingWith("Cannot redrive the dead letter at offset 2 of topic 'orders.dlq' partition 1"
                        + " (klite.original.topic " + (topic == null ? "absent" : "'" + topic + "'")
                        + ", klite.original.partition " + (partition == null ? "absent" : "'" + partition + "'")
                        + "): " + problem)
                .hasMessageContaining("; nothing was redriven");

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aDeadLetterForANewTopicThenOneWithoutHeadersCreatesNoTopic() throws Exception {
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew", DeadLetter.ORIGINAL_PARTITION, "7"),
                "one");
        log.send("x.dlq", 0, "two");
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.redriveAll("x.dlq"))
                .isInstanceOf(InvalidDeadLetterException.class)
                .hasMessageStartingWith("Cannot redrive the dead letter at offset 2 of topic 'x.dlq' partition 0"
                        + " (klite.original.topic absent, klite.original.partition absent): it has no"
                        + " klite.original.topic header, so it was not written by dead-lettering; nothing was"
                        + " redriven");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(log.partitionCount("brandnew")).isZero();
        try (Jdbc jdbc = new Jdbc(dir.resolve("klite.db"))) {
            assertThat(jdbc.strings("SELECT name FROM sqlite_master WHERE name LIKE 'brandnew%'")).isEmpty();
        }
    }

    @Test
    void aNewTopicGetsEnoughPartitionsForEveryDeadLetterThatNamesIt() {
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew", DeadLetter.ORIGINAL_PARTITION, "2"),
                "two");
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew", DeadLetter.ORIGINAL_PARTITION, "7"),
                "seven");

        assertThat(log.redriveAll("x.dlq")).containsExactly(new RedriveResult("x.dlq", 0, 2, 1, 2));

        assertThat(log.partitionCount("brandnew")).isEqualTo(8);
        assertThat(log.read("brandnew", 2, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("two");
        assertThat(log.read("brandnew", 7, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("seven");
    }

    @Test
    void twoNewTopicsThatDifferOnlyInCaseAreRefused() throws Exception {
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "Fresh", DeadLetter.ORIGINAL_PARTITION, "0"),
                "one");
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "fresh", DeadLetter.ORIGINAL_PARTITION, "0"),
                "two");
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.redrive("x.dlq", 0, 1, 2))
                .isInstanceOf(InvalidDeadLetterException.class)
                .hasMessageContaining("at offset 2 of topic 'x.dlq' partition 0 (klite.original.topic 'fresh',"
                        + " klite.original.partition '0'): topic 'fresh' differs only in case from topic 'Fresh',"
                        + " which a dead letter before it names");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(log.partitionCount("Fresh")).isZero();
    }

    @Test
    void aNewTopicWhoseTableAnotherApplicationHasIsRefused() throws Exception {
        try (Jdbc jdbc = new Jdbc(dir.resolve("klite.db"))) {
            jdbc.exec("CREATE TABLE fresh_1 (name TEXT)");
        }
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "fresh", DeadLetter.ORIGINAL_PARTITION, "0"),
                "one");
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "fresh", DeadLetter.ORIGINAL_PARTITION, "1"),
                "two");
        Map<String, List<String>> before = snapshot();

        assertThatThrownBy(() -> log.redriveAll("x.dlq"))
                .isInstanceOf(InvalidDeadLetterException.class)
                .hasMessageStartingWith("Cannot redrive the dead letter at offset 1 of topic 'x.dlq' partition 0"
                        + " (klite.original.topic 'fresh', klite.original.partition '0'): topic 'fresh' does not"
                        + " exist, and the redrive would create it with 2 partitions, but table \"fresh_1\" exists and"
                        + " is not a partition table (it lacks an id or a data column); nothing was redriven");

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aWriteThatFailsAfterTheCheckSaysWhatWasRedrivenBeforeIt() {
        log.createTopic("x.dlq", 2);
        log.send("x.dlq", 0, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "orders", DeadLetter.ORIGINAL_PARTITION, "0"),
                "one");
        log.send("x.dlq", 1, null, Map.of(DeadLetter.ORIGINAL_TOPIC, "brandnew", DeadLetter.ORIGINAL_PARTITION, "7"),
                "two");
        log.createTopic("orders", 1);
        // once partition 0 is redriven, another program creates brandnew with 1 partition: partition 7 is gone
        log.addListener(new LogListener() {
            @Override
            public void produced(String topic, int partition, int count) {
                if (topic.equals("orders")) {
                    try (KliteLog other = KliteLog.open(dir.resolve("klite.db"))) {
                        other.createTopic("brandnew", 1);
                    }
                }
            }
        });

        assertThatThrownBy(() -> log.redriveAll("x.dlq"))
                .isInstanceOfSatisfying(RedriveFailedException.class, e -> assertThat(e.redriven()).containsExactly(
                        new RedriveResult("x.dlq", 0, 1, 1, 1), new RedriveResult("x.dlq", 1, 0, 0, 0)))
                .hasCauseInstanceOf(InvalidPartitionException.class)
                .hasMessage("Redrive of topic 'x.dlq' failed at partition 1 after offset 0: Partition 7 is out of"
                        + " range for topic 'brandnew': it has 1 partition (valid: 0); redriven before that, and"
                        + " still: partition 0 offsets 1..1 (1); nothing else (a redrive again goes on from there)");

        assertThat(log.read("orders", 0, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("one");
        assertThat(log.committed(KliteLog.REDRIVE_GROUP, "x.dlq", 0)).hasValue(1);
        assertThat(log.committed(KliteLog.REDRIVE_GROUP, "x.dlq", 1)).isEmpty();
        assertThat(log.partitionCount("brandnew")).isEqualTo(1);
    }

    /** Every table of the file and its rows, read with plain JDBC: equal where nothing was written in between. */
    private Map<String, List<String>> snapshot() throws SQLException {
        try (Jdbc jdbc = new Jdbc(dir.resolve("klite.db"))) {
            Map<String, List<String>> tables = new TreeMap<>();
            for (String table : jdbc.strings("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                List<String> rows = new ArrayList<>();
                for (Map<String, Object> row : jdbc.rows("SELECT * FROM \"" + table + "\"")) {
                    rows.add(row.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() instanceof byte[] b
                            ? new String(b) : e.getValue())).toList().toString());
                }
                rows.sort(null);
                tables.put(table, rows);
            }
            return tables;
        }
    }
}
