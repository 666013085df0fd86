package io.klite.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling the HTTP hop allows: one JDK {@link HttpClient} (HTTP/1.1) POSTing pre-serialized batch bodies of the
 * worker format to a {@link BatchSink} one after the other, as fast as the sink answers. Nothing is read from a log
 * and nothing is serialized while it is measured.
 */
final class HttpBaseline {

    static final Duration WARM_UP = Duration.ofSeconds(2);
    static final Duration MEASURED = Duration.ofSeconds(5);

    /** Distinct bodies the client cycles through. */
    private static final int BODIES = 20;

    private HttpBaseline() {
    }

    /** Messages per second the sink accepted while {@link #MEASURED}, after {@link #WARM_UP}. */
    static double messagesPerSecond(int batchSize) throws IOException, InterruptedException {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < BODIES; i++) {
            bodies.add(OrderPayloads.batchBody(RuntimeDeliveryBench.TOPIC, 0, 1L + (long) i * batchSize, batchSize,
                    "2026-11-26 10:00:00"));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (BatchSink sink = new BatchSink(Long.MAX_VALUE, false)) {
            URI url = URI.create(sink.url());
            post(client, url, bodies, batchSize, WARM_UP);
            long start = System.nanoTime();
            long messages = post(client, url, bodies, batchSize, MEASURED);
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** POSTs bodies in turn for {@code duration}; returns the messages they held. */
    private static long post(HttpClient client, URI url, List<byte[]> bodies, int batchSize, Duration duration)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long messages = 0;
        for (int i = 0; System.nanoTime() < end; i++) {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i % bodies.size())))
                    .build();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IOException("The sink at " + url + " answered " + response.statusCode() + " to a baseline"
                                      + " batch; 200 was expected");
            }
            messages += batchSize;
        }
        return messages;
    }
}
