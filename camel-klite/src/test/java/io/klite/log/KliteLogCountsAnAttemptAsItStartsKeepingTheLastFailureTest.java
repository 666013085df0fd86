package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An attempt counted as it starts ({@link KliteLog#deliveryStarted}) counts towards the message's attempts but leaves
 * the row's last error and its time to the latest failure: nothing failed yet. A row it creates says what it means
 * where the process stops during the attempt, until an attempt fails.
 */
class KliteLogCountsAnAttemptAsItStartsKeepingTheLastFailureTest extends LogTestSupport {

    /** The time the failures are moved back to, so that a time left as it was shows. */
    private static final Instant FAILED_AT = Instant.parse("2026-12-01T10:00:00.123Z");
    private static final String STARTED_1 = "attempt 1 of offsets 2..2 started and did not end";
    private static final String STARTED_2 = "attempt 2 of offsets 2..2 started and did not end";
    private static final String STARTED_3 = "attempt 3 of offsets 2..2 started and did not end";

    @Test
    void aFailureStaysTheLastErrorWhileTheNextAttemptsAreCountedAsTheyStart() throws Exception {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 1, "java.io.IOException: down")).isEqualTo(1);
        moveTimesBack();

        assertThat(log.deliveryStarted("billing", "orders", 0, 2, 2, 2, STARTED_2)).isEqualTo(2);
        assertThat(row()).isEqualTo(new DeliveryAttempts("billing", "orders", 0, 2, 2, 2, "java.io.IOException: down",
                FAILED_AT, FAILED_AT));
        assertThat(log.deliveryStarted("billing", "orders", 0, 2, 2, 3, STARTED_3)).isEqualTo(3);
        assertThat(row().lastError()).isEqualTo("java.io.IOException: down");

        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 3, "java.io.IOException: still down"))
                .isEqualTo(3);
        assertThat(row()).satisfies(row -> {
            assertThat(row.attempts()).isEqualTo(3);
            assertThat(row.lastError()).isEqualTo("java.io.IOException: still down");
            assertThat(row.firstFailedAt()).isEqualTo(FAILED_AT);
            assertThat(row.lastFailedAt()).isAfter(FAILED_AT);
        });
    }

    @Test
    void aRowCountedAsItStartsKeepsItsFirstWordsUntilAnAttemptFails() throws Exception {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));
        assertThat(log.deliveryStarted("billing", "orders", 0, 2, 2, 1, STARTED_1)).isEqualTo(1);
        assertThat(row().attempts()).isEqualTo(1);
        assertThat(row().lastError()).isEqualTo(STARTED_1);
        moveTimesBack();

        // the process stopped during attempt 1; the next one is counted as it starts
        assertThat(log.deliveryStarted("billing", "orders", 0, 2, 2, 2, STARTED_2)).isEqualTo(2);
        assertThat(row()).isEqualTo(new DeliveryAttempts("billing", "orders", 0, 2, 2, 2, STARTED_1,
                FAILED_AT, FAILED_AT));
        // counted again as it fails: once
        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 2, "HTTP 500")).isEqualTo(2);
        assertThat(row().lastError()).isEqualTo("HTTP 500");
        assertThat(row().attempts()).isEqualTo(2);
    }

    /** Sets the row's first and latest failure times to {@link #FAILED_AT}, as another program could. */
    private void moveTimesBack() throws Exception {
        try (Jdbc jdbc = new Jdbc(log.path())) {
            jdbc.exec("UPDATE klite_delivery_attempts SET first_failed_at = ?, last_failed_at = ?",
                    FAILED_AT.toString(), FAILED_AT.toString());
        }
    }

    private DeliveryAttempts row() {
        List<DeliveryAttempts> rows = log.deliveryAttempts("billing", "orders");
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }
}
