package io.klite.log;

import io.klite.log.Catalog.PartitionState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Moving messages that cannot be delivered to a dead-letter topic, and back again.
 *
 * <p>Invariants: a dead-letter write and the group's commit past the message are one transaction, so after a crash
 * the message is either still pending or dead-lettered, never both and never neither; a message the group has
 * committed past already (another process got there first) is not written again. A redrive first checks every dead
 * letter it would copy back, of every partition it was asked for ({@link RedrivePlan}), reading only, so that a refused
 * redrive wrote nothing at all; then it copies them back in chunks, each chunk in one transaction with the
 * {@value KliteLog#REDRIVE_GROUP} group's commit past it on the dead-letter partition, so no dead letter is copied back
 * twice, whatever fails or runs at the same time, and a write that fails part way says what was copied back before
 * it ({@link RedriveFailedException}); it never skips a dead letter that was not redriven yet. Each write that
 * committed tells the log's listeners what it appended,
 * once per partition written ({@link LogListener#produced}), and wakes its consumers.
 */
final class DeadLetters {

    /** How long a dead-letter topic's partition count is used before it is looked up again (partitions may be added). */
    private static final long COUNT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Dead letters copied back per transaction. */
    private static final int REDRIVE_CHUNK = 500;
    /** Payload bytes read per chunk at most (at least one message is). */
    private static final long REDRIVE_CHUNK_BYTES = 16L * 1024 * 1024;

    /** Partitions in the order the listeners hear of them: by topic, then number. */
    private static final Comparator<TopicPartition> BY_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Database db;
    private final Catalog catalog;
    private final ConsumerOffsets offsets;
    private final AppendSignals appends;
    private final LogListeners listeners;
    private final int defaultPartitionCount;
    /** The partition count of each dead-letter topic written to, and when it was looked up: a lookup scans the schema. */
    private final Map<String, long[]> partitionCounts = new ConcurrentHashMap<>();

    DeadLetters(Database db, Catalog catalog, ConsumerOffsets offsets, AppendSignals appends, LogListeners listeners,
                int defaultPartitionCount) {
        this.db = db;
        this.catalog = catalog;
        this.offsets = offsets;
        this.appends = appends;
        this.listeners = listeners;
        this.defaultPartitionCount = defaultPartitionCount;
    }

    /** See {@link KliteLog#deadLetter}; fenced by {@code memberId}'s lease where not null. */
    int deadLetter(DeadLetter letter, String memberId) {
        ConsumerOffsets.validateGroup(letter.group());
        TopicPartition source = new TopicPartition(letter.topic(), letter.partition());
        String target = Limits.deadLetterTopic("Invalid dead-letter topic for topic '" + letter.topic() + "': ",
                letter.topic(), letter.deadLetterTopic());
        if (letter.attempts() < 1) {
            throw new IllegalArgumentException("Cannot dead-letter offsets " + letter.firstOffset() + ".."
                    + letter.lastOffset() + " of " + source + " after " + letter.attempts() + " attempts: a dead"
                    + " letter failed at least once");
        }
        long previous = 0;
        for (Message message : letter.messages()) {
            if (message.offset() <= previous) {
                throw new IllegalArgumentException("Cannot dead-letter messages of " + source + " out of offset order: "
                        + message.offset() + " comes after " + previous);
            }
            previous = message.offset();
        }
        long deadline = db.deadline();
        if (catalog.prepareForRead(source, deadline) != PartitionState.READY) {
            throw new UnknownTopicException("Cannot dead-letter offsets " + letter.firstOffset() + ".."
                    + letter.lastOffset() + " of " + source + ": the partition holds no messages");
        }
        // the topic is created with 1 partition where missing; the same partition number where it has it, else by
        // key, else partition 0
        int count = partitionCount(target);
        List<PartitionTable> tables = new ArrayList<>(letter.messages().size());
        List<TopicPartition> targets = new ArrayList<>(letter.messages().size());
        for (Message message : letter.messages()) {
            int partition = letter.partition() < count ? letter.partition()
                    : message.key() != null ? KafkaPartitioner.partitionFor(message.key(), count) : 0;
            TopicPartition copy = new TopicPartition(target, partition);
            targets.add(copy);
            tables.add(catalog.forWrite(copy, 1, deadline));
        }
        // the group's committed offset before the write: the messages after it were written
        long committedBefore = catalog.table(source).write(deadline, conn -> {
            if (memberId != null) {
                GroupLeases.requireLeaseIn(conn, letter.group(), source, memberId, letter.lastOffset());
            }
            long committed = ConsumerOffsets.committedIn(conn, letter.group(), source);
            for (int i = 0; i < letter.messages().size(); i++) {
                Message message = letter.messages().get(i);
                if (message.offset() > committed) {
                    tables.get(i).appendIn(conn, message.key(), Headers.toColumn(headers(letter, message)),
                            List.of(message.payload()));
                }
            }
            if (letter.lastOffset() > committed) {
                offsets.commitReadIn(conn, letter.group(), source, letter.lastOffset());
            }
            return committed;
        });
        Map<TopicPartition, Integer> written = new TreeMap<>(BY_PARTITION);
        for (int i = 0; i < letter.messages().size(); i++) {
            if (letter.messages().get(i).offset() > committedBefore) {
                written.merge(targets.get(i), 1, Integer::sum);
            }
        }
        return appended(written);
    }

    /**
     * Tells the listeners and the append signals of the messages a transaction that committed appended, per
     * partition.
     *
     * @return how many messages it appended in all
     */
    private int appended(Map<TopicPartition, Integer> written) {
        int total = 0;
        for (Map.Entry<TopicPartition, Integer> partition : written.entrySet()) {
            TopicPartition tp = partition.getKey();
            listeners.produced(tp.topic(), tp.partition(), partition.getValue());
            appends.appended(tp.topic(), tp.partition());
            total += partition.getValue();
        }
        return total;
    }

    /**
     * The dead-letter topic's partition count, creating it with 1 partition where missing; looked up again after
     * {@link #COUNT_REFRESH_NANOS}, so a dead letter costs about what a send does.
     */
    private int partitionCount(String topic) {
        long now = System.nanoTime();
        long[] known = partitionCounts.get(topic);
        if (known != null && now - known[1] < COUNT_REFRESH_NANOS) {
            return (int) known[0];
        }
        int count = catalog.createTopicIfAbsent(topic, 1);
        partitionCounts.put(topic, new long[] {count, now});
        return count;
    }

    /** See {@link KliteLog#redrive}. */
    RedriveResult redrive(String deadLetterTopic, int partition, long fromOffset, long toOffset) {
        TopicPartition dlq = new TopicPartition(deadLetterTopic, partition);
        if (fromOffset < 0 || toOffset < fromOffset) {
            throw new IllegalArgumentException("Invalid offset range " + fromOffset + ".." + toOffset + " of " + dlq
                    + ": give 0 <= from <= to");
        }
        RedrivePlan plan = new RedrivePlan(db, defaultPartitionCount);
        check(plan, dlq, fromOffset, toOffset);
        return write(deadLetterTopic, plan).get(0);
    }

    /** See {@link KliteLog#redriveAll}. */
    List<RedriveResult> redriveAll(String deadLetterTopic) {
        int count = catalog.partitionCount(TopicPartition.validateTopic(deadLetterTopic));
        if (count == 0) {
            throw new UnknownTopicException("Cannot redrive topic '" + deadLetterTopic + "': it does not exist");
        }
        RedrivePlan plan = new RedrivePlan(db, defaultPartitionCount);
        for (int partition = 0; partition < count; partition++) {
            check(plan, new TopicPartition(deadLetterTopic, partition), 0, Long.MAX_VALUE);
        }
        return write(deadLetterTopic, plan);
    }

    /**
     * Checks the dead letters of a dead-letter partition from {@code fromOffset} to {@code toOffset} not redriven
     * yet, and adds them to the plan; reads only.
     *
     * @throws IllegalArgumentException   where one before {@code fromOffset} was not redriven yet
     * @throws InvalidDeadLetterException where one cannot go back
     */
    private void check(RedrivePlan plan, TopicPartition dlq, long fromOffset, long toOffset) {
        PartitionState state = catalog.prepareForRead(dlq, db.deadline());
        if (state == PartitionState.UNKNOWN_TOPIC) {
            throw new UnknownTopicException("Cannot redrive " + dlq + ": topic '" + dlq.topic() + "' does not exist");
        }
        if (state == PartitionState.EMPTY) {
            plan.nothing(dlq);
            return;
        }
        long committed = offsets.committed(KliteLog.REDRIVE_GROUP, dlq).orElse(0);
        List<Message> pending = catalog.table(dlq).read(committed, 1, Long.MAX_VALUE);
        if (!pending.isEmpty() && pending.get(0).offset() < fromOffset) {
            throw new IllegalArgumentException("Cannot redrive offsets " + fromOffset + ".." + toOffset + " of " + dlq
                    + ": the dead letters from offset " + pending.get(0).offset() + " on have not been redriven, and"
                    + " a redrive never skips one; start at " + pending.get(0).offset() + " or before (to skip them"
                    + " for good, reset group '" + KliteLog.REDRIVE_GROUP + "' on " + dlq + ")");
        }
        plan.check(dlq, Math.max(committed, fromOffset - 1), toOffset);
    }

    /**
     * Copies the checked ranges back, partition by partition, each in chunks.
     *
     * @throws RedriveFailedException where a write fails, saying what was redriven before it
     */
    private List<RedriveResult> write(String deadLetterTopic, RedrivePlan plan) {
        List<RedrivePlan.Range> ranges = plan.ranges();
        List<RedriveResult> done = new ArrayList<>(ranges.size());
        for (RedrivePlan.Range range : ranges) {
            TopicPartition dlq = range.dlq();
            int total = 0;
            long first = 0;
            long last = 0;
            long position = range.after();
            try {
                while (position < range.last()) {
                    List<Message> chunk = new ArrayList<>();
                    for (Message message : catalog.table(dlq).read(position, REDRIVE_CHUNK, REDRIVE_CHUNK_BYTES)) {
                        if (message.offset() <= range.last()) {
                            chunk.add(message);
                        }
                    }
                    if (chunk.isEmpty()) {
                        // the rest went meanwhile (retention)
                        break;
                    }
                    int copied = redriveChunk(dlq, chunk, plan);
                    if (copied > 0) {
                        first = first == 0 ? chunk.get(chunk.size() - copied).offset() : first;
                        last = chunk.get(chunk.size() - 1).offset();
                        total += copied;
                    }
                    position = chunk.get(chunk.size() - 1).offset();
                }
            } catch (RuntimeException e) {
                done.add(new RedriveResult(deadLetterTopic, dlq.partition(), total, first, last));
                throw failed(deadLetterTopic, dlq, position, done, e);
            }
            done.add(new RedriveResult(deadLetterTopic, dlq.partition(), total, first, last));
        }
        return done;
    }

    /** The failure of a checked redrive's write, after {@code done}. */
    private static RedriveFailedException failed(String deadLetterTopic, TopicPartition dlq, long after,
                                                 List<RedriveResult> done, RuntimeException e) {
        List<String> redriven = new ArrayList<>();
        for (RedriveResult result : done) {
            if (result.messages() > 0) {
                redriven.add("partition " + result.partition() + " offsets " + result.firstOffset() + ".."
                        + result.lastOffset() + " (" + result.messages() + ")");
            }
        }
        return new RedriveFailedException("Redrive of topic '" + deadLetterTopic + "' failed at partition "
                + dlq.partition() + " after offset " + after + ": " + e.getMessage() + "; "
                + (redriven.isEmpty() ? "nothing was redriven" : "redriven before that, and still: "
                + String.join(", ", redriven) + "; nothing else") + " (a redrive again goes on from there)", done, e);
    }

    /**
     * Copies a chunk of checked dead letters back, with the {@code klite.redrive} group's commit past it, in one
     * transaction; those the group passed meanwhile (a redrive running at the same time) are left out.
     *
     * @return how many were copied: the last ones of the chunk
     */
    private int redriveChunk(TopicPartition dlq, List<Message> chunk, RedrivePlan plan) {
        long deadline = db.deadline();
        List<PartitionTable> tables = new ArrayList<>(chunk.size());
        List<TopicPartition> targets = new ArrayList<>(chunk.size());
        for (Message message : chunk) {
            TopicPartition original = RedrivePlan.original(message);
            targets.add(original);
            tables.add(catalog.forWrite(original, plan.partitionsIfNew(original), deadline));
        }
        int copied = catalog.table(dlq).write(deadline, conn -> {
            long committed = ConsumerOffsets.committedIn(conn, KliteLog.REDRIVE_GROUP, dlq);
            int rows = 0;
            for (int i = 0; i < chunk.size(); i++) {
                Message message = chunk.get(i);
                if (message.offset() > committed) {
                    Map<String, String> headers = new LinkedHashMap<>(message.headers());
                    DeadLetter.HEADERS.forEach(headers::remove);
                    tables.get(i).appendIn(conn, message.key(), Headers.toColumn(headers),
                            List.of(message.payload()));
                    rows++;
                }
            }
            long last = chunk.get(chunk.size() - 1).offset();
            if (last > committed) {
                offsets.commitReadIn(conn, KliteLog.REDRIVE_GROUP, dlq, last);
            }
            return rows;
        });
        Map<TopicPartition, Integer> written = new TreeMap<>(BY_PARTITION);
        targets.subList(chunk.size() - copied, chunk.size()).forEach(tp -> written.merge(tp, 1, Integer::sum));
        return appended(written);
    }

    /** A dead letter's headers: the message's own, then where it came from and why it failed. */
    private static Map<String, String> headers(DeadLetter letter, Message message) {
        Map<String, String> headers = new LinkedHashMap<>(message.headers());
        String exceptionMessage = letter.exceptionMessage() == null ? "" : letter.exceptionMessage();
        if (exceptionMessage.length() > DeadLetter.MAX_EXCEPTION_MESSAGE) {
            exceptionMessage = exceptionMessage.substring(0, DeadLetter.MAX_EXCEPTION_MESSAGE);
        }
        headers.put(DeadLetter.ORIGINAL_TOPIC, letter.topic());
        headers.put(DeadLetter.ORIGINAL_PARTITION, String.valueOf(letter.partition()));
        headers.put(DeadLetter.ORIGINAL_OFFSET, String.valueOf(message.offset()));
        headers.put(DeadLetter.GROUP, letter.group());
        headers.put(DeadLetter.ATTEMPTS, String.valueOf(letter.attempts()));
        headers.put(DeadLetter.EXCEPTION_CLASS, letter.exceptionClass());
        headers.put(DeadLetter.EXCEPTION_MESSAGE, exceptionMessage);
        headers.put(DeadLetter.FAILED_AT, DeliveryAttemptsTable.text(letter.failedAt()));
        return headers;
    }
}
