package io.klite.runtime.admin;

import io.klite.log.InvalidOffsetException;
import io.klite.log.KliteLog;
import io.klite.log.TopicPartition;
import io.klite.log.UnknownTopicException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reset of a group's offsets on one topic, as {@code kafka-consumer-groups --reset-offsets} does it: worked out
 * first ({@link #plan}, which writes nothing: the dry run), then done in one transaction ({@link #execute}). Used by
 * the HTTP API ({@code POST /groups/{group}/reset}) and the admin CLI ({@code groups reset-offsets}), so that both put
 * a partition in the same place. Offsets are Klite's: a partition's first offset is 1, a committed offset is the last
 * message processed, and a reset names the <em>next</em> offset to deliver. Invariants: every partition's next offset
 * lies within {@code startOffset..endOffset + 1} of that partition when planned, or the plan is refused naming the
 * partition and the range; a plan is executed whole or not at all.
 *
 * @param group      the consumer group
 * @param topic      the topic
 * @param partitions by partition
 */
public record OffsetReset(String group, String topic, List<Partition> partitions) {

    /**
     * Where a partition goes, and where it was.
     *
     * @param committedOffset    the group's committed offset before; 0 where it had none (where a group starts)
     * @param newCommittedOffset the committed offset after: {@link #nextOffset()} - 1
     */
    public record Partition(int partition, long committedOffset, long newCommittedOffset) {

        /** The next offset the group delivers on the partition after the reset. */
        public long nextOffset() {
            return newCommittedOffset + 1;
        }
    }

    /**
     * What a partition looks like when a reset is planned.
     *
     * @param committedOffset the group's committed offset, empty where it never committed there
     */
    public record Position(String topic, int partition, long startOffset, long endOffset, OptionalLong committedOffset) {
    }

    /** Where to reset to: the earliest, the latest, an offset, a time or a shift from where the group is. */
    public sealed interface To {

        /** The next offset to deliver on the partition, before it is checked against the partition's range. */
        long nextOffset(KliteLog log, Position position);
    }

    /** The partition's start offset: the oldest message still stored ({@code --to-earliest}). */
    public record Earliest() implements To {
        @Override
        public long nextOffset(KliteLog log, Position position) {
            return position.startOffset();
        }
    }

    /** After the partition's end: only messages written from now on ({@code --to-latest}). */
    public record Latest() implements To {
        @Override
        public long nextOffset(KliteLog log, Position position) {
            return position.endOffset() + 1;
        }
    }

    /** The offset given is the next one to deliver ({@code --to-offset}). */
    public record Offset(long offset) implements To {
        @Override
        public long nextOffset(KliteLog log, Position position) {
            return offset;
        }
    }

    /** The first message written at or after the time, or the end + 1 where none is ({@code --to-datetime}). */
    public record Time(Instant time) implements To {
        @Override
        public long nextOffset(KliteLog log, Position position) {
            return Math.max(position.startOffset(), log.offsetForTime(position.topic(), position.partition(), time));
        }
    }

    /**
     * {@code by} offsets after (before, where negative) the next one the group delivers now, from the partition's
     * start where it never committed, and kept within the partition's start and end + 1 as
     * {@code kafka-consumer-groups --shift-by} keeps it ({@code --shift-by -1000} goes back as far as there are
     * messages).
     */
    public record Shift(long by) implements To {
        @Override
        public long nextOffset(KliteLog log, Position position) {
            long next = position.committedOffset().isPresent()
                    ? Math.max(position.committedOffset().getAsLong() + 1, position.startOffset())
                    : position.startOffset();
            long shifted;
            try {
                shifted = Math.addExact(next, by);
            } catch (ArithmeticException beyondALong) {
                shifted = by < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return Math.min(Math.max(shifted, position.startOffset()), position.endOffset() + 1);
        }
    }

    /**
     * Works out where {@code to} puts each of the partitions (all of the topic's where {@code partitions} is empty).
     * Writes nothing.
     *
     * @throws UnknownTopicException                      where the topic does not exist
     * @throws io.klite.log.InvalidPartitionException     where a partition is beyond the topic's count
     * @throws InvalidOffsetException                     where a partition's next offset would lie outside
     *                                                    {@code startOffset..endOffset + 1}, naming it and the range
     * @throws io.klite.log.InvalidTopicException         where the topic name is invalid
     */
    public static OffsetReset plan(KliteLog log, String group, String topic, List<Integer> partitions, To to) {
        KliteLog.validateGroup(group);
        TopicPartition.validateTopic(topic);
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new UnknownTopicException("Topic '" + topic + "' does not exist");
        }
        List<Integer> reset = new ArrayList<>();
        if (partitions.isEmpty()) {
            for (int partition = 0; partition < count; partition++) {
                reset.add(partition);
            }
        } else {
            for (int partition : new TreeSet<>(partitions)) {
                if (partition < 0 || partition >= count) {
                    throw new TopicPartition(topic, partition).outOfRange(true, count);
                }
                reset.add(partition);
            }
        }
        List<Partition> planned = new ArrayList<>();
        for (int partition : reset) {
            long start = log.startOffset(topic, partition);
            long end = log.endOffset(topic, partition);
            OptionalLong committed = log.committed(group, topic, partition);
            long next = to.nextOffset(log, new Position(topic, partition, start, end, committed));
            if (next < start || next > end + 1) {
                throw new InvalidOffsetException("Cannot reset group '" + group + "' on topic '" + topic
                        + "' partition " + partition + " to offset " + next + ": the next offset to deliver must be"
                        + " within " + start + ".." + (end + 1) + " (startOffset " + start + " to endOffset " + end
                        + " + 1)");
            }
            planned.add(new Partition(partition, committed.orElse(0), next - 1));
        }
        return new OffsetReset(group, topic, List.copyOf(planned));
    }

    /**
     * Resets the group as planned, in one transaction; refused while live members of the group consume the topic,
     * unless {@code force}, which revokes the reset partitions' leases ({@link KliteLog#resetOffsets}).
     *
     * @return the plan with the committed offsets the partitions had just before the reset
     * @throws io.klite.log.GroupNotEmptyException where live members consume the topic and not {@code force}; nothing
     *                                             is written then
     * @throws InvalidOffsetException              where a partition's end moved below the plan meanwhile (retention
     *                                             cannot, but a deleted and recreated topic can); nothing is written
     */
    public OffsetReset execute(KliteLog log, boolean force) {
        Map<Integer, Long> newCommitted = new TreeMap<>();
        for (Partition partition : partitions) {
            newCommitted.put(partition.partition(), partition.newCommittedOffset());
        }
        Map<Integer, Long> before = log.resetOffsets(group, topic, newCommitted, force);
        List<Partition> done = new ArrayList<>();
        for (Partition partition : partitions) {
            done.add(new Partition(partition.partition(), before.getOrDefault(partition.partition(), 0L),
                    partition.newCommittedOffset()));
        }
        return new OffsetReset(group, topic, List.copyOf(done));
    }

    /** For a log line: {@code partition 0 from 5 to 2, partition 1 from 0 to 0} (committed offsets). */
    public String describe() {
        List<String> moves = new ArrayList<>();
        for (Partition partition : partitions) {
            moves.add("partition " + partition.partition() + " from " + partition.committedOffset() + " to "
                    + partition.newCommittedOffset());
        }
        return "committed offsets " + String.join(", ", moves);
    }

    /**
     * The reset as the API answers it: {@code {"group","topic","executed","partitions":[{"partition",
     * "committedOffset","newCommittedOffset","nextOffset"}]}}.
     */
    public Map<String, Object> json(boolean executed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Partition partition : partitions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", partition.partition());
            row.put("committedOffset", partition.committedOffset());
            row.put("newCommittedOffset", partition.newCommittedOffset());
            row.put("nextOffset", partition.nextOffset());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", group);
        json.put("topic", topic);
        json.put("executed", executed);
        json.put("partitions", rows);
        return json;
    }
}
