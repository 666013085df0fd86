package io.klite.camel;

import io.klite.log.InvalidPartitionException;
import io.klite.log.InvalidTopicException;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Message;
import org.apache.camel.TypeConversionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a producer's message goes. Invariants: the topic is the {@code CamelKliteOverrideTopic} header where the
 * message has one, else the endpoint's; the partition is the first rule that applies: header
 * {@code CamelKliteOverridePartition}; header {@code CamelKliteKey} through Kafka's partitioner; option
 * {@code partition}; option {@code key} through the partitioner; round-robin. The result headers
 * {@code CamelKliteTopic} and {@code CamelKlitePartition} never steer it. A partition beyond the topic's count is
 * refused before anything is written; a topic that does not exist is created (Kafka's auto-create, with the
 * endpoint's {@code partitionCount}) only once the chosen partition fits it.
 */
final class PartitionChooser {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionChooser.class);

    /** How long a topic's partition count is trusted before it is read again (another process may add some). */
    private static final long PARTITION_COUNT_MAX_AGE = TimeUnit.SECONDS.toNanos(1);

    /** Where one message goes, and the key stored with it (null for none). */
    record Destination(String topic, int partition, String key) {
    }

    /**
     * What a message asks for: its topic, the partition its override header names (null for none), its key (null for
     * none), whether the key chooses the partition (the {@code partition} option wins over the {@code key} option),
     * and the endpoint's {@code partition} option (null for none).
     */
    record Request(String topic, Integer partition, String key, boolean keyWins, Integer fixedPartition) {
    }

    private record Count(int partitions, long readAtNanos) {
    }

    private final KliteLog log;
    private final KliteConfiguration configuration;
    private final Integer fixedPartition;
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** By topic: its partition count when last read; absent while the topic does not exist. */
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    PartitionChooser(KliteLog log, KliteConfiguration configuration) {
        this.log = log;
        this.configuration = configuration;
        List<Integer> partitions = configuration.partitions();
        this.fixedPartition = partitions.isEmpty() ? null : partitions.get(0);
    }

    /**
     * What the message asks for, read from its headers and the endpoint's options, with nothing looked up or
     * created: its topic, the partition its override header names (or null), its key (or null), whether the key
     * chooses the partition, and the endpoint's {@code partition} option. The override headers stay on the message.
     *
     * @throws InvalidTopicException     where the override topic is not a valid name
     * @throws InvalidPartitionException where the override partition is not a number of 0..999
     */
    Request request(Message message) {
        String topic = overrideTopic(message);
        Integer requested = overridePartition(message, topic);
        String headerKey = message.getHeader(KliteConstants.KEY, String.class);
        String key = headerKey != null ? headerKey : configuration.getKey();
        return new Request(topic, requested, key, headerKey != null || fixedPartition == null, fixedPartition);
    }

    /** The destination of a request, by the rules in the class comment, creating its topic where it does not exist. */
    Destination place(Request request) {
        String topic = request.topic();
        Integer requested = request.partition();
        String key = request.keyWins() ? request.key() : null;

        int existing = partitionCount(topic, false);
        int count = existing > 0 ? existing : configuration.getPartitionCount();
        int partition = partition(requested, key, count);
        if (partition >= count && existing > 0) {
            // the cached count may be up to a second old: another program may just have added partitions
            existing = partitionCount(topic, true);
            count = existing > 0 ? existing : configuration.getPartitionCount();
            partition = partition(requested, key, count);
        }
        checkFits(topic, partition, existing > 0, count);
        if (existing == 0) {
            int created = log.createTopicIfAbsent(topic, configuration.getPartitionCount());
            if (created != count) {
                // another program created the topic meanwhile, with another count: choose again
                partition = partition(requested, key, created);
                checkFits(topic, partition, true, created);
            }
        }
        return new Destination(topic, partition, request.key());
    }

    private int partition(Integer requested, String key, int count) {
        if (requested != null) {
            return requested;
        }
        if (key != null) {
            return KliteLog.partitionFor(key, count);
        }
        if (fixedPartition != null) {
            return fixedPartition;
        }
        return Math.floorMod(roundRobin.getAndIncrement(), count);
    }

    private static void checkFits(String topic, int partition, boolean exists, int count) {
        if (partition >= count) {
            throw new TopicPartition(topic, partition).outOfRange(exists, count);
        }
    }

    private String overrideTopic(Message message) {
        Object header = message.getHeader(KliteConstants.OVERRIDE_TOPIC);
        if (header == null) {
            return configuration.getTopic();
        }
        try {
            return TopicPartition.validateTopic(message.getHeader(KliteConstants.OVERRIDE_TOPIC, String.class));
        } catch (InvalidTopicException e) {
            throw new InvalidTopicException("Invalid header " + KliteConstants.OVERRIDE_TOPIC + ": " + e.getMessage());
        }
    }

    private static Integer overridePartition(Message message, String topic) {
        Object header = message.getHeader(KliteConstants.OVERRIDE_PARTITION);
        if (header == null) {
            return null;
        }
        String where = "Invalid header " + KliteConstants.OVERRIDE_PARTITION + " for topic '" + topic + "': ";
        Integer partition = null;
        try {
            partition = message.getHeader(KliteConstants.OVERRIDE_PARTITION, Integer.class);
        } catch (TypeConversionException notANumber) {
            // reported below, naming the header
        }
        if (partition == null) {
            return Limits.partition(where, String.valueOf(header)); // refuses it, naming the header
        }
        return new TopicPartition(topic, partition).partition(); // refuses a number out of 0..999, as for any write
    }

    /**
     * The topic's partition count, read at most once per {@link #PARTITION_COUNT_MAX_AGE} unless {@code fresh}; 0 while
     * the topic does not exist.
     */
    private int partitionCount(String topic, boolean fresh) {
        long now = System.nanoTime();
        Count known = counts.get(topic);
        if (!fresh && known != null && now - known.readAtNanos() <= PARTITION_COUNT_MAX_AGE) {
            return known.partitions();
        }
        int count = log.partitionCount(topic);
        if (count == 0) {
            return 0;
        }
        if (known == null && topic.equals(configuration.getTopic())) {
            String warning = configuration.fewerPartitionsWarning(count, "this producer");
            if (warning != null) {
                LOG.warn(warning);
            }
        }
        counts.put(topic, new Count(count, now));
        return count;
    }
}
