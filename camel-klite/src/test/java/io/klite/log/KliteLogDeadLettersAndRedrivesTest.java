package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Failed deliveries are counted in the file until the group commits past them; a dead-letter write and the group's
 * commit past it are one transaction; a redrive copies dead letters back once, with their key and headers.
 */
class KliteLogDeadLettersAndRedrivesTest extends LogTestSupport {

    private static final Instant FAILED_AT = Instant.parse("2026-12-01T10:00:00.123Z");

    @Test
    void failedAttemptsAreCountedUntilTheGroupCommitsPastThem() {
        log.sendBatch("orders", 0, List.of("a", "b", "c"));

        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 1, "java.io.IOException: down")).isEqualTo(1);
        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 2, "under way")).isEqualTo(2);
        // the same attempt again (recorded as it started, then as it failed) counts once; a count never goes down
        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 2, "java.io.IOException: still down"))
                .isEqualTo(2);
        assertThat(log.deliveryAttempt("billing", "orders", 0, 2, 2, 1, "java.io.IOException: still down"))
                .isEqualTo(2);
        assertThat(log.deliveryAttempt("audit", "orders", 0, 1, 3, 1, "HTTP 500")).isEqualTo(1);

        List<DeliveryAttempts> billing = log.deliveryAttempts("billing", "orders");
        assertThat(billing).singleElement().satisfies(row -> {
            assertThat(row.firstOffset()).isEqualTo(2);
            assertThat(row.attempts()).isEqualTo(2);
            assertThat(row.lastError()).isEqualTo("java.io.IOException: still down");
            assertThat(row.firstFailedAt()).isBeforeOrEqualTo(row.lastFailedAt());
        });
        assertThat(log.deliveryAttempts()).hasSize(2);

        log.commit("billing", "orders", 0, 1);
        assertThat(log.deliveryAttempts("billing", "orders")).hasSize(1);
        log.commit("billing", "orders", 0, 2);
        assertThat(log.deliveryAttempts("billing", "orders")).isEmpty();
        assertThat(log.deliveryAttempts("audit", "orders")).hasSize(1);

        log.resetOffset("audit", "orders", 0, 0);
        assertThat(log.deliveryAttempts()).isEmpty();
    }

    @Test
    void anAttemptOfNoMessageIsRefusedAndNothingWritten() {
        log.sendBatch("orders", 0, List.of("a", "b"));

        assertThatThrownBy(() -> log.deliveryAttempt("billing", "nosuch", 0, 1, 1, 1, "x"))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("nosuch-0: the partition holds no messages");
        assertThatThrownBy(() -> log.deliveryAttempt("billing", "orders", 5, 1, 1, 1, "x"))
                .isInstanceOf(InvalidPartitionException.class);
        assertThatThrownBy(() -> log.deliveryAttempt("billing", "orders", 0, 2, 1, 1, "x"))
                .hasMessageContaining("Invalid attempt 1 of offsets 2..1");
        assertThatThrownBy(() -> log.deliveryAttempt("billing", "orders", 0, 1, 1, 0, "x"))
                .hasMessageContaining("attempts are numbered from 1");
        assertThatThrownBy(() -> log.deadLetter(new DeadLetter("billing", "orders", 0, log.read("orders", 0, 0, 1),
                "orders.dlq", 0, "java.lang.Exception", "x", FAILED_AT)))
                .hasMessageContaining("after 0 attempts");
        assertThat(log.deliveryAttempts()).isEmpty();
        assertThat(log.partitionCount("orders.dlq")).isZero();
    }

    @Test
    void aDeadLetterIsWrittenWithItsHeadersAndCommittedPastInOneGo() {
        log.send("orders", 0, "k1", Map.of("tenant", "acme"), "first");
        log.send("orders", 0, "k2", null, "poison");
        log.send("orders", 0, "after");
        log.deliveryAttempt("billing", "orders", 0, 2, 2, 1, "bad");

        List<Message> poison = log.read("orders", 0, 1, 1);
        int written = log.deadLetter(new DeadLetter("billing", "orders", 0, poison, "orders.dlq", 3,
                "java.lang.IllegalStateException", "no such customer", FAILED_AT));

        assertThat(written).isEqualTo(1);
        assertThat(log.committed("billing", "orders", 0)).hasValue(2);
        assertThat(log.deliveryAttempts()).isEmpty();
        assertThat(log.partitionCount("orders.dlq")).isEqualTo(1);
        Message dead = log.read("orders.dlq", 0, 0, 10).get(0);
        assertThat(new String(dead.payload())).isEqualTo("poison");
        assertThat(dead.key()).isEqualTo("k2");
        assertThat(dead.headers()).containsExactly(
                Map.entry(DeadLetter.ORIGINAL_TOPIC, "orders"),
                Map.entry(DeadLetter.ORIGINAL_PARTITION, "0"),
                Map.entry(DeadLetter.ORIGINAL_OFFSET, "2"),
                Map.entry(DeadLetter.GROUP, "billing"),
                Map.entry(DeadLetter.ATTEMPTS, "3"),
                Map.entry(DeadLetter.EXCEPTION_CLASS, "java.lang.IllegalStateException"),
                Map.entry(DeadLetter.EXCEPTION_MESSAGE, "no such customer"),
                Map.entry(DeadLetter.FAILED_AT, "2026-12-01T10:00:00.123Z"));

        // the same dead letter again (a second process, a retry after a lost answer) writes nothing
        assertThat(log.deadLetter(new DeadLetter("billing", "orders", 0, poison, "orders.dlq", 3,
                "java.lang.IllegalStateException", "no such customer", FAILED_AT))).isZero();
        assertThat(log.endOffset("orders.dlq", 0)).isEqualTo(1);
    }

    @Test
    void aDeadLetterGoesToTheSamePartitionNumberElseByKeyElsePartitionZero() {
        log.createTopic("orders", 6);
        log.createTopic("orders.dlq", 3);
        String keyOfPartition2 = "customer-0";
        for (int i = 1; KliteLog.partitionFor(keyOfPartition2, 3) != 2; i++) {
            keyOfPartition2 = "customer-" + i;
        }
        log.send("orders", 1, "a", "one");
        log.send("orders", 5, keyOfPartition2, "five");
        log.send("orders", 4, null, "four");

        deadLetter("orders", 1);
        deadLetter("orders", 5);
        deadLetter("orders", 4);

        assertThat(log.read("orders.dlq", 0, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("four");
        assertThat(log.read("orders.dlq", 1, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("one");
        assertThat(log.read("orders.dlq", 2, 0, 10)).extracting(m -> new String(m.payload())).containsExactly("five");
    }

    @Test
    void aBatchIsDeadLetteredWholeAndCommittedPastItsLastMessage() {
        log.sendBatch("orders", 0, "k", Map.of("h", "v"), List.of("1", "2", "3"));

        log.deadLetter(new DeadLetter("workers", "orders", 0, log.read("orders", 0, 0, 10), "failed", 2,
                "org.apache.camel.http.base.HttpOperationFailedException", null, FAILED_AT));

        assertThat(log.read("failed", 0, 0, 10)).extracting(m -> new String(m.payload()),
                        m -> m.headers().get(DeadLetter.ORIGINAL_OFFSET), m -> m.headers().get("h"),
                        m -> m.headers().get(DeadLetter.EXCEPTION_MESSAGE))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", "1", "v", ""),
                        org.assertj.core.groups.Tuple.tuple("2", "2", "v", ""),
                        org.assertj.core.groups.Tuple.tuple("3", "3", "v", ""));
        assertThat(log.committed("workers", "orders", 0)).hasValue(3);
    }

    @Test
    void aDeadLetterToItsOwnTopicOrAnInvalidOneWritesNothing() {
        log.send("orders", 0, "poison");
        List<Message> poison = log.read("orders", 0, 0, 1);

        assertThatThrownBy(() -> log.deadLetter(new DeadLetter("billing", "orders", 0, poison, "ORDERS", 1,
                "java.lang.Exception", "x", FAILED_AT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid dead-letter topic for topic 'orders': 'ORDERS' is the topic itself");
        assertThatThrownBy(() -> log.deadLetter(new DeadLetter("billing", "orders", 0, poison, "bad topic", 1,
                "java.lang.Exception", "x", FAILED_AT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad topic'");
        assertThat(log.committed("billing", "orders", 0)).isEmpty();
        assertThat(log.topics()).extracting(TopicInfo::topic).containsExactly("orders");
    }

    @Test
    void aRedriveCopiesDeadLettersBackOnceWithKeyAndHeaders() {
        log.createTopic("orders", 2);
        log.send("orders", 1, "k1", Map.of("tenant", "acme"), "one");
        log.send("orders", 1, "k2", null, "two");
        deadLetter("orders", 1);
        deadLetter("orders", 1);

        RedriveResult first = log.redrive("orders.dlq", 0, 0, 100);
        RedriveResult second = log.redrive("orders.dlq", 0, 0, 100);

        assertThat(first).isEqualTo(new RedriveResult("orders.dlq", 0, 2, 1, 2));
        assertThat(second.messages()).isZero();
        List<Message> back = log.read("orders", 1, 2, 10);
        assertThat(back).extracting(m -> new String(m.payload()), Message::key, Message::headers)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("one", "k1", Map.of("tenant", "acme")),
                        org.assertj.core.groups.Tuple.tuple("two", "k2", Map.of()));
        assertThat(log.committed(KliteLog.REDRIVE_GROUP, "orders.dlq", 0)).hasValue(2);
    }

    @Test
    void aRedriveOfARangeNeverSkipsADeadLetterNotRedrivenYet() {
        log.sendBatch("orders", 0, List.of("1", "2", "3", "4"));
        for (int i = 0; i < 4; i++) {
            deadLetter("orders", 0);
        }

        assertThatThrownBy(() -> log.redrive("orders.dlq", 0, 3, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the dead letters from offset 1 on have not been redriven")
                .hasMessageContaining("start at 1 or before");
        assertThat(log.redrive("orders.dlq", 0, 1, 2).messages()).isEqualTo(2);
        assertThat(log.redrive("orders.dlq", 0, 1, 4)).isEqualTo(new RedriveResult("orders.dlq", 0, 2, 3, 4));
        assertThat(log.read("orders", 0, 4, 10)).extracting(m -> new String(m.payload()))
                .containsExactly("1", "2", "3", "4");
        assertThatThrownBy(() -> log.redrive("nothing.dlq", 0, 0, 1)).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> log.redrive("orders.dlq", 0, 5, 1)).hasMessageContaining("Invalid offset range 5..1");
    }

    @Test
    void twoRedrivesAtOnceCopyEachDeadLetterOnce() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            payloads.add("m" + i);
        }
        log.sendBatch("orders", 0, payloads);
        log.deadLetter(new DeadLetter("billing", "orders", 0, log.read("orders", 0, 0, 10_000), "orders.dlq", 1,
                "java.lang.Exception", "x", FAILED_AT));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<RedriveResult>> a = pool.submit(() -> log.redriveAll("orders.dlq"));
            Future<List<RedriveResult>> b = pool.submit(() -> log.redriveAll("orders.dlq"));
            assertThat(a.get().get(0).messages() + b.get().get(0).messages()).isEqualTo(1200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(log.read("orders", 0, 1200, 10_000)).extracting(m -> new String(m.payload()))
                .containsExactlyElementsOf(payloads);
    }

    @Test
    void aReadEndsBeforeTheMessageThatWouldPassTheByteCapButTakesAtLeastOne() {
        log.sendBatch("orders", 0, List.of(new byte[300], new byte[300], new byte[300], new byte[300]));
        log.send("orders", 0, new byte[5000]);
        log.send("orders", 0, new byte[10]);

        assertThat(log.read("orders", 0, 0, 100, 1000)).extracting(Message::offset).containsExactly(1L, 2L, 3L);
        assertThat(log.read("orders", 0, 3, 100, 1000)).extracting(Message::offset).containsExactly(4L);
        assertThat(log.read("orders", 0, 4, 100, 1000)).extracting(Message::offset).containsExactly(5L);
        assertThat(log.fetch("billing", "orders", 0, 100, 600)).extracting(Message::offset).containsExactly(1L, 2L);
        assertThatThrownBy(() -> log.read("orders", 0, 0, 100, 0))
                .hasMessageContaining("'0' is not a byte count; allowed: 1 or more");
    }

    /** Dead-letters the next message of the partition for group "billing", as a consumer would. */
    private void deadLetter(String topic, int partition) {
        List<Message> next = log.fetch("billing", topic, partition, 1);
        log.deadLetter(new DeadLetter("billing", topic, partition, next, topic + ".dlq", 1, "java.lang.Exception",
                "failed", FAILED_AT));
    }
}
