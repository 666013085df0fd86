package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention deletes exactly what a topic's settings no longer keep, oldest first, and nothing else: by count per
 * partition, by age, never past the slowest group with keepUnconsumed; offsets go on after a partition is emptied;
 * settings live in the file and bad ones are refused before anything is written.
 */
class KliteLogAppliesRetentionTest extends LogTestSupport {

    @Test
    void aCountKeepsTheNewestMessagesOfEachPartition() {
        log.createTopic("orders", 2);
        log.sendBatch("orders", 0, numbered(1, 10));
        log.sendBatch("orders", 1, numbered(1, 2));
        log.configureTopic("orders", new TopicConfig(null, 3L, false));

        assertThat(log.applyRetention("orders")).isEqualTo(7);

        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(8L, 9L, 10L);
        assertThat(log.read("orders", 1, 0, 100)).extracting(Message::offset).containsExactly(1L, 2L);
        assertThat(log.applyRetention("orders")).isZero();
        assertThat(log.send("orders", 0, "next")).isEqualTo(11);
    }

    @Test
    void anAgeDeletesTheOldestMessagesUpToTheFirstThatIsNotOldEnough() throws Exception {
        log.sendBatch("orders", 0, numbered(1, 5));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("UPDATE orders_0 SET created = '2020-01-01 00:00:00' WHERE id <= 3");
        }
        log.configureTopic("orders", new TopicConfig(Duration.ofHours(1), null, false));

