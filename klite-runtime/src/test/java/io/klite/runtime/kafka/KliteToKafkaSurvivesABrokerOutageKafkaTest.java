package io.klite.runtime.kafka;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.klite.kafka.broker.KafkaBroker;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.runtime.RunningKlite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker killed (kill -9), and later stopped (SIGTERM), in the middle of a mirror, with the producer's default
 * timeouts (a batch waits for Kafka up to {@code deliveryTimeoutMs}, 120 s): while it is down the Klite group's commits
 * stand still, and every message at or before a commit sampled then was stored in Kafka before the broker came back;
 * once it is back the mirror goes on by itself and every message reaches Kafka in its partition's order.
 *
 * <p>At-least-once allows Kafka to hold a message twice, and only as a run sent again: a batch whose records Kafka
 * stored but whose acknowledgement was lost is sent again whole, from its first message, so a partition reads as the
 * Klite partition with some runs repeated, never with a message missing or out of its place. The idempotent producer
 * retries a batch itself while the broker is away, which Kafka deduplicates: after a short outage the test expects
 * no duplicate at all and prints how many it saw.
 *
 * <p>"Stored before the broker came back" is read from Kafka afterwards: the Kafka topic stamps each record with the
 * broker's append time ({@code message.timestamp.type=LogAppendTime}), so the records from before the restart are
 * those stamped before it.
 */
class KliteToKafkaSurvivesABrokerOutageKafkaTest {

    private static final int MESSAGES = 60_000;
    private static final int PER_BATCH = 100;
    private static final String GROUP = "kafka-mirror";

    @TempDir
    Path dir;

    private KafkaBroker kafka;

