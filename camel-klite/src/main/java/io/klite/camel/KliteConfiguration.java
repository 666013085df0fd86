package io.klite.camel;

import io.klite.log.IdempotencyKey;
import io.klite.log.InvalidPartitionException;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import io.klite.log.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.ClassResolver;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/**
 * The options of a {@code klite:} endpoint. The component keeps one instance as the defaults
 * ({@code camel.component.klite.*}); each endpoint works on its own {@link #copy()}. Every option is documented here
 * once, and the generated {@code klite.json} and configurers are built from these annotations.
 */
@UriParams
public class KliteConfiguration implements Cloneable, HeaderFilterStrategyAware {

    public static final String EARLIEST = "earliest";
    public static final String LATEST = "latest";
    /** {@code unhealthyAfter} where not set: 5 minutes. */
    public static final Duration DEFAULT_UNHEALTHY_AFTER = Duration.ofMinutes(5);
    /** {@code unhealthyAfterAttempts} where not set. */
    public static final int DEFAULT_UNHEALTHY_AFTER_ATTEMPTS = 10;

    @UriPath(label = "common", description = "The topic: 1 to 249 characters of [A-Za-z0-9._-], not '.' or '..'.")
    @Metadata(required = true)
    private String topic;

    @UriParam(label = "common", defaultValue = "klite.db",
              description = "Path of the SQLite file that holds the log, relative to the working directory or absolute;"
                            + " created with its folders where missing. Every endpoint on one file shares one open log.")
    private String database = "klite.db";

    @UriParam(label = "common",
              description = "Consumer: the partition to consume, or a comma list (0,1); default every partition of the"
                            + " topic, including partitions added while the route runs. Producer: the one partition to"
                            + " write to (the CamelKliteOverridePartition and CamelKliteKey headers win over it).")
    private String partition;

    @UriParam(label = "common", defaultValue = "1",
              description = "How many partitions a topic gets when this endpoint creates it (a producer's first send, or"
                            + " a consumer's start, on a topic that does not exist). An existing topic keeps its count.")
    private int partitionCount = Limits.DEFAULT_PARTITION_COUNT;

    @UriParam(label = "consumer",
              description = "The consumer group: its committed offset per partition is where consuming resumes. Required"
                            + " for consumers.")
    private String group;

    @UriParam(label = "consumer", defaultValue = "100",
              description = "The most messages fetched from a partition at a time (1 to 10000); with batching=true,"
                            + " the largest batch.")
    private int batchSize = Limits.DEFAULT_BATCH_SIZE;

    @UriParam(label = "consumer", defaultValue = "false",
              description = "false: one exchange per message, whose body is the payload as a byte array. true: one"
                            + " exchange per partition per fetch, whose body is a KliteBatch (topic, partition and"
                            + " messages, each with offset, data and created time; it converts to that JSON),"
                            + " committed as a whole when the exchange succeeds.")
    private boolean batching;

    @UriParam(label = "consumer", defaultValue = EARLIEST, enums = EARLIEST + "," + LATEST,
              description = "Where a group with no committed offset on a partition starts: earliest (the first"
                            + " message) or latest (after the messages that exist when the consumer starts; that end is"
                            + " committed at once, so nothing produced later is skipped, even across a restart).")
    private String autoOffsetReset = EARLIEST;

    @UriParam(label = "consumer", javaType = "java.time.Duration",
              description = "The wait before a failed message (batch) is delivered again the first time, in"
                            + " milliseconds or a duration such as 2s; default the consumer's delay. The wait doubles"
                            + " after each further failed attempt of the same message, up to retryMaxDelay, and starts"
                            + " again at this for the next message. A failing partition waits alone; the others go on."
                            + " Retries happen on the consumer's polls, so a wait shorter than delay becomes delay.")
    private long retryDelay;

    @UriParam(label = "consumer", defaultValue = "60000", javaType = "java.time.Duration",
              description = "The longest wait between two attempts of a failing message (batch), in milliseconds or a"
                            + " duration such as 60s; set it equal to retryDelay for a fixed wait.")
    private long retryMaxDelay = Limits.DEFAULT_RETRY_MAX_DELAY.toMillis();

