package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * 8 threads sending (single messages and batches) while 2 fetch-and-commit loops of one group consume: every
 * sent offset is consumed exactly once by the group's loops, in offset order per partition, and nothing is lost.
 * Concurrent sends and commits share transactions (group commit); with both durabilities each caller gets its own
 * offsets, a batch's contiguous.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KliteLogConcurrentSendAndFetchTest {

    private static final int SENDERS = 8;
    private static final int ROUNDS = 250;
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everySentOffsetIsConsumedInOrder(Durability durability) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 2);
        try (KliteLog log = KliteLog.open(dir.resolve("klite.db"), LogOptions.DEFAULTS.withDurability(durability))) {
            log.createTopic("events", PARTITIONS);
            Map<Integer, Map<Long, String>> sent = new ConcurrentHashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                sent.put(p, new ConcurrentHashMap<>());
            }
            Map<Integer, List<Message>> consumed = new ConcurrentHashMap<>();
            AtomicBoolean sending = new AtomicBoolean(true);

            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                int thread = t;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        int partition = (thread + i) % PARTITIONS;
                        String payload = "t" + thread + "-" + i;
                        if (i % 10 == 0) {
                            List<String> batch = List.of(payload + "a", payload + "b", payload + "c");
                            BatchResult result = log.sendBatch("events", partition, batch);
                            for (int b = 0; b < batch.size(); b++) {
                                sent.get(partition).put(result.firstOffset() + b, batch.get(b));
                            }
                        } else {
                            sent.get(partition).put(log.send("events", partition, payload), payload);
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> consumers = new ArrayList<>();
            for (int[] assigned : new int[][] {{0, 1}, {2, 3}}) {
                consumers.add(pool.submit(() -> {
                    while (true) {
                        // a round that starts after the last send and finds nothing has consumed everything
                        boolean lastRound = !sending.get();
                        boolean drained = true;
                        for (int partition : assigned) {
                            List<Message> batch = log.fetch("readers", "events", partition, 50);
                            if (!batch.isEmpty()) {
                                drained = false;
                                consumed.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(batch);
                                log.commit("readers", "events", partition, batch.get(batch.size() - 1).offset());
                            }
                        }
                        if (lastRound && drained) {
                            return null;
                        }
                    }
                }));
            }

            for (Future<?> sender : senders) {
                sender.get(2, TimeUnit.MINUTES);
            }
            sending.set(false);
            for (Future<?> consumer : consumers) {
                consumer.get(2, TimeUnit.MINUTES);
            }

            int total = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                Map<Long, String> expected = sent.get(p);
                List<Message> got = consumed.getOrDefault(p, List.of());
                total += got.size();
                assertThat(got).extracting(Message::offset).as("partition %d", p)
                        .containsExactlyElementsOf(expected.keySet().stream().sorted().toList());
                Map<Long, String> payloads = new HashMap<>();
                got.forEach(m -> payloads.put(m.offset(), new String(m.payload(), StandardCharsets.UTF_8)));
                assertThat(payloads).isEqualTo(expected);
                assertThat(got.get(0).offset()).isEqualTo(1);
                assertThat(got.get(got.size() - 1).offset()).isEqualTo(expected.size());
                assertThat(log.committed("readers", "events", p)).hasValue(expected.size());
            }
            assertThat(total).isEqualTo(SENDERS * ROUNDS + SENDERS * (ROUNDS / 10) * 2);
            assertThat(log.groups()).allSatisfy(g -> assertThat(g.lag()).isZero());
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }
}
