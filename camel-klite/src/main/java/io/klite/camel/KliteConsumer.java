package io.klite.camel;

import io.klite.camel.consumer.Assignment;
import io.klite.camel.consumer.ConsumerMeters;
import io.klite.camel.consumer.Delivery;
import io.klite.camel.consumer.DeliveryContext;
import io.klite.camel.consumer.DeliveryFailure;
import io.klite.camel.consumer.ExchangePerBatch;
import io.klite.camel.consumer.ExchangePerMessage;
import io.klite.camel.consumer.FailingPartitions;
import io.klite.camel.consumer.FailurePolicy;
import io.klite.camel.consumer.GroupMember;
import io.klite.camel.consumer.PartitionCursor;
import io.klite.camel.consumer.WakeablePollScheduler;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import io.klite.log.Subscription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.support.ScheduledBatchPollingConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a topic for a consumer group: each round fetches up to {@code batchSize} messages per assigned partition after
 * where the group stands and hands them to the route (see {@link Delivery} for the ordering and commit rules); a poll
 * runs rounds until one delivers nothing. Scheduling between polls ({@code delay}, {@code initialDelay}, backoff...) is
 * Camel's, as for any polling consumer, except that a send to the topic in this JVM starts the next poll at once (see
 * {@link WakeablePollScheduler}; not with a {@code scheduler}, {@code scheduledExecutorService} or backoff of the user's
 * choosing).
 */
