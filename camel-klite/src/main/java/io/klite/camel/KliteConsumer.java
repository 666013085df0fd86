package io.klite.camel;

import io.klite.camel.consumer.Assignment;
import io.klite.camel.consumer.Delivery;
import io.klite.camel.consumer.PartitionCursor;
import io.klite.log.KliteLog;
import io.klite.log.Message;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledBatchPollingConsumer;

/**
 * Polls a topic for a consumer group: each round fetches up to {@code batchSize} messages per assigned partition after
 * where the group stands and hands them to the route (see {@link Delivery} for the ordering and commit rules); a poll
 * runs rounds until one finds nothing. Scheduling between polls ({@code delay}, {@code initialDelay}, backoff...) is
 * Camel's, as for any polling consumer.
 */
public class KliteConsumer extends ScheduledBatchPollingConsumer {

    private final KliteConfiguration configuration;
    private Assignment assignment;
    private Delivery delivery;
    private KliteLog log;

    public KliteConsumer(KliteEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.configuration = endpoint.getConfiguration();
    }

    @Override
    public KliteEndpoint getEndpoint() {
        return (KliteEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        log = getEndpoint().getLog();
        assignment = new Assignment(log, configuration);
        assignment.start(System.nanoTime());
        delivery = Delivery.of(this, log, configuration);
        super.doStart();
    }

    /**
     * Fetches and delivers round after round until a round finds nothing to deliver: {@code delay} is the wait while
     * idle (and before a failed partition is retried), never a brake on a consumer that has work.
     */
    @Override
    protected int poll() throws Exception {
        int delivered = 0;
        for (int round = pollRound(); round > 0; round = isBatchAllowed() ? pollRound() : 0) {
            delivered += round;
        }
        return delivered;
    }

    /** One fetch of every due partition, then their delivery; how many messages succeeded. */
    private int pollRound() {
        Queue<Object> fetched = new ArrayDeque<>();
        long now = System.nanoTime();
        int messages = 0;
        for (PartitionCursor cursor : assignment.cursors(now)) {
            if (cursor.isDue(now)) {
                List<Message> batch = log.read(configuration.getTopic(), cursor.partition(), cursor.position(),
                        configuration.getBatchSize());
                if (!batch.isEmpty()) {
                    fetched.add(new Fetched(cursor, batch));
                    messages += batch.size();
                }
            }
        }
        pendingExchanges = messages;
        return fetched.isEmpty() ? 0 : processBatch(fetched);
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

    /** One partition's messages of one poll. */
    private record Fetched(PartitionCursor cursor, List<Message> messages) {
    }
}
