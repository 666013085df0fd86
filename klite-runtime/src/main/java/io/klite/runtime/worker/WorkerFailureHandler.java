package io.klite.runtime.worker;

import io.klite.camel.KliteConstants;
import io.klite.camel.consumer.DeliveryFailure;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker consumers' {@code exceptionHandler}. Invariant: each failed attempt at a batch is logged once, as one WARN
 * line ({@link WorkerFailures#line}) from the consumer's {@link DeliveryFailure} (attempt n of max, the next attempt or
 * the dead-letter topic), its stack trace only at DEBUG; a batch accepted after failed attempts is one INFO line with
 * the consumer's count. A failure that is not a delivery (the consumer's read or commit) is one WARN line naming what
 * failed. It keeps no count of its own: the consumer's, kept in the file, is the one the health check reports.
 */
final class WorkerFailureHandler implements ExceptionHandler {

    /** The registry name the worker routes' {@code klite:} URIs refer to. */
    static final String BEAN = "kliteWorkerFailureHandler";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerFailureHandler.class);

    private final String timeout;

    /** @param timeout the workers' HTTP timeout as written, for the reason of an attempt without an answer */
    WorkerFailureHandler(String timeout) {
        this.timeout = timeout;
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
        HttpWorker worker = exchange == null ? null : exchange.getProperty(HttpWorker.PROPERTY, HttpWorker.class);
        if (first == null || worker == null) {
            // not a delivery: a read or commit failure of the consumer, which names what failed in its message
            LOG.warn("{}: {}", message, WorkerFailures.reason(exception, null));
            LOG.debug("Failure in detail", exception);
            return;
        }
        String reason = WorkerFailures.reason(exception, timeout);
        DeliveryFailure failure = exchange.getProperty(DeliveryFailure.PROPERTY, DeliveryFailure.class);
        if (failure != null) {
            LOG.warn("{}", WorkerFailures.line(worker, failure, reason));
        } else {
            // the consumer's own summary: it sets a DeliveryFailure on every failed delivery it reports
            LOG.warn("{}; reason: {}; endpoint {}", message, reason, HttpWorker.withoutQuery(worker.endpoint()));
        }
        LOG.debug("Delivery failure in detail", exception);
    }

    /** Logs the end of a run of failures where an accepted batch was not its first attempt (the consumer's count). */
    void delivered(Exchange exchange) {
        Integer attempt = exchange.getIn().getHeader(KliteConstants.ATTEMPT, Integer.class);
        HttpWorker worker = exchange.getProperty(HttpWorker.PROPERTY, HttpWorker.class);
        if (attempt != null && attempt > 1 && worker != null) {
            LOG.info("Delivered after {} failed attempt(s): topic '{}' partition {} offsets {}..{} group '{}'; endpoint {}",
                    attempt - 1, worker.topic(), worker.partition(),
                    exchange.getIn().getHeader(KliteConstants.FIRST_OFFSET),
                    exchange.getIn().getHeader(KliteConstants.LAST_OFFSET), worker.group(),
                    HttpWorker.withoutQuery(worker.endpoint()));
        }
    }
}
