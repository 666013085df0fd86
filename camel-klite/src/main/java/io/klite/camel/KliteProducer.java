package io.klite.camel;

import io.klite.log.BatchResult;
import io.klite.log.InvalidPartitionException;
import io.klite.log.KliteLog;
import io.klite.log.TopicPartition;
import java.io.File;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.TypeConversionException;
import org.apache.camel.WrappedFile;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an exchange's body to the topic: one message, or a {@code java.util.List} body as one batch in one
 * transaction (all of it or nothing). The partition is the first of: header {@code CamelKlitePartition} (unless header
 * {@code CamelKliteTopic} names another topic); header
 * {@code CamelKliteKey} through Kafka's partitioner; option {@code partition}; option {@code key} through the
 * partitioner; round-robin. A topic that does not exist is created with {@code partitionCount} partitions.
 *
 * <p>Bodies: {@code byte[]} as is, {@code String} as UTF-8, streams, readers, buffers and files as their bytes
 * (Camel's type converters), any other object as JSON (Jackson).
 */
public class KliteProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger(KliteProducer.class);

    /** How long a topic's partition count is trusted before it is read again (another process may add some). */
    private static final long PARTITION_COUNT_MAX_AGE = TimeUnit.SECONDS.toNanos(1);

    private final KliteConfiguration configuration;
    private final Integer fixedPartition;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private KliteLog log;
    private volatile int partitionCount;
    private volatile long partitionCountReadAt;

    public KliteProducer(KliteEndpoint endpoint) {
        super(endpoint);
        this.configuration = endpoint.getConfiguration();
        List<Integer> partitions = configuration.partitions();
        this.fixedPartition = partitions.isEmpty() ? null : partitions.get(0);
    }

    @Override
    public KliteEndpoint getEndpoint() {
        return (KliteEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        log = getEndpoint().getLog();
        if (fixedPartition != null) {
            configuration.checkPartitionsFit(log.partitionCount(configuration.getTopic()), "producer");
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        String topic = configuration.getTopic();
        String key = message.getHeader(KliteConstants.KEY, String.class);
        boolean keyFromHeader = key != null;
        if (!keyFromHeader) {
            key = configuration.getKey();
        }
        // everything is checked before the topic is created: a refused message leaves no trace
        Object body = message.getBody();
        Object payload;
        if (body instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("Invalid batch [] for topic '" + topic
                        + "': a batch holds at least one message");
            }
            List<Object> payloads = new ArrayList<>(list.size());
            for (Object element : list) {
                payloads.add(payload(exchange, element, payloads.size()));
            }
            payload = payloads;
        } else {
            payload = payload(exchange, body, -1);
        }
        int existing = partitionCount(false);
        int count = existing > 0 ? existing : configuration.getPartitionCount();
        int partition = partition(message, key, keyFromHeader, count);
        if (partition >= count && existing > 0) {
            // the cached count may be up to a second old: another program may just have added partitions
            existing = partitionCount(true);
            count = existing > 0 ? existing : configuration.getPartitionCount();
            partition = partition(message, key, keyFromHeader, count);
        }
        TopicPartition target = new TopicPartition(topic, partition); // refuses a negative number
        if (partition >= count) {
            throw target.outOfRange(existing > 0, count);
        }
        if (existing == 0) {
            int created = log.createTopicIfAbsent(topic, configuration.getPartitionCount());
            if (created != count) {
                // another program created the topic meanwhile, with another count: choose again
                count = created;
                partition = partition(message, key, keyFromHeader, count);
                if (partition >= count) {
                    throw new TopicPartition(topic, partition).outOfRange(true, count);
                }
            }
        }
        long lastOffset;
        if (payload instanceof List<?> payloads) {
            BatchResult result = log.sendBatch(topic, partition, key, payloads);
            message.setHeader(KliteConstants.FIRST_OFFSET, result.firstOffset());
            lastOffset = result.lastOffset();
        } else {
            lastOffset = log.send(topic, partition, key, payload);
        }
        message.setHeader(KliteConstants.TOPIC, topic);
        message.setHeader(KliteConstants.PARTITION, partition);
        message.setHeader(KliteConstants.OFFSET, lastOffset);
        if (key != null) {
            message.setHeader(KliteConstants.KEY, key);
        }
    }

    /**
     * The partition to write, by the rules in the class comment, for a topic of {@code count} partitions. The
     * partition header counts only where the message's {@code CamelKliteTopic} header is absent or names this topic:
     * the header a consumer or an earlier producer left for another topic must not steer this one.
     */
    private int partition(Message message, String key, boolean keyFromHeader, int count) {
        Object header = message.getHeader(KliteConstants.PARTITION);
        Object headerTopic = message.getHeader(KliteConstants.TOPIC);
        if (header != null && (headerTopic == null || configuration.getTopic().equals(headerTopic))) {
            return partitionHeader(message, header);
        }
        if (key != null && (keyFromHeader || fixedPartition == null)) {
            return KliteLog.partitionFor(key, count);
        }
        if (fixedPartition != null) {
            return fixedPartition;
        }
        return Math.floorMod(roundRobin.getAndIncrement(), count);
    }

    private static int partitionHeader(Message message, Object header) {
        try {
            Integer partition = message.getHeader(KliteConstants.PARTITION, Integer.class);
            if (partition != null) {
                return partition;
            }
        } catch (TypeConversionException notANumber) {
            // reported below, naming the header
        }
        throw new InvalidPartitionException("Invalid header " + KliteConstants.PARTITION + " '" + header
                + "': give a partition number (an Integer, or text of one)");
    }

    /**
     * The topic's partition count, read at most once per {@link #PARTITION_COUNT_MAX_AGE} unless {@code fresh}; 0 while
     * the topic does not exist.
     */
    private int partitionCount(boolean fresh) {
        long now = System.nanoTime();
        int count = partitionCount;
        if (fresh || count == 0 || now - partitionCountReadAt > PARTITION_COUNT_MAX_AGE) {
            count = log.partitionCount(configuration.getTopic());
            if (count == 0) {
                return 0;
            }
            String warning = partitionCount == 0 ? configuration.fewerPartitionsWarning(count, "this producer") : null;
            if (warning != null) {
                LOG.warn(warning);
            }
            partitionCount = count;
            partitionCountReadAt = now;
        }
        return count;
    }

    /** What the log stores for one body, or for the element at {@code index} of a List body. */
    private Object payload(Exchange exchange, Object body, int index) throws Exception {
        if (body instanceof byte[] || body instanceof String) {
            return body;
        }
        if (body == null) {
            throw new IllegalArgumentException("Invalid body null" + (index < 0 ? "" : " at index " + index
                    + " of the List body") + " for topic '" + configuration.getTopic() + "': a message needs a payload");
        }
        if (body instanceof CharSequence text) {
            return text.toString();
        }
        if (body instanceof InputStream || body instanceof Reader || body instanceof StreamCache
                || body instanceof ByteBuffer || body instanceof WrappedFile || body instanceof File) {
            return exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        }
        return getEndpoint().getComponent().getObjectMapper().writeValueAsBytes(body);
    }
}
