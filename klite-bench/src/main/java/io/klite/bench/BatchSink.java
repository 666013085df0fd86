package io.klite.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP endpoint on 127.0.0.1 that takes batches in the worker delivery format
 * ({@code {"topic":..,"partition":..,"messages":[{"offset":..,"data":..,"created":..}]}}), parses each body in full
 * and answers 200 with no body.
 *
 * <p>Invariants, where it checks offsets: a batch is counted only when its offsets run on, one by one, from the last
 * offset accepted on its partition (the first batch of a partition from offset 1); any other batch is refused with
 * 409 and kept as the sink's {@link #failure()}. The count is of accepted messages only, so it never counts a
 * message twice.
 */
final class BatchSink implements AutoCloseable {

    /** Leaves the request body open, to be read to its end after the batch. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    private static final int THREADS = 4;

    private final long expectedMessages;
    private final boolean checkOffsets;
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicLong received = new AtomicLong();
    private final Map<Integer, Long> lastOffsets = new ConcurrentHashMap<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final CountDownLatch allReceived = new CountDownLatch(1);
    private volatile long firstPostNanos;
    private volatile long firstPostMillis;
    private volatile long lastMessageNanos;
    private volatile long lastMessageMillis;

    /**
     * Starts the sink on a free port of 127.0.0.1.
     *
     * @param expectedMessages the count at which {@link #awaitAll} returns and the last message's time is taken
     * @param checkOffsets     whether batches must continue their partition's offsets (the baseline resends the
     *                         same bodies, so it does not check)
     */
    BatchSink(long expectedMessages, boolean checkOffsets) throws IOException {
        this.expectedMessages = expectedMessages;
        this.checkOffsets = checkOffsets;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.threads = Executors.newFixedThreadPool(THREADS, work -> {
            Thread thread = new Thread(work, "batch-sink");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL batches are POSTed to. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Messages accepted so far. */
    long received() {
        return received.get();
    }

    /** Why the sink refused a batch, or null where it refused none. */
    String failure() {
        return failure.get();
    }

    /** The last offset accepted on the partition; 0 where it accepted none. */
    long lastOffset(int partition) {
        return lastOffsets.getOrDefault(partition, 0L);
    }

    /** Waits until the expected count of messages was accepted; true where it was within the wait. */
    boolean awaitAll(Duration wait) throws InterruptedException {
        return allReceived.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@link System#nanoTime()} when the first POST arrived, 0 before. */
    long firstPostNanos() {
        return firstPostNanos;
    }

    /** {@link System#currentTimeMillis()} when the first POST arrived, 0 before. */
    long firstPostMillis() {
        return firstPostMillis;
    }

    /** {@link System#nanoTime()} when the count reached the expected messages, 0 before. */
    long lastMessageNanos() {
        return lastMessageNanos;
    }

    /** {@link System#currentTimeMillis()} when the count reached the expected messages, 0 before. */
    long lastMessageMillis() {
        return lastMessageMillis;
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (firstPostNanos == 0) {
            synchronized (this) {
                if (firstPostNanos == 0) {
                    firstPostMillis = System.currentTimeMillis();
                    firstPostNanos = System.nanoTime();
                }
            }
        }
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String refusal;
            try {
                refusal = accept(body);
            } catch (IOException | RuntimeException e) {
                refusal = "unreadable batch: " + e;
            }
            body.transferTo(OutputStream.nullOutputStream());
            if (refusal == null) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                failure.compareAndSet(null, refusal);
                byte[] answer = refusal.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(409, answer.length);
                exchange.getResponseBody().write(answer);
            }
        }
    }

    /** Parses one batch and counts it; returns why it is refused, or null where it is accepted. */
    private String accept(InputStream body) throws IOException {
        int partition = -1;
        long first = 0;
        long last = 0;
        int count = 0;
        boolean continuous = true;
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the batch");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("partition")) {
                    partition = parser.getIntValue();
                } else if (field.equals("messages")) {
                    expect(parser.currentToken(), JsonToken.START_ARRAY, "messages");
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        long offset = messageOffset(parser);
                        if (count == 0) {
                            first = offset;
                        } else if (offset != last + 1) {
                            continuous = false;
                        }
                        last = offset;
                        count++;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        if (partition < 0 || count == 0) {
            return "batch without a partition or without messages (partition " + partition + ", " + count
                   + " messages)";
        }
        if (checkOffsets) {
            String refusal = continueOffsets(partition, first, last, continuous);
            if (refusal != null) {
                return refusal;
            }
        }
        long total = received.addAndGet(count);
        if (total >= expectedMessages && total - count < expectedMessages) {
            lastMessageNanos = System.nanoTime();
            lastMessageMillis = System.currentTimeMillis();
            allReceived.countDown();
        }
        return null;
    }

    /** Moves the partition's last accepted offset to {@code last} where the batch continues it; else says why not. */
    private String continueOffsets(int partition, long first, long last, boolean continuous) {
        String[] refusal = new String[1];
        lastOffsets.compute(partition, (p, before) -> {
            long accepted = before == null ? 0 : before;
            if (!continuous || first != accepted + 1) {
                refusal[0] = "partition " + partition + ": batch of offsets " + first + ".." + last
                             + (continuous ? "" : " with a gap") + " after offset " + accepted + " was accepted";
                return before;
            }
            return last;
        });
        return refusal[0];
    }

    /** Reads one message object and returns its offset, skipping its data. */
    private static long messageOffset(JsonParser parser) throws IOException {
        long offset = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("offset")) {
                offset = parser.getLongValue();
            } else {
                parser.skipChildren();
            }
        }
        if (offset < 0) {
            throw new IOException("a message without an offset at " + parser.currentLocation());
        }
        return offset;
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException(what + " is " + actual + " where " + expected + " was expected");
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
