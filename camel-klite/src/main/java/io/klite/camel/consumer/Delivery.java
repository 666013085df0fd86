package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.camel.KliteConsumer;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RollbackExchangeException;
import org.apache.camel.spi.HeadersMapFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one partition's fetched messages to the route and commits what succeeded. Invariants: exchanges of a
 * partition run one at a time in offset order; the cursor and the committed offset only move past messages whose
 * exchange succeeded (an exception the route handled counts as success); a failure stops the partition until the
 * consumer's {@code delay} has passed, and reaches the consumer's exception handler.
 */
public abstract class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    protected final KliteConsumer consumer;
    protected final KliteLog log;
    protected final String topic;
    protected final String group;
    private final boolean manualCommit;
    private final HeadersMapFactory headersMaps;
    /** By partition: the headers that are the same for each of its exchanges (poll thread only). */
    private final Map<Integer, Map<String, Object>> partitionHeaders = new HashMap<>();
    /** The last {@code created} text read and its time header (poll thread only). */
    private String lastCreated;
    private Long lastTimestamp;

    protected Delivery(KliteConsumer consumer, KliteLog log, KliteConfiguration configuration) {
        this.consumer = consumer;
        this.log = log;
        this.topic = configuration.getTopic();
        this.group = configuration.getGroup();
        this.manualCommit = configuration.isAllowManualCommit();
        this.headersMaps = consumer.getEndpoint().getCamelContext().getCamelContextExtension().getHeadersMapFactory();
    }

    /** The delivery for the endpoint's {@code batching} option. */
    public static Delivery of(KliteConsumer consumer, KliteLog log, KliteConfiguration configuration) {
        return configuration.isBatching()
                ? new ExchangePerBatch(consumer, log, configuration)
                : new ExchangePerMessage(consumer, log, configuration);
    }

    /**
     * Delivers messages fetched after the cursor's position, in offset order.
     *
     * @return how many messages were processed successfully
     */
    public abstract int deliver(PartitionCursor cursor, List<Message> messages);

    /** Runs the route on an exchange; whether it succeeded, reporting a failure to the exception handler. */
    protected boolean process(Exchange exchange, PartitionCursor cursor, String what) {
        try {
            consumer.getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (!exchange.isFailed() && !exchange.isRollbackOnly()) {
            return true;
        }
        pause(cursor);
        Exception cause = exchange.getException() != null ? exchange.getException()
                : new RollbackExchangeException("The route marked the exchange rollback-only", exchange);
        String message = "Failed to process " + what + " of topic '" + topic + "' partition " + cursor.partition()
                + " for group '" + group + "'; it is delivered again after " + delayText()
                + ", before anything after it";
        if (consumer.getEndpoint().isBridgeErrorHandler()) {
            // the exchange has been through the route's error handler; bridging would run it through again
            LOG.warn(message, cause);
        } else {
            consumer.getExceptionHandler().handleException(message, exchange, cause);
        }
        return false;
    }

    /** A partition that could not be read waits for the consumer's {@code delay}; the others go on. */
    public void readFailed(PartitionCursor cursor, RuntimeException cause) {
        pause(cursor);
        consumer.getExceptionHandler().handleException(readFailure(cursor), cause);
    }

    /** What a read failure of the partition says, naming topic, partition, group and offset. */
    public String readFailure(PartitionCursor cursor) {
        return "Failed to read topic '" + topic + "' partition " + cursor.partition() + " for group '" + group
                + "' after offset " + cursor.position() + "; trying again after " + delayText();
    }

    /** Holds a partition back for the consumer's {@code delay}. */
    public void pause(PartitionCursor cursor) {
        cursor.pauseUntil(System.nanoTime() + consumer.getTimeUnit().toNanos(consumer.getDelay()));
    }

    private String delayText() {
        return consumer.getDelay() + " " + consumer.getTimeUnit().name().toLowerCase(Locale.ROOT);
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
            consumer.getExceptionHandler().handleException("Failed to commit offset " + offset + " of topic '" + topic
                    + "' partition " + cursor.partition() + " for group '" + group + "'", e);
        }
    }
}
