package io.klite.runtime.worker;

import io.klite.camel.consumer.DeliveryFailure;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * The one wording of a worker's failed attempt in the service's log: {@link #line} and {@link #reason}. It keeps no
 * state: how often a worker's batch has failed, and since when, is the consumer's (the {@code klite:} route's
 * {@code CamelKliteAttempt} header and {@link io.klite.camel.consumer.DeliveryFailure}, counted in the file), and so
 * is the health of each worker, its consumer's check {@code consumer:worker:<topic>:<group>:<partition>}.
 */
public final class WorkerFailures {

    private static final int MAX_ANSWER_IN_LOG = 200;

    private WorkerFailures() {
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
            if (t instanceof HttpAnswerFailure answer) {
                return answer.getMessage();
            }
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
