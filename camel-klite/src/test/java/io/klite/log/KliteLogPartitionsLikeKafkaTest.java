package io.klite.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** A key lands in the partition Kafka's default partitioner would choose, checked against kafka-clients itself. */
class KliteLogPartitionsLikeKafkaTest {

    @Test
    void matchesKafkaForManyRandomKeysAndPartitionCounts() {
        Random random = new Random(20261126);
        for (int i = 0; i < 100_000; i++) {
            String key = randomKey(random);
            int partitions = 1 + random.nextInt(64);
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            int kafka = Utils.toPositive(Utils.murmur2(bytes)) % partitions;
            assertThat(KliteLog.partitionFor(key, partitions)).as("key %s over %d partitions", key, partitions)
                    .isEqualTo(kafka);
            assertThat(KafkaPartitioner.murmur2(bytes)).isEqualTo(Utils.murmur2(bytes));
        }
    }

    @Test
    void matchesKafkaOnEdgeKeys() {
        for (String key : new String[] {"", "a", "ab", "abc", "abcd", "abcde", "ünïcode-日本", "\u0000", "🙂🙂🙂"}) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            assertThat(KliteLog.partitionFor(key, 7)).isEqualTo(Utils.toPositive(Utils.murmur2(bytes)) % 7);
        }
    }

    @Test
    void refusesANullKeyOrNoPartitions() {
        assertThatThrownBy(() -> KliteLog.partitionFor(null, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key is null");
        assertThatThrownBy(() -> KliteLog.partitionFor("k", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitionCount 0");
    }

    private static String randomKey(Random random) {
        int length = random.nextInt(40);
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.appendCodePoint(random.nextInt(10) == 0 ? 0x80 + random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f));
        }
        return key.toString();
    }
}
