package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.camel.consumer.FailingPartitions;
import io.klite.log.DeadLetter;
import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery that the process dies in counts as an attempt: the next delivery after the restart carries
 * CamelKliteAttempt 2 (design §4: n on the n-th delivery), and a message that kills the process at every attempt is
 * dead-lettered after {@code maxAttempts} of them instead of being delivered, and killing the process, forever.
 * Until then it shows as stuck from its second attempt on (the first ended with its process), though no attempt of it
 * failed.
 * Each process is a real child JVM ({@link CrashingConsumer}, mode {@code hangs}) killed with SIGKILL while the route
 * holds the message, as an out-of-memory error, a crash or a watchdog's kill would end it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerDeadLettersAMessageThatKillsTheProcessTest {

    private static final String ROUTE = "klite:orders?group=billing&maxAttempts=2&retryDelay=60s&retryMaxDelay=60s"
                                        + "&initialDelay=0&delay=10"
                                        // a killed consumer's partition is taken over after its session timeout
                                        + "&heartbeatInterval=250&sessionTimeout=2000";

    @TempDir
    Path dir;

    @Test
    void attemptsThatTheProcessDiedInAreCountedAndTheMessageDeadLetteredAtTheLimit() throws Exception {
        Path db = dir.resolve("klite.db");
        Path attempts = dir.resolve("attempts.txt");
        Path childLog = dir.resolve("children.log");
        try (KliteLog file = KliteLog.open(db)) {
            assertThat(file.send("orders", 0, "kills the process")).isEqualTo(1);

            for (int killed = 1; killed <= 2; killed++) {
                int lines = killed;
                try (ConsumerProcess child = ConsumerProcess.start(db, attempts, childLog, "hangs", ROUTE)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(attempts).size() == lines);
                }
                // the row of the attempts the processes were killed in: attempt 1's first words, kept
                DeliveryAttempts row = file.deliveryAttempts("billing", "orders").get(0);
                assertThat(row.attempts()).isEqualTo(killed);
                assertThat(row.lastError()).startsWith("attempt 1 of offsets 1..1 started and did not end");
                assertThat(FailingPartitions.isFailure(row)).as("a failure for the health check").isFalse();
                assertThat(FailingPartitions.hasFailed(row)).as("listed in GET /stuck-partitions after %d kills",
                        killed).isEqualTo(killed > 1);
            }
            assertThat(Files.readAllLines(attempts)).as("offset and CamelKliteAttempt of each delivery")
                    .containsExactly("1 1", "1 2");

            try (ConsumerProcess third = ConsumerProcess.start(db, attempts, childLog, "hangs", ROUTE)) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(file.committed("billing", "orders", 0)).hasValue(1));
            }
        }
        assertThat(Files.readAllLines(attempts)).as("no delivery after the last attempt allowed").hasSize(2);
        try (KliteLog file = KliteLog.open(db)) {
            List<Message> letters = file.read("orders.dlq", 0, 0, 10);
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).headers()).containsEntry(DeadLetter.ATTEMPTS, "2");
            assertThat(file.deliveryAttempts()).isEmpty();
        }
    }

    /**
     * The killer behind a good message in the same fetch: the first process's fetch was counted ahead as a whole, so
     * the second delivers those offsets carefully (each counted before it runs, committed as it succeeds); the good
     * message is delivered again (at least once), as its attempt 1 (the first stop is the fetch's, charged to none of
     * its messages: with maxAttempts=1 it would otherwise be dead-lettered undelivered) and committed, never
     * dead-lettered, and the killer is dead-lettered after maxAttempts + 1 kills.
     */
    @Test
    void aKillerBehindAGoodMessageCostsTheGoodMessageNothing() throws Exception {
        Path db = dir.resolve("klite.db");
        Path attempts = dir.resolve("attempts.txt");
        Path childLog = dir.resolve("children.log");
        try (KliteLog file = KliteLog.open(db)) {
            file.sendBatch("orders", 0, List.of("good", "kill me"));

            for (int killed = 1; killed <= 3; killed++) {
                long kills = killed;
                try (ConsumerProcess child = ConsumerProcess.start(db, attempts, childLog, "killer", ROUTE)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(attempts).stream()
                            .filter(line -> !line.endsWith("delivered")).count() == kills);
                }
            }
            try (ConsumerProcess last = ConsumerProcess.start(db, attempts, childLog, "killer", ROUTE)) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(file.committed("billing", "orders", 0)).hasValue(2));
            }
            assertThat(Files.readAllLines(attempts)).as("offset and CamelKliteAttempt of each delivery")
                    .containsExactly("1 1 delivered", "2 1", "1 1 delivered", "2 1", "2 2");
            List<Message> letters = file.read("orders.dlq", 0, 0, 10);
            assertThat(letters).extracting(m -> new String(m.payload())).containsExactly("kill me");
            assertThat(letters.get(0).headers()).containsEntry(DeadLetter.ATTEMPTS, "2")
                    .containsEntry(DeadLetter.EXCEPTION_CLASS,
                            "io.klite.camel.consumer.UnfinishedDeliveryException");
            assertThat(file.deliveryAttempts()).isEmpty();
        }
    }
}
