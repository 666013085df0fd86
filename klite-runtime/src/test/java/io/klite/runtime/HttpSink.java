package io.klite.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on 127.0.0.1: the JDK's HTTP server, recording every request as it arrives and answering with
 * the status its {@link Responder} picks. A responder may hold a request with {@link #hold}, which waits until the
 * sink closes: a server that never answers in time.
 */
public final class HttpSink implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Picks the answer to a request; may block. */
    public interface Responder {
        int answer(Request request) throws Exception;

        /**
         * Answers 200 to the first {@code accepted} requests, then holds each next one until {@code release} opens (at
         * most 60 s) and answers 200: a receiver that has a batch in flight when the test acts.
         */
        static Responder acceptingThenHolding(int accepted, java.util.concurrent.CountDownLatch release) {
            java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
            return request -> {
                if (requests.incrementAndGet() > accepted) {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                }
                return 200;
            };
        }
    }

    /** A request as the sink received it, and the status it answered (0 while unanswered). */
    public static final class Request {
        public final String method;
        public final String pathAndQuery;
        public final Headers headers;
        public final byte[] body;
        public final java.time.Instant receivedAt = java.time.Instant.now();
        /** Headers a responder wants on its answer. */
        public final Map<String, String> answerHeaders = new java.util.concurrent.ConcurrentHashMap<>();
        /** The body a responder wants on its answer; none where null. */
        public volatile byte[] answerBody;
        public volatile int status;
        private final HttpSink sink;

        Request(HttpSink sink, String method, String pathAndQuery, Headers headers, byte[] body) {
            this.sink = sink;
            this.method = method;
            this.pathAndQuery = pathAndQuery;
            this.headers = headers;
            this.body = body;
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public int partition() {
            return json().get("partition").asInt();
        }

        public List<Long> offsets() {
            List<Long> offsets = new ArrayList<>();
            json().get("messages").forEach(m -> offsets.add(m.get("offset").asLong()));
            return offsets;
        }

        public boolean accepted() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return method + " " + pathAndQuery + " -> " + status + ": " + new String(body);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> received = new CopyOnWriteArrayList<>();

    private HttpSink(int port, Responder responder) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, responder));
        server.start();
    }

    /** A sink on a free port that answers every request with 200. */
    public static HttpSink start() throws IOException {
        return new HttpSink(0, request -> 200);
    }

    public static HttpSink start(Responder responder) throws IOException {
        return new HttpSink(0, responder);
    }

    /** A sink on a given port, as a restarted receiver would be. */
    public static HttpSink start(int port, Responder responder) throws IOException {
        return new HttpSink(port, responder);
    }

    private void handle(HttpExchange exchange, Responder responder) throws IOException {
        Request request = new Request(this, exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes());
        received.add(request);
        int status;
        try {
            status = responder.answer(request);
        } catch (Exception e) {
            status = 599;
        }
        request.answerHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        try {
            byte[] body = request.answerBody;
            exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            request.status = status;
        } catch (IOException e) {
            request.status = -1; // the client had gone
        } finally {
            exchange.close();
        }
    }

    /**
     * For a responder: holds the request until its sink closes, an answer that never comes in time, and then
     * answers 200 to a client that has long gone.
     */
    public static int holdUntilClosed(Request request) throws InterruptedException {
        request.sink.closing.await(60, TimeUnit.SECONDS);
        return 200;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    /** Every request so far, in arrival order. */
    public List<Request> received() {
        return List.copyOf(received);
    }

    /** The requests of one partition, in arrival order. */
    public List<Request> received(int partition) {
        return received.stream().filter(r -> r.partition() == partition).toList();
    }

    /** Stops listening at once: connections to the port are refused from now on. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
