package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.camel.KliteConstants;
import io.klite.camel.MessageHeaders;
import io.klite.log.DeadLetter;
import io.klite.log.KliteLog;
import io.klite.log.LeaseLostException;
import io.klite.log.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.RollbackExchangeException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one partition's fetched messages to the route and commits what succeeded. Invariants: exchanges of a
 * partition run one at a time in offset order; the cursor and the committed offset only move past messages whose
 * exchange succeeded (an exception the route handled counts as success) or that were dead-lettered, in the same
 * transaction as their dead-letter copy; a failure is counted in the file and stops the partition alone for its
 * backoff wait, doubling per attempt (see {@link FailurePolicy}); each failed attempt is reported once: to the
 * consumer's own {@code exceptionHandler}, or, with Camel's default one (which would log it again with its stack trace)
 * or {@code bridgeErrorHandler}, as one {@link DeliveryFailure#logLine()} at WARN with the stack trace at DEBUG; each
 * success, failed attempt and dead letter is counted once in the context's {@link ConsumerMeters}. Works through a
 * {@link DeliveryContext}, not the consumer itself.
 */
public abstract class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /**
     * How the error an attempt counted as it starts ({@link #countAhead}) ends, which only that error says: a row that
     * held no failure yet keeps it as its last error while the attempt runs, and after a process stopped during it.
     */
    private static final String UNFINISHED = " started and did not end: the process stopped during it (killed,"
            + " crashed or out of memory), unless it is still running";

    protected final DeliveryContext context;
    protected final KliteLog log;
    protected final String topic;
    protected final String group;
    private final boolean manualCommit;
    private final HeaderFilterStrategy headerFilter;
    private final HeadersMapFactory headersMaps;
    /** The partitions failing now, for the consumer's health check. */
    private final FailingPartitions failing;
    private final ConsumerMeters meters;
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
        this.failing = context.failingPartitions();
        this.meters = context.meters();
    }

    /**
     * Whether the next message (batch) of the partition may be handed to the route: the consumer is not stopping, and
     * its member still holds the partition, has not given it up in a rebalance, and heartbeats.
     */
    protected boolean mayDeliver(PartitionCursor cursor) {
        GroupMember member = context.member();
        return context.deliveryAllowed() && (member == null || member.mayDeliver(cursor.partition()));
    }

    /**
     * Delivers messages fetched after the cursor's position, in offset order.
     *
     * @return how many messages the partition moved past: delivered, or dead-lettered
     */
    public abstract int deliver(PartitionCursor cursor, List<Message> messages);

    /** What came of one delivery of a message (batch). */
    protected enum Outcome {
        /** The route succeeded (or handled the exception): the messages may be committed. */
        DELIVERED,
        /** It failed and will be tried again: the partition waits. */
        FAILED,
        /** It failed for the last time and went to the dead-letter topic, committed past: the partition moves on. */
        DEAD_LETTERED;

        /** Whether the partition may move past the messages. */
        boolean movesOn() {
            return this != FAILED;
        }
    }

    /**
     * Runs the route on an exchange that holds {@code messages} (one, or a batch), as delivery {@code attempt} of
     * them. A failure is counted in the file and pauses the partition for the backoff wait, or, at the last attempt
     * allowed or for an exception no retry can cure, dead-letters the messages; either way it is reported once.
     */
    protected Outcome process(Exchange exchange, PartitionCursor cursor, List<Message> messages) {
        long first = messages.get(0).offset();
        long last = messages.get(messages.size() - 1).offset();
        FailurePolicy policy = context.failurePolicy();
        PartitionCursor.PendingDeadLetter pending = cursor.pendingDeadLetter(first);
        if (pending != null) {
            // its dead-letter write failed: written again, not delivered again
            exchange.setException(pending.cause());
            return deadLetter(exchange, cursor, messages, pending.attempts(), pending.cause(), pending.permanent());
        }
        int attempt = cursor.attempt(first);
        if (policy.deadLetters() && attempt > policy.maxAttempts()) {
            // the file counts the last attempt allowed, and no failure of it: the process stopped during it
            UnfinishedDeliveryException cause = new UnfinishedDeliveryException("Attempt " + (attempt - 1) + " of "
                    + offsets(first, last) + " was the last allowed (maxAttempts=" + policy.maxAttempts() + ") and"
                    + " did not end in a failure the consumer saw: the process stopped during it (killed, crashed or"
                    + " out of memory), or maxAttempts was lowered since; not delivered again");
            exchange.setException(cause);
            return deadLetter(exchange, cursor, messages, attempt - 1, cause, false);
        }
        if (isCareful(cursor, first)) {
            // counted before it runs: if it stops the process again, the next process counts on from it, so a
            // message that kills the process every time still reaches maxAttempts
            countAhead(cursor, first, last, attempt);
        }
        exchange.getIn().setHeader(KliteConstants.ATTEMPT, attempt);
        try {
            context.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (!exchange.isFailed() && !exchange.isRollbackOnly()) {
            meters.consumed(cursor.partition(), messages.size());
            return Outcome.DELIVERED;
        }
        Exception cause = exchange.getException() != null ? exchange.getException()
                : new RollbackExchangeException("The route marked the exchange rollback-only", exchange);
        LeaseLostException refused = ObjectHelper.getException(LeaseLostException.class, cause);
        if (refused != null && context.member() != null) {
            // the route's manual commit was refused: the partition has another owner now, which delivers it again; no
            // attempt is counted against the message
            context.member().lost(cursor.partition(), refused);
            return Outcome.FAILED;
        }
        meters.failed(cursor.partition());
        boolean permanent = policy.deadLetters() && policy.isPermanent(cause);
        if (permanent || policy.exhausted(attempt)) {
            return deadLetter(exchange, cursor, messages, attempt, cause, permanent);
        }
        String reason = DeliveryFailure.reason(cause);
        int counted = record(cursor, first, last, attempt, reason, false);
        cursor.failed(first, counted);
        failing.failed(cursor.partition(), first, last, counted, reason);
        Duration wait = policy.backoff(counted);
        cursor.pauseUntil(System.nanoTime() + wait.toNanos());
        report(exchange, cause, DeliveryFailure.retried(topic, cursor.partition(), first, last, group, counted,
                policy.maxAttempts(), wait, Instant.now(), reason));
        return Outcome.FAILED;
    }

    /**
     * Writes the messages to the dead-letter topic, committed past in the same transaction, after {@code attempts}
     * attempts; where that write fails, they stay pending and are tried again after the wait.
     */
    private Outcome deadLetter(Exchange exchange, PartitionCursor cursor, List<Message> messages, int attempts,
                               Exception cause, boolean permanent) {
        long first = messages.get(0).offset();
        long last = messages.get(messages.size() - 1).offset();
        FailurePolicy policy = context.failurePolicy();
        try {
            DeadLetter letter = new DeadLetter(group, topic, cursor.partition(), messages, policy.deadLetterTopic(),
                    attempts, cause.getClass().getName(), cause.getMessage(), Instant.now());
            GroupMember member = context.member();
            int written = member == null ? log.deadLetter(letter) : log.deadLetter(letter, member.memberId());
            meters.deadLettered(cursor.partition(), written);
        } catch (LeaseLostException e) {
            context.member().lost(cursor.partition(), e);
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            cursor.deadLetterFailed(new PartitionCursor.PendingDeadLetter(first, attempts, cause, permanent));
            // the partition is stuck until the write succeeds: the health check counts it as any failure
            failing.failed(cursor.partition(), first, last, attempts,
                    "dead-letter write failed: " + DeliveryFailure.reason(e));
            Duration wait = policy.backoff(attempts);
            cursor.pauseUntil(System.nanoTime() + wait.toNanos());
            reportProblem("Failed to dead-letter " + offsets(first, last) + " of topic '" + topic + "' partition "
                    + cursor.partition() + " for group '" + group + "' to topic '" + policy.deadLetterTopic()
                    + "'; trying again in " + wait.toMillis() + " ms", e);
            return Outcome.FAILED;
        }
        cursor.deadLettered(last);
        failing.movedPast(cursor.partition(), last);
        report(exchange, cause, DeliveryFailure.deadLettered(topic, cursor.partition(), first, last, group, attempts,
                policy.maxAttempts(), policy.deadLetterTopic(), permanent, DeliveryFailure.reason(cause)));
        return Outcome.DEAD_LETTERED;
    }

    /**
     * Counts the first fetch after the cursor was placed in the file before it is delivered, where dead letters are on
     * and commits are automatic: one write per partition and start. Its row goes with the commit after the fetch; a
     * process that stops during the fetch (killed, crashed, out of memory) leaves it, and the next process delivers
     * those offsets carefully ({@link #isCareful}), so a message that brings the process down every time is
     * dead-lettered after at most {@code maxAttempts + 1} stops (a stop in a later fetch costs one more), and no
     * message that succeeded keeps a count.
     */
    protected void countFetchAhead(PartitionCursor cursor, List<Message> messages) {
        long first = messages.get(0).offset();
        if (countsAhead() && cursor.firstFetch() && !cursor.inCarefulZone(first)) {
            countAhead(cursor, first, messages.get(messages.size() - 1).offset(), cursor.attempt(first));
        }
    }

    /**
     * Whether the message (batch) starting at {@code offset} is one the file says a delivery was under way for when
     * a process stopped: then each delivery of it is counted before it runs, and committed as soon as it succeeds.
     */
    protected boolean isCareful(PartitionCursor cursor, long offset) {
        return countsAhead() && cursor.inCarefulZone(offset);
    }

    /** Whether deliveries are ever counted before they run: with dead letters on and automatic commits. */
    private boolean countsAhead() {
        return context.failurePolicy().deadLetters() && !manualCommit;
    }

    /**
     * Counts the attempt in the file as it starts. A row that holds a failure keeps it as its last error (and its
     * time): that the attempt started says nothing failed; a new row says what it means if the process stops in it.
     */
    private void countAhead(PartitionCursor cursor, long first, long last, int attempt) {
        record(cursor, first, last, attempt, "attempt " + attempt + " of offsets " + first + ".." + last + UNFINISHED,
                true);
    }

    /**
     * Whether a {@code klite_delivery_attempts} row's last error says only that its latest attempt was counted as it
     * started and did not end (a process stopped during it), not that an attempt failed.
     */
    static boolean unfinished(String lastError) {
        return lastError != null && lastError.endsWith(UNFINISHED);
    }

    /**
     * Records attempt {@code attempt} in the file, which a restart or another process goes on from: as it starts
     * ({@code started}, keeping the row's last failure), or as it failed for {@code reason}; the count the file holds
     * now, or {@code attempt} where it could not be written.
     */
    private int record(PartitionCursor cursor, long first, long last, int attempt, String reason, boolean started) {
        try {
            return Math.max(attempt, started
                    ? log.deliveryStarted(group, topic, cursor.partition(), first, last, attempt, reason)
                    : log.deliveryAttempt(group, topic, cursor.partition(), first, last, attempt, reason));
        } catch (RuntimeException e) {
            LOG.warn("Could not count attempt {} of {} of topic '{}' partition {} for group '{}' in the file;"
                    + " reason: {}", attempt, offsets(first, last), topic, cursor.partition(), group,
                    DeliveryFailure.reason(e));
            LOG.debug("Counting failure in detail", e);
            return attempt;
        }
    }

    /**
     * Reports a failed attempt once: to the consumer's own {@code exceptionHandler}, which finds the
     * {@link DeliveryFailure} in the exchange property {@link DeliveryFailure#PROPERTY}, or, with Camel's default
     * handler (which would log it again with its stack trace) or {@code bridgeErrorHandler}, as one WARN line.
     */
    private void report(Exchange exchange, Exception cause, DeliveryFailure failure) {
        exchange.setProperty(DeliveryFailure.PROPERTY, failure);
        if (context.bridgesErrors() || context.exceptionHandler() instanceof LoggingExceptionHandler) {
            // bridged, the exchange has been through the route's error handler already; Camel's default handler
            // would log it a second time, with its stack trace
            LOG.warn(failure.logLine());
            LOG.debug("Delivery failure in detail", cause);
        } else {
            context.exceptionHandler().handleException(failure.summary(), exchange, cause);
        }
    }

    private static String offsets(long first, long last) {
        return first == last ? "offset " + first : "offsets " + first + ".." + last;
    }

    /**
     * A partition that could not be read waits for the first retry wait; the others go on. Reported as one WARN line
     * with the root cause (the stack trace at DEBUG), or to the consumer's own {@code exceptionHandler}.
     */
    public void readFailed(PartitionCursor cursor, RuntimeException cause) {
        pause(cursor);
        reportProblem(readFailure(cursor), cause);
    }

    /**
     * Reports a failure that is not a failed exchange (a read, a dead-letter write): with Camel's default handler as
     * one WARN line ending in the root cause (the stack trace at DEBUG), else to the consumer's own handler, or the
     * route's error handler with {@code bridgeErrorHandler}.
     */
    private void reportProblem(String what, Throwable cause) {
        if (context.exceptionHandler() instanceof LoggingExceptionHandler) {
            LOG.warn("{}; reason: {}", what, DeliveryFailure.reason(cause));
            LOG.debug("Failure in detail", cause);
        } else {
            context.exceptionHandler().handleException(what, cause);
        }
    }

    /** What a read failure of the partition says, naming topic, partition, group and offset. */
    public String readFailure(PartitionCursor cursor) {
        return "Failed to read topic '" + topic + "' partition " + cursor.partition() + " for group '" + group
                + "' after offset " + cursor.position() + "; trying again in "
                + context.failurePolicy().firstDelay().toMillis() + " ms";
    }

    /** Holds a partition back for the first retry wait ({@code retryDelay}, or the consumer's {@code delay}). */
    public void pause(PartitionCursor cursor) {
        cursor.pauseUntil(System.nanoTime() + context.failurePolicy().firstDelay().toNanos());
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
            in.setHeader(KliteConstants.MANUAL_COMMIT, new LogManualCommit(log, group, topic, partition, offset,
                    context.member()));
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
        failing.movedPast(cursor.partition(), offset);
        if (manualCommit) {
            return;
        }
        GroupMember member = context.member();
        try {
            if (member == null) {
                log.commit(group, topic, cursor.partition(), offset);
            } else {
                log.commit(group, topic, cursor.partition(), offset, member.memberId());
            }
        } catch (LeaseLostException e) {
            // another member has the partition now and delivers from the last commit: these go again (at least once)
            member.lost(cursor.partition(), e);
        } catch (RuntimeException e) {
            context.exceptionHandler().handleException("Failed to commit offset " + offset + " of topic '" + topic
                    + "' partition " + cursor.partition() + " for group '" + group + "'", e);
        }
    }
}
