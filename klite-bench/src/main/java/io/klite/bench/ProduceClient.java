package io.klite.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * One of {@link ApiProduceBench}'s clients: its own kept-alive connection, posting one request after the other (a
 * closed loop). Every answer must be 201, or the benchmark fails. Keeps the latency of each request that ended within
 * a measured turn, by case, and every range of offsets the service answered for a message it stored.
 */
final class ProduceClient {

    /** Distinct bodies: single orders, and batches of {@link ApiProduceBench#BATCH_SIZE} orders as JSON arrays. */
    private static final List<byte[]> ORDERS = orders(1000);
    private static final List<byte[]> BATCHES = batches(20);

    private final KeepAliveConnection connection;
    private final int index;
    private final Map<ProduceCase, Histogram> latencies = new EnumMap<>(ProduceCase.class);
    private final Map<ProduceCase, Long> measuredRequests = new EnumMap<>(ProduceCase.class);
    /** Per message stored: partition, first offset, count, one after the other. */
    private long[] acknowledged = new long[3 * 1024];
    private int acknowledgedLength;
    private long sent;

    ProduceClient(KeepAliveConnection connection, int index) {
        this.connection = connection;
        this.index = index;
    }

    KeepAliveConnection connection() {
        return connection;
    }

    /**
     * Posts requests of {@code produceCase} until {@code deadline} (nanoTime); where {@code measured}, counts and
     * times those that ended by then.
     */
    void run(ProduceCase produceCase, long deadline, boolean measured) throws IOException {
        Histogram histogram = latencies.computeIfAbsent(produceCase,
                c -> new Histogram(1_000, 60_000_000_000L, 3));
        long requests = 0;
        while (System.nanoTime() < deadline) {
            long started = System.nanoTime();
            post(produceCase);
            long ended = System.nanoTime();
            if (measured && ended <= deadline) {
                histogram.recordValue(ended - started);
                requests++;
            }
        }
        measuredRequests.merge(produceCase, requests, Long::sum);
    }

    /** One request of the case; checks its answer and keeps the offsets the service stored the messages at. */
    KeepAliveConnection.Answer post(ProduceCase produceCase) throws IOException {
        long n = sent++ + index * 7919L;
        byte[] body = produceCase.batch() ? BATCHES.get((int) (n % BATCHES.size()))
                : ORDERS.get((int) (n % ORDERS.size()));
        String key = produceCase.withKey() ? UUID.randomUUID().toString() : null;
        KeepAliveConnection.Answer answer = connection.post(produceCase.path(), body, key);
        if (answer.status() != 201) {
            throw new IllegalStateException("POST " + produceCase.path() + " answered " + answer.status() + " "
                    + answer.text() + "; 201 was expected");
        }
        if (!produceCase.baseline()) {
            String json = answer.text();
            long partition = field(json, "partition");
            if (produceCase.batch()) {
                long count = field(json, "count");
                if (count != ApiProduceBench.BATCH_SIZE) {
                    throw new IllegalStateException("A batch of " + ApiProduceBench.BATCH_SIZE + " was answered "
                            + json);
                }
                acknowledge(partition, field(json, "firstOffset"), count);
            } else {
                acknowledge(partition, field(json, "offset"), 1);
            }
        }
        return answer;
    }

    Histogram latencies(ProduceCase produceCase) {
        return latencies.get(produceCase);
    }

    long measuredRequests(ProduceCase produceCase) {
        return measuredRequests.getOrDefault(produceCase, 0L);
    }

    /** The ranges the service answered: partition, first offset and count, one after the other. */
    long[] acknowledged() {
        return Arrays.copyOf(acknowledged, acknowledgedLength);
    }

    private void acknowledge(long partition, long firstOffset, long count) {
        if (acknowledgedLength == acknowledged.length) {
            acknowledged = Arrays.copyOf(acknowledged, acknowledged.length * 2);
        }
        acknowledged[acknowledgedLength++] = partition;
        acknowledged[acknowledgedLength++] = firstOffset;
        acknowledged[acknowledgedLength++] = count;
    }

    /** A whole-number field of the service's flat JSON answer, such as {@code "offset":12}. */
    static long field(String json, String name) {
        String quoted = "\"" + name + "\":";
        int start = json.indexOf(quoted);
        if (start < 0) {
            throw new IllegalStateException("No \"" + name + "\" in the answer " + json);
        }
        start += quoted.length();
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(start, end));
    }

    private static List<byte[]> orders(int count) {
        List<byte[]> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            orders.add(OrderPayloads.order(i));
        }
        return orders;
    }

    private static List<byte[]> batches(int count) {
        List<byte[]> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            ByteArrayOutputStream body =
                    new ByteArrayOutputStream(ApiProduceBench.BATCH_SIZE * (OrderPayloads.SIZE + 1));
            body.write('[');
            for (int i = 0; i < ApiProduceBench.BATCH_SIZE; i++) {
                if (i > 0) {
                    body.write(',');
                }
                body.writeBytes(OrderPayloads.order((long) b * ApiProduceBench.BATCH_SIZE + i));
            }
            body.write(']');
            batches.add(body.toByteArray());
        }
        return batches;
    }
}
