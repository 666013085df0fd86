package io.klite.runtime.worker;

import io.klite.camel.consumer.DeliveryFailure;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * The batches worker routes are failing to deliver: the state the workers' health check reads. Invariant: a route has
 * an entry from its first failed attempt at a batch until a batch of it is accepted or dead-lettered (either way its
 * partition has moved on); the attempts count up while the failing batch starts at the same offset, and start again
 * at 1 for another batch.
 *
 * <p>{@link #line} is the one wording of a failed attempt in the service's log.
 */
public final class WorkerFailures {

    /** The registry name under which the worker routes and the health check find it. */
    public static final String BEAN = "kliteWorkerFailures";

    private static final int MAX_ANSWER_IN_LOG = 200;

    /** Consecutive failed attempts per route, for the batch starting at {@code firstOffset}. */
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    /** The batch a worker route keeps failing to deliver. */
    record Failing(long firstOffset, long lastOffset, int attempts, String reason, Instant since) {
    }

    /** Notes a failed attempt of a route at the batch starting at {@code first}; the route's state after it. */
    Failing failed(String routeId, long first, long last, String reason) {
        return failing.compute(routeId, (route, before) -> before != null && before.firstOffset() == first
                ? new Failing(first, last, before.attempts() + 1, reason, before.since())
                : new Failing(first, last, 1, reason, Instant.now()));
    }

    /**
     * Notes an accepted or a dead-lettered batch of a route; the failures it ends, or {@code null} where there were
     * none.
     */
    Failing delivered(String routeId) {
        return failing.remove(routeId);
    }

    /** Failed attempts in a row of the batch a worker route is posting: 0 while its deliveries succeed. */
    public int failedAttempts(String routeId) {
        Failing now = failing.get(routeId);
        return now == null ? 0 : now.attempts();
    }

    /** The worker routes whose current batch has failed, by route id. */
    Map<String, Failing> failing() {
        return Map.copyOf(failing);
    }

    /**
     * A failed attempt as one log line: the consumer's {@link DeliveryFailure#logLine()} (topic, partition, offsets,
     * group, attempt n of max, when the next one is or where the batch went) with the worker's reason, and the
     * endpoint, such as {@code Delivery failed: topic 'orders' partition 0 offsets 1..3 group 'billing' attempt 2 of
     * 5; next attempt at 2026-12-01T10:00:01.500Z (in 1000 ms); reason: HTTP 500 Internal Server Error, answer:
     * {"error":"down"}; endpoint http://127.0.0.1:9000/hook}.
     *
     * @param reason the worker's reason ({@link #reason}) in place of the consumer's, which names only the exception
     */
    static String line(HttpWorker worker, DeliveryFailure failure, String reason) {
        return failure.withReason(reason).logLine()
               + "; endpoint " + HttpWorker.withoutQuery(worker.endpoint());
    }

    /** Why an attempt failed, in a few words on one line: the status and the start of the answer, or the error. */
    static String reason(Throwable exception, String timeout) {
        return oneLine(describe(exception, timeout));
    }

    private static String describe(Throwable exception, String timeout) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                String answer = http.getResponseBody() == null ? "" : http.getResponseBody().strip();
                if (answer.length() > MAX_ANSWER_IN_LOG) {
                    answer = answer.substring(0, MAX_ANSWER_IN_LOG) + "...";
                }
                return "HTTP " + http.getStatusCode()
                        + (http.getStatusText() == null || http.getStatusText().isEmpty() ? "" : " " + http.getStatusText())
                        + (http.getRedirectLocation() == null ? "" : " to " + http.getRedirectLocation())
                        + (answer.isEmpty() ? "" : ", answer: " + answer);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "cannot connect (" + t.getMessage() + ")";
            }
            if (t instanceof InterruptedIOException) {
                return "no answer within " + (timeout == null ? "the timeout" : timeout) + " (" + t.getMessage() + ")";
            }
            if (t instanceof NoHttpResponseException) {
                return "the connection closed without an answer (" + t.getMessage() + ")";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
        }
        return exception == null ? "unknown failure" : exception.getClass().getSimpleName() + ": " + exception.getMessage();
    }

    /** Line breaks and runs of white space in an answer or a message become one space: a log line stays one line. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
