package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A reset or a read from a time starts at the first message written at or after that time, and a read from the start
 * at the oldest message still stored: checked against every row of the file, with gaps where rows were deleted.
 */
class KliteLogFindsOffsetsByTimeTest extends LogTestSupport {

    private static final DateTimeFormatter STORED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 30, 9, 0, 0);

    @Test
    void theFirstMessageAtOrAfterEachTimeWhateverTheGapsAndRepeats() throws Exception {
        log.createTopic("orders", 1);
        Random random = new Random(16);
        List<LocalDateTime> times = new ArrayList<>();
        LocalDateTime time = T0;
        try (Jdbc other = new Jdbc(log.path())) {
            for (int i = 0; i < 300; i++) {
                time = time.plusSeconds(random.nextInt(3)); // repeats: many rows share a second, as Klite writes them
                times.add(time);
                other.exec("INSERT INTO \"orders_0\" (data, created) VALUES (x'7b7d', ?)", STORED.format(time));
            }
            // gaps: the oldest rows (retention) and some in the middle (another program)
            other.exec("DELETE FROM \"orders_0\" WHERE id <= 20 OR id BETWEEN 100 AND 140 OR id % 7 = 0");
            List<Long> stored = other.rows("SELECT id FROM \"orders_0\" ORDER BY id").stream()
                    .map(row -> ((Number) row.get("id")).longValue()).toList();

            assertThat(log.startOffset("orders", 0)).isEqualTo(stored.get(0));
            for (LocalDateTime asked = T0.minusSeconds(2); !asked.isAfter(time.plusSeconds(2));
                    asked = asked.plusNanos(500_000_000)) {
                long expected = log.endOffset("orders", 0) + 1;
                for (long id : stored) {
                    if (!times.get((int) id - 1).isBefore(asked)) {
                        expected = id;
                        break;
                    }
                }
                assertThat(log.offsetForTime("orders", 0, asked.toInstant(ZoneOffset.UTC)))
                        .as("first offset at or after %s", asked).isEqualTo(expected);
            }
        }
    }

    @Test
    void aMessageWrittenWithinASecondCountsFromTheStartOfThatSecond() throws Exception {
        long offset = log.send("orders", 0, "{}");
        String created = log.read("orders", 0, 0, 1).get(0).created();
        Instant second = LocalDateTime.parse(created, STORED).toInstant(ZoneOffset.UTC);

        assertThat(log.offsetForTime("orders", 0, second)).isEqualTo(offset);
        assertThat(log.offsetForTime("orders", 0, second.minusMillis(1))).isEqualTo(offset);
        assertThat(log.offsetForTime("orders", 0, second.plusMillis(1))).isEqualTo(offset + 1);
    }

    @Test
    void anEmptyPartitionStartsAfterItsEnd() throws Exception {
        log.createTopic("orders", 2);
        log.send("orders", 1, "{}");
        log.send("orders", 1, "{}");
        assertThat(log.startOffset("orders", 0)).isEqualTo(1);
        assertThat(log.offsetForTime("orders", 0, Instant.EPOCH)).isEqualTo(1);
        try (Jdbc other = new Jdbc(log.path())) {
            other.exec("DELETE FROM \"orders_1\"");
        }
        // every message deleted: a reader from the start waits for the next one, offset 3
        assertThat(log.startOffset("orders", 1)).isEqualTo(3);
        assertThat(log.offsetForTime("orders", 1, Instant.EPOCH)).isEqualTo(3);
        assertThat(log.startOffset("no-such-topic", 0)).isEqualTo(1);
    }

    @Test
    void aTimeBeyondTheYearsSqliteReadsIsBeforeOrAfterEveryMessage() {
        log.sendBatch("orders", 0, List.of("{}", "{}"));

        assertThat(log.offsetForTime("orders", 0, Instant.MIN)).isEqualTo(1);
        assertThat(log.offsetForTime("orders", 0, Instant.parse("-5000-01-01T00:00:00Z"))).isEqualTo(1);
        assertThat(log.offsetForTime("orders", 0, Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo(3);
        assertThat(log.offsetForTime("orders", 0, Instant.MAX)).isEqualTo(3);
    }

    @Test
    void aPartitionBeyondTheTopicsCountIsRefused() {
        log.createTopic("orders", 2);
        assertThatThrownBy(() -> log.startOffset("orders", 2)).isInstanceOf(InvalidPartitionException.class)
                .hasMessageContaining("2");
        assertThatThrownBy(() -> log.offsetForTime("orders", 5, Instant.EPOCH))
                .isInstanceOf(InvalidPartitionException.class);
    }
}
