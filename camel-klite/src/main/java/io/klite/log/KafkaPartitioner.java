package io.klite.log;

import java.nio.charset.StandardCharsets;

/**
 * Kafka's default partitioner for keyed messages: {@code toPositive(murmur2(utf8(key))) % partitionCount}, so a key
 * lands in the same partition number it would in Kafka. A pure function: no state, no I/O.
 */
final class KafkaPartitioner {

    private KafkaPartitioner() {
    }

    /**
     * The partition for a key.
     *
     * @throws IllegalArgumentException when the key is null or the count is below 1
     */
    static int partitionFor(String key, int partitionCount) {
        if (key == null) {
            throw new IllegalArgumentException("key is null: only a non-null key picks a partition");
        }
        if (partitionCount < 1) {
            throw new IllegalArgumentException("Invalid partitionCount " + partitionCount + ": must be at least 1");
        }
        return toPositive(murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}, which fails on MIN_VALUE). */
    static int toPositive(int number) {
        return number & 0x7fffffff;
    }

    /** MurmurHash2, 32-bit, with Kafka's seed; the same function as Kafka's {@code Utils.murmur2}. */
    static int murmur2(byte[] data) {
        final int length = data.length;
        final int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;

        int h = seed ^ length;
        final int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            final int offset = i * 4;
            int k = (data[offset] & 0xff) + ((data[offset + 1] & 0xff) << 8)
                    + ((data[offset + 2] & 0xff) << 16) + ((data[offset + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        final int tail = blocks * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
            default:
                break;
        }

        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