    @AfterEach
    void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void nothingIsCommittedThatKafkaDidNotStoreAndTheMirrorResumesInOrder() throws Exception {
        kafka = KafkaBroker.start(dir.resolve("kafka"));
        String kafkaTopic = "orders-outage";
        kafka.admin().createTopics(List.of(new NewTopic(kafkaTopic, 3, (short) 1)
                .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"))) {
            log.createTopic("orders", 3);
            for (int batch = 0; batch < MESSAGES / PER_BATCH; batch++) {
                String key = "key-" + batch % 1000;
                List<String> payloads = new ArrayList<>();
                for (int i = batch * PER_BATCH; i < (batch + 1) * PER_BATCH; i++) {
                    payloads.add("{\"n\":" + i + "}");
                }
                log.sendBatch("orders", KliteLog.partitionFor(key, 3), key, Map.of("batch", String.valueOf(batch)),
                        payloads);
            }
        }
        Map<String, String> settings = new MirrorRoutes(dir).route("orders-to-kafka", "topic", "orders",
                "group", GROUP, "brokers", kafka.bootstrapServers(), "kafkaTopic", kafkaTopic,
                "interval", "100ms", "maxInterval", "1s").write();

        try (RunningKlite klite = RunningKlite.start(dir, settings)) {
            KliteLog file = klite.file();
            List<Outage> outages = new ArrayList<>();
            outages.add(outage(file, 6_000, "killed", kafka::kill));
            outages.add(outage(file, 30_000, "stopped", kafka::stop));
            long back = System.nanoTime();
            await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
                long[] now = committed(file);
                for (int p = 0; p < 3; p++) {
                    if (now[p] < file.endOffset("orders", p)) {
                        return false;
                    }
                }
                return true;
            });
            long done = System.nanoTime();

            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> inKafka =
                    KafkaReadBack.records(kafka.clientProperties(), kafkaTopic);
            int duplicates = 0;
            for (int partition = 0; partition < 3; partition++) {
                int p = partition;
                List<Message> inKlite = KliteToKafkaMirrorsAFullTopicKafkaTest.readAll(file, "orders", p);
                List<String> expected = inKlite.stream().map(m -> text(m.payload())).toList();
                List<ConsumerRecord<byte[], byte[]>> records = inKafka.get(p);
                List<String> got = records.stream().map(r -> text(r.value())).toList();
                assertInOrderWithRunsSentAgain(p, expected, got);
                duplicates += got.size() - expected.size();
                for (Outage outage : outages) {
                    Set<String> storedBeforeRestart = new HashSet<>();
                    records.stream().filter(r -> r.timestamp() < outage.restartedAt)
                            .forEach(r -> storedBeforeRestart.add(text(r.value())));
                    // the highest commit sampled covers the others: commits never move backwards
                    long highest = outage.samples.stream().mapToLong(sample -> sample[p]).max().orElseThrow();
                    List<Long> notStored = inKlite.stream().filter(m -> m.offset() <= highest)
                            .filter(m -> !storedBeforeRestart.contains(text(m.payload()))).map(Message::offset).toList();
                    assertThat(notStored).as("partition %d: Klite offsets up to %d, committed while Kafka was %s, that"
                            + " Kafka had not stored before it came back", p, highest, outage.how).isEmpty();
                }
            }
            for (Outage outage : outages) {
                System.out.printf("klite-to-kafka outage: broker %s at %,d of %,d messages committed; commits stood"
                        + " still in %d samples while down; back after %.1f s%n", outage.how,
                        total(outage.samples.get(0)), MESSAGES, outage.samples.size(), outage.downSeconds);
            }
            System.out.printf("klite-to-kafka outage: mirror done %.1f s after the second restart; %d duplicate(s) in"
                    + " Kafka%n", seconds(done - back), duplicates);
            assertThat(duplicates).as("duplicates after short outages, with the idempotent producer").isZero();
        }
    }

    /** An outage of the broker and the Klite group's commits sampled during it. */
    private record Outage(String how, List<long[]> samples, long restartedAt, double downSeconds) {
    }

    /**
     * Once {@code committedAtLeast} messages are committed, takes the broker down; samples the commits every 200 ms
     * until they have stood still for 1.5 s (a batch Kafka acknowledged just before may still commit at first), which
     * they must; then starts the broker again.
     */
    private Outage outage(KliteLog file, int committedAtLeast, String how, Runnable down) {
        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(5))
                .until(() -> total(committed(file)) >= committedAtLeast);
        down.run();
        long downAt = System.nanoTime();
        List<long[]> samples = new ArrayList<>();
        samples.add(committed(file));
        assertThat(total(samples.get(0))).as("broker %s in the middle of the mirror", how).isLessThan(MESSAGES);
        await().atMost(20, SECONDS).during(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long[] now = committed(file);
            boolean same = Arrays.equals(now, samples.get(samples.size() - 1));
            samples.add(now);
            return same;
        });
        long restartedAt = System.currentTimeMillis();
        kafka.restart();
        return new Outage(how, samples, restartedAt, seconds(System.nanoTime() - downAt));
    }

    /**
     * Kafka's partition holds the Klite partition in order, where a message may come again only as part of a run sent
     * again: after a message, the next is the one that follows it in Klite, or an earlier one a run starts again
     * from; never one further on (a gap) and never missing at the end.
     */
    static void assertInOrderWithRunsSentAgain(int partition, List<String> expected, List<String> got) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < expected.size(); i++) {
            index.put(expected.get(i), i);
        }
        int next = 0;
        int reached = 0;
        for (int k = 0; k < got.size(); k++) {
            Integer at = index.get(got.get(k));
            assertThat(at).as("partition %d, Kafka offset %d: %s is a Klite message", partition, k, got.get(k))
                    .isNotNull();
            if (at != next) {
                assertThat(at).as("partition %d, Kafka offset %d: %s comes after Klite message %d; only a run sent"
                        + " again may go back, nothing may be skipped", partition, k, got.get(k), next - 1)
                        .isLessThan(next);
            }
            next = at + 1;
            reached = Math.max(reached, next);
        }
        assertThat(reached).as("partition %d: every Klite message reached Kafka", partition)
                .isEqualTo(expected.size());
    }

    private static long[] committed(KliteLog file) {
        long[] offsets = new long[3];
        for (int p = 0; p < 3; p++) {
            offsets[p] = file.committed(GROUP, "orders", p).orElse(0);
        }
        return offsets;
    }

    private static long total(long[] offsets) {
        return offsets[0] + offsets[1] + offsets[2];
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