        assertThat(log.applyRetention("orders")).isEqualTo(3);

        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(4L, 5L);
    }

    @Test
    void withAnAgeAndACountAMessageGoesWhereEitherLetsItGo() throws Exception {
        log.createTopic("orders", 2);
        log.sendBatch("orders", 0, numbered(1, 6));
        log.sendBatch("orders", 1, numbered(1, 6));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("UPDATE orders_1 SET created = '2020-01-01 00:00:00' WHERE id <= 4");
        }
        log.configureTopic("orders", new TopicConfig(Duration.ofHours(1), 3L, false));

        assertThat(log.applyRetention("orders")).isEqualTo(3 + 4);

        // partition 0: nothing is old, the count keeps 3; partition 1: the age takes 4, more than the count would
        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(4L, 5L, 6L);
        assertThat(log.read("orders", 1, 0, 100)).extracting(Message::offset).containsExactly(5L, 6L);
    }

    @Test
    void anAgeReadsTimesOtherProgramsWroteAndNeverDeletesRowsWithoutOne() throws Exception {
        log.sendBatch("orders", 0, numbered(1, 6));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("UPDATE orders_0 SET created = '2020-01-01T00:00:00' WHERE id <= 2");
            jdbc.exec("UPDATE orders_0 SET created = '2020-01-01 00:00:00.123' WHERE id = 3");
            jdbc.exec("UPDATE orders_0 SET created = NULL WHERE id = 4");
            jdbc.exec("UPDATE orders_0 SET created = 1577836800 WHERE id = 5");
        }
        log.configureTopic("orders", new TopicConfig(Duration.ofHours(1), null, false));

        assertThat(log.applyRetention("orders")).isEqualTo(3);

        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(4L, 5L, 6L);
    }

    @Test
    void keepUnconsumedNeverDeletesPastTheSlowestGroupWithACommit() {
        log.sendBatch("orders", 0, numbered(1, 10));
        log.commit("fast", "orders", 0, 10);
        log.commit("slow", "orders", 0, 4);
        log.configureTopic("orders", new TopicConfig(null, 2L, true));

        assertThat(log.applyRetention("orders")).isEqualTo(4);
        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).first().isEqualTo(5L);

        log.commit("slow", "orders", 0, 9);
        assertThat(log.applyRetention("orders")).isEqualTo(4);
        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(9L, 10L);
    }

    @Test
    void removingTheSlowGroupFreesTheMessagesItHeld() {
        log.sendBatch("orders", 0, numbered(1, 10));
        log.commit("fast", "orders", 0, 10);
        log.commit("slow", "orders", 0, 2);
        log.configureTopic("orders", new TopicConfig(null, 1L, true));
        assertThat(log.applyRetention("orders")).isEqualTo(2);

        assertThat(log.deleteGroup("slow")).isEqualTo(1);

        assertThat(log.applyRetention("orders")).isEqualTo(7);
        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(10L);
        assertThat(log.committed("fast", "orders", 0)).hasValue(10);
    }

    @Test
    void offsetsGoOnAfterAPartitionIsEmptied() throws Exception {
        log.sendBatch("orders", 0, numbered(1, 3));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("UPDATE orders_0 SET created = '2020-01-01 00:00:00'");
        }
        log.configureTopic("orders", new TopicConfig(Duration.ofMinutes(1), null, false));

        assertThat(log.applyRetention("orders")).isEqualTo(3);

        assertThat(log.read("orders", 0, 0, 100)).isEmpty();
        assertThat(log.endOffset("orders", 0)).isEqualTo(3);
        assertThat(log.send("orders", 0, "after")).isEqualTo(4);
    }

    @Test
    void aTableAnotherProgramMadeWithoutAutoincrementKeepsItsNewestRowSoOffsetsGoOn() throws Exception {
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("CREATE TABLE \"legacy_0\" (id INTEGER PRIMARY KEY, data BLOB NOT NULL,"
                      + " created DATETIME DEFAULT CURRENT_TIMESTAMP)");
            jdbc.exec("INSERT INTO \"legacy_0\" (data, created) VALUES ('a', '2020-01-01 00:00:00'),"
                      + " ('b', '2020-01-01 00:00:00'), ('c', '2020-01-01 00:00:00')");
        }
        log.configureTopic("legacy", new TopicConfig(Duration.ofMinutes(1), null, false));

        assertThat(log.applyRetention("legacy")).isEqualTo(2);

        assertThat(log.read("legacy", 0, 0, 100)).extracting(Message::offset).containsExactly(3L);
        assertThat(log.send("legacy", 0, "after")).isEqualTo(4);
    }

    @Test
    void aTopicThatCannotBeCleanedHoldsBackNoOther() throws Exception {
        log.sendBatch("audit", 0, numbered(1, 5));
        log.sendBatch("orders", 0, numbered(1, 5));
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("CREATE TRIGGER keep_audit BEFORE DELETE ON audit_0 BEGIN SELECT RAISE(ABORT, 'audit rows stay');"
                      + " END");
        }
        log.configureTopic("audit", new TopicConfig(null, 1L, false));
        log.configureTopic("orders", new TopicConfig(null, 1L, false));

        assertThatThrownBy(() -> log.applyRetention())
                .isInstanceOf(KliteException.class)
                .hasMessageStartingWith("Retention of topic 'audit' failed (4 message(s) of the other topics were"
                                        + " deleted): ")
                .hasMessageContaining("audit rows stay");

        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(5L);
        assertThat(log.read("audit", 0, 0, 100)).hasSize(5);
    }

    @Test
    void aLargeBacklogGoesInChunks() {
        log.sendBatch("orders", 0, numbered(1, 12_000));
        log.configureTopic("orders", new TopicConfig(null, 1L, false));

        assertThat(log.applyRetention("orders")).isEqualTo(11_999);

        assertThat(log.read("orders", 0, 0, 100)).extracting(Message::offset).containsExactly(12_000L);
    }

    @Test
    void settingsLiveInTheFileAndBadOnesAreRefused() {
        log.send("orders", 0, "a");
        assertThat(log.topicConfig("orders")).isEqualTo(TopicConfig.KEEP_EVERYTHING);
        log.configureTopic("orders", new TopicConfig(Duration.ofDays(7), 1_000_000L, true));

        try (KliteLog other = KliteLog.open(log.path())) {
            assertThat(other.topicConfig("orders")).isEqualTo(new TopicConfig(Duration.ofDays(7), 1_000_000L, true));
        }
        assertThatThrownBy(() -> log.configureTopic("nosuch", new TopicConfig(null, 5L, false)))
                .isInstanceOf(UnknownTopicException.class)
                .hasMessageContaining("Cannot configure topic 'nosuch': it does not exist");
        assertThat(log.topicConfig("nosuch")).isEqualTo(TopicConfig.KEEP_EVERYTHING);
        assertThatThrownBy(() -> new TopicConfig(Duration.ofMillis(-5), null, false))
                .hasMessageContaining("Invalid retention age PT-0.005S: an age is at least 1 ms and at most 36500 days");
        assertThatThrownBy(() -> new TopicConfig(null, 0L, false))
                .hasMessageContaining("Invalid retention count 0: keep at least 1 message per partition");
        assertThatThrownBy(() -> log.configureTopic("bad topic", TopicConfig.KEEP_EVERYTHING))
                .isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void compactingAfterRetentionShrinksTheFileAndKeepsWhatIsLeft() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            payloads.add(new byte[1024]);
        }
        log.sendBatch("orders", 0, payloads);
        log.configureTopic("orders", new TopicConfig(null, 10L, false));
        log.applyRetention("orders");
        long before = java.nio.file.Files.size(log.path());

        long after = log.compact();

        assertThat(after).isLessThan(before / 4);
        assertThat(log.read("orders", 0, 0, 100)).hasSize(10);
        assertThat(log.send("orders", 0, "next")).isEqualTo(5_001);
    }

    private static List<String> numbered(int from, int to) {
        List<String> payloads = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            payloads.add("m" + i);
        }
        return payloads;
    }
}
