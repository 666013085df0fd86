package io.klite.runtime.worker;

import io.klite.camel.KliteConstants;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How HTTP workers report: one line per failed attempt, naming topic, partition, group, offsets, endpoint and the
 * reason (an error status, no answer in time, a refused connection), and one line when a batch that failed gets
 * through. No stack trace per retry; the exception is logged at DEBUG. It is the worker consumers'
 * {@code exceptionHandler}; the routes call {@link #delivered} after each accepted batch.
 */
public final class DeliveryLog implements ExceptionHandler {

    /** The registry name worker routes refer to. */
    public static final String BEAN = "kliteDeliveryLog";

    /** Exchange properties of a worker route: its endpoint, interval and timeout, and the endpoint's origin. */
    static final String ENDPOINT = "CamelKliteWorkerEndpoint";
    static final String ORIGIN = "CamelKliteWorkerOrigin";
    static final String INTERVAL = "CamelKliteWorkerInterval";
    static final String TIMEOUT = "CamelKliteWorkerTimeout";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);
    private static final int MAX_ANSWER_IN_LOG = 200;

    /** Consecutive failed attempts per route, for the batch starting at {@code firstOffset}. */
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    /** The batch a worker route keeps failing to deliver. */
    record Failing(long firstOffset, Object lastOffset, int attempts, String reason, Instant since) {
    }

    @Override
    public void handleException(Throwable exception) {
        handleException("Worker consumer failure", null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        Long first = exchange == null ? null : exchange.getIn().getHeader(KliteConstants.FIRST_OFFSET, Long.class);
        if (first == null) {
            // not a delivery: a read or commit failure of the consumer, which names what failed in its message
            LOG.warn("{}: {}", message, reason(exception, null));
            LOG.debug("Failure in detail", exception);
            return;
        }
        String reason = reason(exception, exchange.getProperty(TIMEOUT, String.class));
        Object last = exchange.getIn().getHeader(KliteConstants.LAST_OFFSET);
        Failing now = failing.compute(exchange.getFromRouteId(), (route, before) ->
                before != null && before.firstOffset() == first
                        ? new Failing(first, last, before.attempts() + 1, reason, before.since())
                        : new Failing(first, last, 1, reason, Instant.now()));
        LOG.warn("Delivery to {} failed: {}; topic '{}' partition {} offsets {}..{} for group '{}', attempt {};"
                 + " posting the same batch again in {}",
                forLog(exchange), reason,
                exchange.getIn().getHeader(KliteConstants.TOPIC), exchange.getIn().getHeader(KliteConstants.PARTITION),
                first, last,
                exchange.getIn().getHeader(KliteConstants.GROUP), now.attempts(), exchange.getProperty(INTERVAL));
        LOG.debug("Delivery failure in detail", exception);
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

    /** Notes an accepted batch, logging the end of a run of failures. */
    public void delivered(Exchange exchange) {
        Failing before = failing.remove(exchange.getFromRouteId());
        if (before != null) {
            LOG.info("Delivered to {} after {} failed attempt(s): topic '{}' partition {} offsets {}..{} for group '{}'",
                    forLog(exchange), before.attempts(), exchange.getIn().getHeader(KliteConstants.TOPIC),
                    exchange.getIn().getHeader(KliteConstants.PARTITION),
                    exchange.getIn().getHeader(KliteConstants.FIRST_OFFSET),
                    exchange.getIn().getHeader(KliteConstants.LAST_OFFSET),
                    exchange.getIn().getHeader(KliteConstants.GROUP));
        }
    }

    private static String forLog(Exchange exchange) {
        return HttpWorker.withoutQuery(URI.create(exchange.getProperty(ENDPOINT, String.class)));
    }

    /** Why an attempt failed, in a few words. */
    static String reason(Throwable exception, String timeout) {
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
}