public class KliteConsumer extends ScheduledBatchPollingConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KliteConsumer.class);

    private final KliteConfiguration configuration;
    /** How failed messages are retried and dead-lettered. Set at start. */
    private FailurePolicy failurePolicy;
    private Assignment assignment;
    private Delivery delivery;
    private KliteLog log;
    private ConsumerClaims.Claim claim;
    /**
     * Membership of the group across processes; null with groupCoordination=false. A member that left (stop,
     * suspend) stays here, delivering nothing, until a new one joins (start, resume).
     */
    private volatile GroupMember member;
    private ScheduledExecutorService memberThread;
    private Subscription wakeups;
    /** The partitions failing now, which the health check reads. */
    private final FailingPartitions failing = new FailingPartitions();
    /** What this consumer counts for metrics; {@link ConsumerMeters#NONE} where the context has no meter registry. */
    private ConsumerMeters meters = ConsumerMeters.NONE;

    public KliteConsumer(KliteEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public KliteEndpoint getEndpoint() {
        return (KliteEndpoint) super.getEndpoint();
    }

    /** Camel's health check of a polling consumer ({@code consumer:<routeId>}), with Klite's stuck partitions. */
    @Override
    protected void doBuild() throws Exception {
        super.doBuild();
        setHealthCheck(new KliteConsumerHealthCheck(getHealthCheck(), failing, configuration));
    }

    @Override
    protected void doStart() throws Exception {
        if (failurePolicy == null) {
            checkFailureOptions();
        }
        log = getEndpoint().getLog();
        claim = getEndpoint().getComponent().claimPartitions(log, configuration, getEndpoint().getEndpointUri());
        try {
            meters = getEndpoint().getComponent().consumerMeters(log, configuration);
            assignment = new Assignment(log, configuration, () -> member, failing, meters);
            assignment.start(System.nanoTime());
            joinGroup();
            // the delivery for the endpoint's batching option
            delivery = configuration.isBatching() ? new ExchangePerBatch(new Context(), log, configuration)
                    : new ExchangePerMessage(new Context(), log, configuration);
            if (usesCamelsDefaultScheduler()) {
                setScheduler(new WakeablePollScheduler(getInitialDelay(), getDelay(), getTimeUnit(), isUseFixedDelay()));
            }
            if (getScheduler() instanceof WakeablePollScheduler scheduler) {
                List<Integer> listed = configuration.partitions();
                wakeups = log.addAppendListener(configuration.getTopic(), partition -> {
                    if (listed.isEmpty() || listed.contains(partition)) {
                        scheduler.wake();
                    }
                });
            }
            super.doStart();
        } catch (Exception | Error e) {
            stopWakeups();
            leaveGroup();
            closeMeters();
            releaseClaim();
            throw e;
        }
    }

    /**
     * Joins the consumer's group as a new member, where groupCoordination is on: its first heartbeat now, then on a
     * thread of its own.
     */
    private void joinGroup() {
        if (!configuration.isGroupCoordination()) {
            return;
        }
        GroupMember joining = new GroupMember(log, configuration.getGroup(), configuration.getTopic(),
                configuration.partitions(), Duration.ofMillis(configuration.getHeartbeatInterval()),
                Duration.ofMillis(configuration.getSessionTimeout()), this::wakePolls);
        memberThread = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "KliteGroupMember[" + configuration.getTopic() + "]");
        member = joining;
        joining.start(memberThread);
    }

    /** Starts the next poll at once, where the scheduler is Klite's: the member's partitions changed. */
    private void wakePolls() {
        if (getScheduler() instanceof WakeablePollScheduler scheduler) {
            scheduler.wake();
        }
    }

    /**
     * Makes the failure policy from the endpoint's options and the consumer's {@code delay}: called when the endpoint
     * creates the consumer, so that a {@code retryMaxDelay} below the first wait, or an unknown class in
     * {@code nonRetryableExceptions}, fails the route before the database file is opened.
     */
    void checkFailureOptions() {
        failurePolicy = new FailurePolicy(
                configuration.firstRetryDelay(Duration.ofNanos(getTimeUnit().toNanos(getDelay()))),
                Duration.ofMillis(configuration.getRetryMaxDelay()), configuration.getMaxAttempts(),
                configuration.deadLetterTopicName(),
                configuration.nonRetryableClasses(getEndpoint().getCamelContext().getClassResolver()));
        if (!failurePolicy.nonRetryable().isEmpty() && !failurePolicy.deadLetters()) {
            LOG.warn("Consumer of topic '{}' group '{}': nonRetryableExceptions takes effect only with maxAttempts above"
                    + " 0 (dead letters on); with maxAttempts=0 every failed message is retried until it succeeds",
                    configuration.getTopic(), configuration.getGroup());
        }
    }

    @Override
    protected void doStop() throws Exception {
        try {
            stopWakeups();
            super.doStop();
        } finally {
            // after the last poll's commits: the partitions go to the others at once
            leaveGroup();
            closeMeters();
            releaseClaim();
            failing.clear();
        }
    }

    @Override
    protected void doSuspend() throws Exception {
        super.doSuspend();
        // a suspended route delivers nothing: its partitions go to the group's other members
        leaveGroup();
    }

    @Override
    protected void doResume() throws Exception {
        joinGroup();
        super.doResume();
    }

    private void leaveGroup() {
        if (member != null) {
            member.close();
        }
        if (memberThread != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(memberThread);
            memberThread = null;
        }
    }

    /**
     * Whether the user left scheduling to Camel's default scheduler, which a wakeable one can then stand in for: not
     * where a scheduler, an executor or scheduler properties were given, nor with backoff, which counts every run of
     * the scheduler (a wake would be spent as a skipped poll), nor where an idle poll sends an empty message (a wake
     * that finds its message already taken would send one).
     */
    private boolean usesCamelsDefaultScheduler() {
        return getScheduler() == null && getScheduledExecutorService() == null
                && (getSchedulerProperties() == null || getSchedulerProperties().isEmpty())
                && getBackoffMultiplier() == 0 && !isSendEmptyMessageWhenIdle();
    }

    private void stopWakeups() {
        if (wakeups != null) {
            wakeups.close();
            wakeups = null;
        }
    }

    /** Ends the lag gauges of the partitions held: after the last poll, before the log is given back. */
    private void closeMeters() {
        meters.close();
        meters = ConsumerMeters.NONE;
    }

    private void releaseClaim() {
        if (claim != null) {
            claim.close();
            claim = null;
        }
    }

    /**
     * Fetches and delivers round after round until a round delivers nothing: {@code delay} is the wait while idle
     * (and before a failed partition is tried again), never a brake on a consumer that has work.
     *
     * @return how many messages were handed to the route, successfully or not
     */
    @Override
    protected int poll() throws Exception {
        int handed = 0;
        Round round;
        do {
            round = pollRound();
            handed += round.handed();
        } while (round.succeeded() > 0 && isBatchAllowed());
        return handed;
    }

    /**
     * One fetch of every due partition, then their delivery. A partition that cannot be read waits alone; where no
     * due partition could be read, the poll fails, so Camel's error backoff and health check see it. A member of the
     * group releases the partitions it gave up before the round.
     */
    private Round pollRound() {
        GroupMember roundMember = member;
        if (roundMember == null) {
            return deliverRound();
        }
        roundMember.beginRound(); // releases what was given up: what was delivered of it is committed
        try {
            return deliverRound();
        } finally {
            roundMember.endRound();
        }
    }

    private Round deliverRound() {
        Queue<Object> fetched = new ArrayDeque<>();
        List<PartitionCursor> unreadable = new ArrayList<>();
        RuntimeException firstFailure = null;
        long now = System.nanoTime();
        int due = 0;
        int messages = 0;
        for (PartitionCursor cursor : assignment.cursors(now)) {
            if (!cursor.isDue(now)) {
                continue;
            }
            due++;
            try {
                List<Message> batch = cursor.toDeliver(log.read(configuration.getTopic(), cursor.partition(),
                        cursor.position(), cursor.fetchLimit(configuration.getBatchSize()),
                        configuration.getMaxBatchBytes()));
                if (!batch.isEmpty()) {
                    warnIfDeletedUnconsumed(cursor, batch.get(0).offset());
                    fetched.add(new Fetched(cursor, batch));
                    messages += batch.size();
                } else if (cursor.position() > 0) {
                    assignment.resetIfBeyondEnd(cursor);
                }
            } catch (RuntimeException e) {
                unreadable.add(cursor);
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (!unreadable.isEmpty() && unreadable.size() == due) {
            unreadable.forEach(delivery::pause);
            throw new RuntimeCamelException(delivery.readFailure(unreadable.get(0))
                    + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more partitions)" : "")
                    + "; reason: " + DeliveryFailure.reason(firstFailure), firstFailure);
        }
        pendingExchanges = messages;
        int succeeded = fetched.isEmpty() ? 0 : processBatch(fetched);
        for (PartitionCursor cursor : unreadable) {
            delivery.readFailed(cursor, firstFailure);
        }
        return new Round(messages, succeeded);
    }

    /**
     * Warns once where messages the group had not consumed were deleted (retention, or another program) before it
     * got to them: offsets are contiguous otherwise, so the first fetched offset says how many were lost. The same gap
     * fetched again (a failed delivery retried) is not reported again. A group that has consumed nothing yet (at 0)
     * starts at the oldest message kept, as with earliest in Kafka, silently.
     */
    private void warnIfDeletedUnconsumed(PartitionCursor cursor, long firstFetched) {
        long firstLost = cursor.unreportedLossBefore(firstFetched);
        if (firstLost > 0) {
            LOG.warn("Group '{}' stood at offset {} of topic '{}' partition {}, but offsets {}..{} were deleted"
                    + " (retention) before it consumed them: {} offset(s) lost; going on at offset {}",
                    configuration.getGroup(), cursor.position(), configuration.getTopic(), cursor.partition(),
                    firstLost, firstFetched - 1, firstFetched - firstLost, firstFetched);
        }
    }

    @Override
    public int processBatch(Queue<Object> fetched) {
        int processed = 0;
        for (Object next = fetched.poll(); next != null && isBatchAllowed(); next = fetched.poll()) {
            Fetched partition = (Fetched) next;
            processed += delivery.deliver(partition.cursor(), partition.messages());
            pendingExchanges -= partition.messages().size();
        }
        pendingExchanges = 0;
        return processed;
    }

    /** What the consumer lends its {@link Delivery}. */
    private final class Context implements DeliveryContext {

        @Override
        public boolean deliveryAllowed() {
            return isBatchAllowed();
        }

        @Override
        public Exchange createExchange() {
            return KliteConsumer.this.createExchange(false);
        }

        @Override
        public void releaseExchange(Exchange exchange) {
            KliteConsumer.this.releaseExchange(exchange, false);
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            getProcessor().process(exchange);
        }

        @Override
        public ExceptionHandler exceptionHandler() {
            return getExceptionHandler();
        }

        @Override
        public boolean bridgesErrors() {
            return getEndpoint().isBridgeErrorHandler();
        }

        @Override
        public FailurePolicy failurePolicy() {
            return failurePolicy;
        }

        @Override
        public GroupMember member() {
            return member;
        }

        @Override
        public HeadersMapFactory headersMaps() {
            return getEndpoint().getCamelContext().getCamelContextExtension().getHeadersMapFactory();
        }

        @Override
        public FailingPartitions failingPartitions() {
            return failing;
        }

        @Override
        public ConsumerMeters meters() {
            return meters;
        }
    }

    /** One partition's messages of one round. */
    private record Fetched(PartitionCursor cursor, List<Message> messages) {
    }

    /** What one round did: messages handed to the route, and how many the partitions moved past. */
    private record Round(int handed, int succeeded) {
    }
}
