package io.klite.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.log.DeadLetter;
import io.klite.log.DeliveryAttempts;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count of attempts survives {@code kill -9}: a consumer process killed after a failed attempt was counted, and
 * before the next (the retry wait is a minute), is replaced by a new process that goes on from the count
 * (CamelKliteAttempt 2, then 3), and the third attempt, the last one allowed, dead-letters the message once, committed
 * past, with no count left behind. Each process is a real child JVM ({@link CrashingConsumer}) killed with SIGKILL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteConsumerContinuesAttemptsAfterKillTest {

    /** A minute's wait before each retry: every attempt after the first comes from a new process. */
    private static final String ROUTE = "klite:orders?group=billing&maxAttempts=3&retryDelay=60s&retryMaxDelay=60s"
                                        + "&initialDelay=0&delay=10"
                                        // a killed consumer's partition is taken over after its session timeout
                                        + "&heartbeatInterval=250&sessionTimeout=2000";

    @TempDir
    Path dir;

    @Test
    void aKilledConsumerGoesOnFromTheCountAndDeadLettersAtTheLimit() throws Exception {
        Path db = dir.resolve("klite.db");
        Path attempts = dir.resolve("attempts.txt");
        Path childLog = dir.resolve("children.log");
        long started = System.nanoTime();
        try (KliteLog file = KliteLog.open(db)) {
            assertThat(file.send("orders", 0, "poison")).isEqualTo(1);

            try (ConsumerProcess first = ConsumerProcess.start(db, attempts, childLog, "attempts", ROUTE)) {
                awaitCounted(file, attempts, 1);
            }
            try (ConsumerProcess second = ConsumerProcess.start(db, attempts, childLog, "attempts", ROUTE)) {
                awaitCounted(file, attempts, 2);
            }
            try (ConsumerProcess third = ConsumerProcess.start(db, attempts, childLog, "attempts", ROUTE)) {
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(file.committed("billing", "orders", 0)).hasValue(1));
            }
        }
        System.out.printf("%s: 2 kills in %d ms; children's warnings: %s%n", getClass().getSimpleName(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), ConsumerProcess.problems(childLog));

        assertThat(Files.readAllLines(attempts)).as("offset and CamelKliteAttempt of each attempt")
                .containsExactly("1 1", "1 2", "1 3");
        try (KliteLog file = KliteLog.open(db)) {
            assertThat(file.partitionCount("orders.dlq")).isEqualTo(1);
            List<Message> letters = file.read("orders.dlq", 0, 0, 10);
            assertThat(letters).as("dead letters").hasSize(1);
            Message letter = letters.get(0);
            assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).isEqualTo("poison");
            assertThat(letter.headers()).containsEntry(DeadLetter.ATTEMPTS, "3")
                    .containsEntry(DeadLetter.ORIGINAL_TOPIC, "orders")
                    .containsEntry(DeadLetter.ORIGINAL_PARTITION, "0")
                    .containsEntry(DeadLetter.ORIGINAL_OFFSET, "1")
                    .containsEntry(DeadLetter.GROUP, "billing")
                    .containsEntry(DeadLetter.EXCEPTION_CLASS, "java.lang.IllegalStateException")
                    .containsEntry(DeadLetter.EXCEPTION_MESSAGE, "always fails");
            assertThat(file.committed("billing", "orders", 0)).hasValue(1);
            assertThat(file.deliveryAttempts()).isEmpty();
        }
    }

    /**
     * Waits until the route made attempt {@code attempts} of offset 1 and the file counts it. The count comes first
     * where the consumer counts a delivery before it runs (the first fetch of a process), so a kill at that count
     * alone could come before the route ran.
     */
    private static void awaitCounted(KliteLog file, Path made, int attempts) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(Files.readAllLines(made)).as("offset and CamelKliteAttempt of each attempt made")
                    .contains("1 " + attempts);
            assertThat(file.deliveryAttempts())
                    .extracting(DeliveryAttempts::group, DeliveryAttempts::firstOffset, DeliveryAttempts::attempts)
                    .containsExactly(Tuple.tuple("billing", 1L, attempts));
        });
    }
}