    @UriParam(label = "consumer", defaultValue = "true",
              description = "true: the consumer is a member of its group across processes (DESIGN §9): it heartbeats"
                            + " in the file, holds a lease on each partition it reads, and every commit checks the"
                            + " lease; without partition it takes its share of the topic's partitions (Kafka's range"
                            + " assignment over the group's live members), with partition it waits as a standby where"
                            + " another member holds one. false: no membership, leases or fencing, as in the seed:"
                            + " the consumer reads its partitions whoever else does, so run one consumer per group"
                            + " and partition across every process on the file.")
    private boolean groupCoordination = true;

    @UriParam(label = "consumer", defaultValue = "3000", javaType = "java.time.Duration",
              description = "How often the consumer records in the file that it is alive and renews its partition"
                            + " leases, in milliseconds or a duration such as 3s; below sessionTimeout.")
    private long heartbeatInterval = Limits.DEFAULT_HEARTBEAT_INTERVAL.toMillis();

    @UriParam(label = "consumer", defaultValue = "15000", javaType = "java.time.Duration",
              description = "How long after its last heartbeat a consumer counts as dead: its leases expire and the"
                            + " group's other members take its partitions, delivering from the last commit. A consumer"
                            + " that could not heartbeat for sessionTimeout minus heartbeatInterval stops consuming"
                            + " before its leases can expire. In milliseconds or a duration such as 15s; above"
                            + " heartbeatInterval.")
    private long sessionTimeout = Limits.DEFAULT_SESSION_TIMEOUT.toMillis();

    @UriParam(label = "consumer", defaultValue = "0",
              description = "Attempts of one message (one batch with batching=true) before it is dead-lettered: written"
                            + " to deadLetterTopic with headers saying where it came from and why it failed, in the same"
                            + " transaction as the group's commit past it, and the partition moves on. 0: no limit,"
                            + " retried until it succeeds. Attempts are counted in the file, so a restart continues"
                            + " the count.")
    private int maxAttempts;

    @UriParam(label = "consumer,health", defaultValue = "300000", javaType = "java.time.Duration",
              description = "The consumer's health check (its id is consumer: and the route id; in readiness) is DOWN while one of its"
                            + " partitions has kept failing to deliver the same message (batch) for this long since"
                            + " its first failed attempt, or unhealthyAfterAttempts times, whichever comes first; UP"
                            + " again once the partition delivers it or dead-letters it. In milliseconds or a"
                            + " duration such as 5m; at least 1 ms.")
    private long unhealthyAfter = DEFAULT_UNHEALTHY_AFTER.toMillis();

    @UriParam(label = "consumer,health", defaultValue = "10",
              description = "The failed attempts at one message (batch) of a partition after which the consumer's"
                            + " health check is DOWN, unless unhealthyAfter passed first; counted in the file, so a"
                            + " restarted consumer goes on with the count. 1 or more.")
    private int unhealthyAfterAttempts = DEFAULT_UNHEALTHY_AFTER_ATTEMPTS;

    @UriParam(label = "consumer",
              description = "Where messages go after maxAttempts failed attempts: default the topic's name with .dlq"
                            + " (orders.dlq), created with 1 partition where missing. Must differ from the topic.")
    private String deadLetterTopic;

    @UriParam(label = "consumer",
              description = "Exceptions that no retry can cure, as a comma list of class names"
                            + " (java.lang.IllegalArgumentException,com.example.InvalidOrderException): where the"
                            + " exchange's exception, or one of its causes, is an instance of one of them and"
                            + " maxAttempts is above 0, the message is dead-lettered at once.")
    private String nonRetryableExceptions;

    @UriParam(label = "consumer", defaultValue = "4194304",
              description = "The most payload bytes fetched from a partition at a time (default 4 MiB): a fetch ends"
                            + " early where the next message would pass it, and always takes at least one message, so"
                            + " a backlog of large messages cannot exhaust the heap.")
    private long maxBatchBytes = Limits.DEFAULT_MAX_BATCH_BYTES;

    @UriParam(label = "consumer", defaultValue = "false",
              description = "Commit nothing automatically: the route commits through the KliteManualCommit object in"
                            + " the CamelKliteManualCommit header. Messages processed but not committed are delivered"
                            + " again after a restart.")
    private boolean allowManualCommit;

