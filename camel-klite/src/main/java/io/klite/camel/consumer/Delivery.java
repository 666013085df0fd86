package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.camel.MessageHeaders;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RollbackExchangeException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one partition's fetched messages to the route and commits what succeeded. Invariants: exchanges of a
 * partition run one at a time in offset order; the cursor and the committed offset only move past messages whose
 * exchange succeeded (an exception the route handled counts as success); a failure stops the partition until the
 * consumer's {@code delay} has passed, and is reported once: to the consumer's own {@code exceptionHandler}, or, with
 * Camel's default one (which would log it again with its stack trace) or {@code bridgeErrorHandler}, as one
 * {@link DeliveryFailure#logLine()} at WARN with the stack trace at DEBUG. Works through a {@link DeliveryContext},
 * not the consumer itself.
 */
public abstract class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    protected final DeliveryContext context;
    protected final KliteLog log;
    protected final String topic;
    protected final String group;
    private final boolean manualCommit;
    private final HeaderFilterStrategy headerFilter;
    private final HeadersMapFactory headersMaps;
    /** By partition: the headers that are the same for each of its exchanges (poll thread only). */
    private final Map<Integer, Map<String, Object>> partitionHeaders = new HashMap<>();
    /** The last {@code created} text read and its time header (poll thread only). */
    private String lastCreated;
    private Long lastTimestamp;

    protected Delivery(DeliveryContext context, KliteLog log, KliteConfiguration configuration) {
        this.context = context;
        this.log = log;
        this.topic = configuration.getTopic();
        this.group = configuration.getGroup();
        this.manualCommit = configuration.isAllowManualCommit();
        this.headerFilter = configuration.getHeaderFilterStrategy();
        this.headersMaps = context.headersMaps();
    }

    /**
     * Delivers messages fetched after the cursor's position, in offset order.
     *
     * @return how many messages were processed successfully
     */
    public abstract int deliver(PartitionCursor cursor, List<Message> messages);

    /**
     * Runs the route on an exchange that holds the messages from {@code firstOffset} to {@code lastOffset}, as
     * delivery {@code attempt} of them; whether it succeeded. A failure pauses the partition and is reported.
     */
    protected boolean process(Exchange exchange, PartitionCursor cursor, long firstOffset, long lastOffset) {
        exchange.getIn().setHeader(KliteConstants.ATTEMPT, cursor.attempt(firstOffset));
        try {
            context.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (!exchange.isFailed() && !exchange.isRollbackOnly()) {
            return true;
        }
        int attempt = cursor.failed(firstOffset);
        Duration wait = backoff(context.retryDelay(), context.retryMaxDelay(), attempt);
        cursor.pauseUntil(System.nanoTime() + wait.toNanos());
        Exception cause = exchange.getException() != null ? exchange.getException()
                : new RollbackExchangeException("The route marked the exchange rollback-only", exchange);
        DeliveryFailure failure = DeliveryFailure.retried(topic, cursor.partition(), firstOffset, lastOffset, group,
                attempt, 0, wait, Instant.now(), DeliveryFailure.reason(cause));
        exchange.setProperty(DeliveryFailure.PROPERTY, failure);
        if (context.bridgesErrors() || context.exceptionHandler() instanceof LoggingExceptionHandler) {
            // bridged, the exchange has been through the route's error handler already; Camel's default handler
            // would log it a second time, with its stack trace
            LOG.warn(failure.logLine());
            LOG.debug("Delivery failure in detail", cause);
        } else {
            context.exceptionHandler().handleException(failure.summary(), exchange, cause);
        }
        return false;
    }

    /** A partition that could not be read waits for the consumer's {@code delay}; the others go on. */
    public void readFailed(PartitionCursor cursor, RuntimeException cause) {
        pause(cursor);
        context.exceptionHandler().handleException(readFailure(cursor), cause);
    }

    /** What a read failure of the partition says, naming topic, partition, group and offset. */
    public String readFailure(PartitionCursor cursor) {
        return "Failed to read topic '" + topic + "' partition " + cursor.partition() + " for group '" + group
                + "' after offset " + cursor.position() + "; trying again in " + context.retryDelay().toMillis() + " ms";
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first) of a message: {@code first}, doubled for each
     * attempt after the first, {@code max} at most.
     */
    public static Duration backoff(Duration first, Duration max, int attempt) {
        long millis = first.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(Math.max(millis, 0), max.toMillis()));
    }

    /** Holds a partition back for the first retry wait ({@code retryDelay}, or the consumer's {@code delay}). */
    public void pause(PartitionCursor cursor) {
        cursor.pauseUntil(System.nanoTime() + context.retryDelay().toNanos());
    }

    /**
     * Sets the headers every consumed exchange carries; the manual commit object commits {@code offset}. The headers
     * that are the same for a whole partition are copied from a map made once: Camel's header map is sorted, and
     * copying a sorted map costs less than adding the same headers one by one.
     */
    protected void setCommonHeaders(Exchange exchange, int partition, long offset) {
        org.apache.camel.Message in = exchange.getIn();
        Map<String, Object> shared = partitionHeaders.computeIfAbsent(partition, this::headersOf);
        in.setHeaders(headersMaps.newMap(shared));
        in.setHeader(KliteConstants.OFFSET, offset);
        if (manualCommit) {
            in.setHeader(KliteConstants.MANUAL_COMMIT, new LogManualCommit(log, group, topic, partition, offset));
        }
    }

    private Map<String, Object> headersOf(Integer partition) {
        Map<String, Object> headers = headersMaps.newMap();
        headers.put(KliteConstants.TOPIC, topic);
        headers.put(KliteConstants.PARTITION, partition);
        headers.put(KliteConstants.GROUP, group);
        return headers;
    }

    /** Sets the headers stored with the message that the endpoint's {@code headerFilterStrategy} lets in. */
    protected void setStoredHeaders(Exchange exchange, Message message) {
        MessageHeaders.restore(exchange, message.headers(), headerFilter);
    }

    /**
     * Sets the time header where the row has a time. Rows written in the same second share their {@code created}
     * text, so the last one read is remembered rather than read again.
     */
    protected void setTimestamp(Exchange exchange, Message message) {
        String created = message.created();
        if (created == null) {
            return;
        }
        if (!created.equals(lastCreated)) {
            Instant timestamp = message.timestamp();
            lastTimestamp = timestamp == null ? null : timestamp.toEpochMilli();
            lastCreated = created;
        }
        if (lastTimestamp != null) {
            exchange.getIn().setHeader(KliteConstants.TIMESTAMP, lastTimestamp);
        }
    }

    /**
     * Moves the cursor past {@code offset}, processed successfully, and commits it unless the route commits itself.
     * A failed commit reaches the exception handler; the messages are not delivered again in this run (a restart
     * would deliver them again: at least once).
     */
    protected void processed(PartitionCursor cursor, long offset) {
        cursor.advanceTo(offset);
        if (manualCommit) {
            return;
        }
        try {
            log.commit(group, topic, cursor.partition(), offset);
        } catch (RuntimeException e) {
            context.exceptionHandler().handleException("Failed to commit offset " + offset + " of topic '" + topic
                    + "' partition " + cursor.partition() + " for group '" + group + "'", e);
        }
    }
}
