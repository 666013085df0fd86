package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A send with an idempotency key is in the file once, however often it is retried, and its key with it or not at
 * all: what makes an HTTP produce safe to retry after a lost answer.
 */
class KliteLogSendsOncePerIdempotencyKeyTest extends LogTestSupport {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void aRetryWithTheSameKeyAndFingerprintWritesNothingAndAnswersTheFirstOffsets() throws Exception {
        log.createTopic("orders", 3);
        log.send("orders", 1, "before");
        IdempotencyKey once = new IdempotencyKey("order-42", "fp-1", DAY);

        IdempotentSend first = log.sendBatch(once, "orders", 1, "customer-7", Map.of("source", "web"),
                List.of("a", "b", "c"));
        // a retry that round-robin would put on another partition still answers where the first one went
        IdempotentSend retry = log.sendBatch(once, "orders", 2, "customer-7", Map.of("source", "web"),
                List.of("a", "b", "c"));

        assertThat(first).isEqualTo(new IdempotentSend("orders", 1, new BatchResult(2, 3), false));
        assertThat(retry).isEqualTo(new IdempotentSend("orders", 1, new BatchResult(2, 3), true));
        try (Jdbc file = new Jdbc(log.path())) {
            assertThat(file.strings("SELECT CAST(data AS TEXT) FROM \"orders_1\" ORDER BY id"))
                    .containsExactly("before", "a", "b", "c");
            assertThat(file.count("SELECT count(*) FROM \"orders_2\"")).isZero();
            assertThat(file.strings("SELECT idempotency_key || ' ' || topic || ' ' || partition || ' ' || first_offset"
                    + " || ' ' || count FROM klite_idempotency_keys")).containsExactly("order-42 orders 1 2 3");
        }
    }

    @Test
    void theSameKeyForAnotherSendIsRefusedAndWritesNothingNotEvenItsTopic() throws Exception {
        IdempotencyKey once = new IdempotencyKey("order-42", "fp-1", DAY);
        log.send(once, "orders", 0, null, null, "{\"id\":42}");

        assertThatThrownBy(() -> log.send(new IdempotencyKey("order-42", "fp-2", DAY), "orders", 0, null, null,
                "{\"id\":43}")).isInstanceOf(IdempotencyKeyReusedException.class)
                .hasMessageStartingWith("Idempotency key 'order-42' was used at ")
                .hasMessageContaining("for another send (to topic 'orders')");
        assertThatThrownBy(() -> log.send(new IdempotencyKey("order-42", "fp-3", DAY), "payments", 0, null, null,
                "{\"id\":42}")).isInstanceOf(IdempotencyKeyReusedException.class);

        assertThat(log.endOffset("orders", 0)).isEqualTo(1);
        assertThat(log.partitionCount("payments")).as("the refused send's topic").isZero();
    }

    @Test
    void aKeyIsForgottenOnceItsWindowHasPassedAndTheCleanerDeletesTheOldestExpiredKeys() throws Exception {
        IdempotencyKey brief = new IdempotencyKey("brief", "fp", Duration.ofMillis(200));
        IdempotencyKey alsoBrief = new IdempotencyKey("also-brief", "fp", Duration.ofMillis(200));
        IdempotencyKey lasting = new IdempotencyKey("lasting", "fp", DAY);
        log.send(brief, "orders", 0, null, null, "first");
        log.send(alsoBrief, "orders", 0, null, null, "second");
        log.send(lasting, "orders", 0, null, null, "kept");
        Instant expiry = Instant.now().plusMillis(200);
        await().until(() -> Instant.now().isAfter(expiry));

        assertThat(log.send(brief, "orders", 0, null, null, "first").replayed()).as("after the window").isFalse();
        assertThat(log.endOffset("orders", 0)).isEqualTo(4);
        log.applyRetention();
        try (Jdbc file = new Jdbc(log.path())) {
            // the oldest keys go while they have expired: "brief" was written again after "lasting", and waits for it
            assertThat(file.strings("SELECT idempotency_key FROM klite_idempotency_keys ORDER BY rowid"))
                    .containsExactly("lasting", "brief");
        }
        assertThat(log.send(lasting, "orders", 0, null, null, "kept").replayed()).isTrue();
        assertThat(log.send(alsoBrief, "orders", 0, null, null, "second").replayed()).isFalse();
    }

    @Test
    void aFailedSendLeavesNoKeySoItsRetryWrites() throws Exception {
        log.createTopic("orders", 1);
        try (Jdbc file = new Jdbc(log.path())) {
            file.exec("CREATE TRIGGER refuse BEFORE INSERT ON \"orders_0\" BEGIN SELECT RAISE(ABORT, 'refused'); END");
            IdempotencyKey once = new IdempotencyKey("order-42", "fp", DAY);
            assertThatThrownBy(() -> log.send(once, "orders", 0, null, null, "x"))
                    .isInstanceOf(KliteStorageException.class);
            assertThat(file.count("SELECT count(*) FROM klite_idempotency_keys")).isZero();

            file.exec("DROP TRIGGER refuse");
            assertThat(log.send(once, "orders", 0, null, null, "x").replayed()).isFalse();
            assertThat(file.strings("SELECT CAST(data AS TEXT) FROM \"orders_0\"")).containsExactly("x");
        }
    }

    @Test
    void concurrentRetriesOfOneSendWriteItOnce() throws Exception {
        log.createTopic("orders", 1);
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                IdempotencyKey once = new IdempotencyKey("order-" + round, "fp", DAY);
                List<Future<IdempotentSend>> sends = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    Callable<IdempotentSend> send = () -> {
                        start.await();
                        return log.send(once, "orders", 0, null, null, "same");
                    };
                    sends.add(pool.submit(send));
                }
                List<IdempotentSend> answers = new ArrayList<>();
                for (Future<IdempotentSend> send : sends) {
                    answers.add(send.get());
                }
                assertThat(answers).extracting(IdempotentSend::batch).containsOnly(new BatchResult(round + 1, 1));
                assertThat(answers).filteredOn(answer -> !answer.replayed()).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.endOffset("orders", 0)).isEqualTo(20);
    }

    @Test
    void badKeysAndWindowsAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> new IdempotencyKey("", "fp", DAY)).hasMessage("Invalid idempotency key '': use 1 to"
                + " 255 printable ASCII characters (letters, digits, - _ . : and the like), such as a UUID, one per"
                + " message or batch");
        assertThatThrownBy(() -> new IdempotencyKey("caf\u00e9", "fp", DAY)).hasMessageStartingWith(
                "Invalid idempotency key 'caf?'");
        assertThatThrownBy(() -> new IdempotencyKey("k".repeat(256), "fp", DAY)).hasMessageStartingWith(
                "Invalid idempotency key '" + "k".repeat(40) + "...' (256 characters)");
        assertThatThrownBy(() -> new IdempotencyKey("k", "fp", Duration.ZERO)).hasMessage(
                "Invalid idempotency window PT0S: use 1 ms to 36500 days");
        assertThat(new IdempotencyKey("k".repeat(255), "fp", DAY).key()).hasSize(255);
    }
}