    @UriParam(label = "producer",
              description = "The key of every message written, and so its partition through Kafka's partitioner (the"
                            + " CamelKliteKey header wins over it).")
    private String key;

    @UriParam(label = "producer", defaultValue = "86400000", javaType = "java.time.Duration",
              description = "How long the file remembers the CamelKliteIdempotencyKey header of a message written:"
                            + " a message written again with the same key within it (a retry) is not written again,"
                            + " and its first offsets are answered. In milliseconds or a duration such as 24h; 1 ms"
                            + " to 100 years.")
    private long idempotencyWindow = IdempotencyKey.DEFAULT_WINDOW.toMillis();

    @UriParam(label = "common,filter",
              description = "Which headers travel with a message: a producer stores the exchange's headers that pass it"
                            + " (String, number, boolean or byte[] values, as text), a consumer sets the stored ones"
                            + " that pass it as String headers. By default every header but Camel's own (names starting"
                            + " with Camel, camel or org.apache.camel.).")
    private HeaderFilterStrategy headerFilterStrategy = new KliteHeaderFilterStrategy();

    /** A copy for one endpoint, so that its options never change the component's defaults. */
    public KliteConfiguration copy() {
        try {
            return (KliteConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /**
     * Checks every option that does not depend on the endpoint's role, so that a bad URI fails when its route is
     * created, naming the option, the value and the rule.
     */
    public void validate() {
        TopicPartition.validateTopic(topic);
        if (database == null || database.isBlank()) {
            throw new IllegalArgumentException("Invalid database '" + database + "' for topic '" + topic
                    + "': give the path of a SQLite file");
        }
        Limits.partitionCount("Invalid partitionCount for topic '" + topic + "': ", partitionCount);
        Limits.batchSize("Invalid batchSize for topic '" + topic + "': ", batchSize);
        if (!EARLIEST.equals(autoOffsetReset) && !LATEST.equals(autoOffsetReset)) {
            throw new IllegalArgumentException("Invalid autoOffsetReset '" + autoOffsetReset + "' for topic '" + topic
                    + "': allowed values are " + EARLIEST + " and " + LATEST);
        }
        partitions();
    }

    /** Checks the options a consumer needs. */
    public void validateForConsumer() {
        validate();
        if (group == null) {
            throw new IllegalArgumentException("Missing option group for consumer of topic '" + topic
                    + "': a consumer belongs to a consumer group, e.g. klite:" + topic + "?group=billing");
        }
        KliteLog.validateGroup(group);
        if (retryDelay < 0) {
            throw new IllegalArgumentException("Invalid retryDelay " + retryDelay + " ms for consumer of topic '" + topic
                    + "': a wait is 0 (the consumer's delay) or more milliseconds");
        }
        if (retryMaxDelay < 1) {
            throw new IllegalArgumentException("Invalid retryMaxDelay " + retryMaxDelay + " ms for consumer of topic '"
                    + topic + "': the longest wait is at least 1 ms");
        }
        Limits.maxAttempts("Invalid maxAttempts for consumer of topic '" + topic + "': ", maxAttempts);
        if (heartbeatInterval < 1) {
            throw new IllegalArgumentException("Invalid heartbeatInterval " + heartbeatInterval + " ms for consumer of"
                    + " topic '" + topic + "': at least 1 ms (default " + Limits.DEFAULT_HEARTBEAT_INTERVAL.toMillis()
                    + " ms)");
        }
        if (sessionTimeout <= heartbeatInterval) {
            throw new IllegalArgumentException("Invalid sessionTimeout " + sessionTimeout + " ms for consumer of topic '"
                    + topic + "': it must be above heartbeatInterval (" + heartbeatInterval + " ms), or a member would"
                    + " count as dead between two heartbeats; the defaults are "
                    + Limits.DEFAULT_HEARTBEAT_INTERVAL.toMillis() + " and " + Limits.DEFAULT_SESSION_TIMEOUT.toMillis()
                    + " ms");
        }
        Limits.maxBatchBytes("Invalid maxBatchBytes for consumer of topic '" + topic + "': ", maxBatchBytes);
        if (unhealthyAfter < 1) {
            throw new IllegalArgumentException("Invalid unhealthyAfter " + unhealthyAfter + " ms for consumer of topic '"
                    + topic + "': a duration of at least 1 ms (default " + DEFAULT_UNHEALTHY_AFTER.toMinutes()
                    + " minutes)");
        }
        if (unhealthyAfterAttempts < 1) {
            throw new IllegalArgumentException("Invalid unhealthyAfterAttempts " + unhealthyAfterAttempts + " for"
                    + " consumer of topic '" + topic + "': 1 or more failed attempts (default "
                    + DEFAULT_UNHEALTHY_AFTER_ATTEMPTS + ")");
        }
        if (maxAttempts > 0) {
            // checked where dead letters are on: a topic of 246 characters or more has no room for .dlq, and needs
            // none without them
            Limits.deadLetterTopic("Invalid deadLetterTopic for consumer of topic '" + topic + "': ", topic,
                    deadLetterTopic);
        }
    }

    /** Where exhausted messages go: {@code deadLetterTopic}, or the topic's name with {@code .dlq}. */
    public String deadLetterTopicName() {
        return deadLetterTopic != null && !deadLetterTopic.isEmpty() ? deadLetterTopic
                : topic + Limits.DEAD_LETTER_SUFFIX;
    }

    /**
     * The classes named in {@code nonRetryableExceptions}, loaded with the Camel context's class resolver.
     *
     * @throws IllegalArgumentException naming a class that cannot be loaded or is not a Throwable
     */
    public List<Class<? extends Throwable>> nonRetryableClasses(ClassResolver resolver) {
        if (nonRetryableExceptions == null || nonRetryableExceptions.isBlank()) {
            return List.of();
        }
        List<Class<? extends Throwable>> classes = new ArrayList<>();
        for (String part : nonRetryableExceptions.split(",", -1)) {
            String name = part.trim();
            Class<?> type = name.isEmpty() ? null : resolver.resolveClass(name);
            if (type == null || !Throwable.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("Invalid nonRetryableExceptions '" + nonRetryableExceptions
                        + "' for consumer of topic '" + topic + "': '" + name + "' is "
                        + (type == null ? "not a class on the classpath" : "not an exception class")
                        + "; give a comma list of exception class names such as"
                        + " java.lang.IllegalArgumentException,com.example.InvalidOrderException");
            }
            classes.add(type.asSubclass(Throwable.class));
        }
        return List.copyOf(classes);
    }

    /**
     * The wait before the first retry of a failed message: {@code retryDelay}, or the consumer's {@code delay} where it
     * is not set.
     *
     * @throws IllegalArgumentException where {@code retryMaxDelay} is below it, naming both
     */
    public Duration firstRetryDelay(Duration consumerDelay) {
        Duration first = retryDelay > 0 ? Duration.ofMillis(retryDelay) : consumerDelay;
        if (first.toMillis() > retryMaxDelay) {
            throw new IllegalArgumentException("Invalid retryMaxDelay " + retryMaxDelay + " ms for consumer of topic '"
                    + topic + "': it is below the first wait of " + first.toMillis() + " ms ("
                    + (retryDelay > 0 ? "retryDelay" : "the consumer's delay") + "); the wait doubles from the first"
                    + " wait up to retryMaxDelay, so set retryMaxDelay to " + first.toMillis() + " ms or more");
        }
        return first;
    }

    /** Checks the options a producer needs: a producer writes to one partition at most. */
    public void validateForProducer() {
        validate();
        if (idempotencyWindow < 1 || idempotencyWindow > TopicConfig.MAX_RETENTION_AGE.toMillis()) {
            throw new IllegalArgumentException("Invalid idempotencyWindow " + idempotencyWindow + " ms for producer of"
                    + " topic '" + topic + "': use 1 ms to " + TopicConfig.MAX_RETENTION_AGE.toDays() + " days (default"
                    + " 24h)");
        }
        if (partitions().size() > 1) {
            throw new InvalidPartitionException("Invalid partition '" + partition + "' for producer of topic '"
                    + topic + "': a producer writes to one partition; a comma list is for consumers");
        }
    }

    /**
     * The partitions listed in {@code partition}, sorted and without duplicates; empty where the option is not set
     * (every partition).
     */
    public List<Integer> partitions() {
        if (partition == null || partition.isBlank()) {
            return List.of();
        }
        TreeSet<Integer> partitions = new TreeSet<>();
        for (String part : partition.split(",", -1)) {
            partitions.add(parsePartition(part.trim()));
        }
        return new ArrayList<>(partitions);
    }

    private int parsePartition(String text) {
        return Limits.partition("Invalid partition '" + partition + "' for topic '" + topic
                + "' (a number, or a comma list such as 0,1): ", text);
    }

    /**
     * Checks the partitions this endpoint names against the topic before anything is written: against its count where
     * it exists ({@code existingCount > 0}), else against the {@code partitionCount} it would be created with.
     *
     * @param role "consumer" or "producer", for the message
     * @throws InvalidPartitionException naming the partition and the valid range
     */
    public void checkPartitionsFit(int existingCount, String role) {
        int count = existingCount > 0 ? existingCount : partitionCount;
        for (int number : partitions()) {
            if (number >= count) {
                throw new InvalidPartitionException("Invalid partition " + number + " for " + role + " of topic '"
                        + topic + "': " + (existingCount > 0 ? "the topic has " : "partitionCount gives the new topic ")
                        + Limits.validRange(count));
            }
        }
    }

    /**
     * The warning for an endpoint whose {@code partitionCount} asks for more partitions than the existing topic has,
     * or null where it has enough.
     */
    public String fewerPartitionsWarning(int count, String who) {
        return count >= partitionCount ? null : "Topic '" + topic + "' has " + Limits.validRange(count)
                + " but " + who + " asks for partitionCount=" + partitionCount + ": an existing topic keeps its partitions (another"
                + " endpoint created it first; give every endpoint on the topic the same partitionCount)";
    }

    /** Whether a group with no committed offset starts after the messages that exist. */
    public boolean startsAtLatest() {
        return LATEST.equals(autoOffsetReset);
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public String getPartition() {
        return partition;
    }

    public void setPartition(String partition) {
        this.partition = partition;
    }

    public int getPartitionCount() {
        return partitionCount;
    }

    public void setPartitionCount(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public boolean isBatching() {
        return batching;
    }

    public void setBatching(boolean batching) {
        this.batching = batching;
    }

    public String getAutoOffsetReset() {
        return autoOffsetReset;
    }

    public void setAutoOffsetReset(String autoOffsetReset) {
        this.autoOffsetReset = autoOffsetReset;
    }

    public long getRetryDelay() {
        return retryDelay;
    }

    public void setRetryDelay(long retryDelay) {
        this.retryDelay = retryDelay;
    }

    public boolean isGroupCoordination() {
        return groupCoordination;
    }

    public void setGroupCoordination(boolean groupCoordination) {
        this.groupCoordination = groupCoordination;
    }

    public long getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(long heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public long getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(long sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public long getRetryMaxDelay() {
        return retryMaxDelay;
    }

    public void setRetryMaxDelay(long retryMaxDelay) {
        this.retryMaxDelay = retryMaxDelay;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public long getUnhealthyAfter() {
        return unhealthyAfter;
    }

    public void setUnhealthyAfter(long unhealthyAfter) {
        this.unhealthyAfter = unhealthyAfter;
    }

    public int getUnhealthyAfterAttempts() {
        return unhealthyAfterAttempts;
    }

    public void setUnhealthyAfterAttempts(int unhealthyAfterAttempts) {
        this.unhealthyAfterAttempts = unhealthyAfterAttempts;
    }

    public String getDeadLetterTopic() {
        return deadLetterTopic;
    }

    public void setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }

    public String getNonRetryableExceptions() {
        return nonRetryableExceptions;
    }

    public void setNonRetryableExceptions(String nonRetryableExceptions) {
        this.nonRetryableExceptions = nonRetryableExceptions;
    }

    public long getMaxBatchBytes() {
        return maxBatchBytes;
    }

    public void setMaxBatchBytes(long maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    public boolean isAllowManualCommit() {
        return allowManualCommit;
    }

    public void setAllowManualCommit(boolean allowManualCommit) {
        this.allowManualCommit = allowManualCommit;
    }

    public String getKey() {
        return key;
    }

    public long getIdempotencyWindow() {
        return idempotencyWindow;
    }

    public void setIdempotencyWindow(long idempotencyWindow) {
        this.idempotencyWindow = idempotencyWindow;
    }

    public void setKey(String key) {
        this.key = key;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }
}
