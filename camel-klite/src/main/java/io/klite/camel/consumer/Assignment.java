package io.klite.camel.consumer;

import io.klite.camel.KliteConfiguration;
import io.klite.log.DeliveryAttempts;
import io.klite.log.InvalidPartitionException;
import io.klite.log.KliteLog;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions a consumer reads and where it stands on each. Invariants: a partition is placed once, at the group's
 * committed offset where it has one (moved back per {@code autoOffsetReset} where that lies beyond the partition's
 * end); without one, at the start ({@code earliest}), or ({@code latest}, for a group new to the topic) at the end the
 * partition had when the consumer started, committed at once so that a restart cannot skip what came after. With no
 * {@code partition} option, partitions added while the consumer runs are picked up within {@link #REFRESH_NANOS},
 * from their first message: everything in them came after the start. With a {@link GroupMember}, the cursors are
 * those of the partitions the member may deliver now: a partition it takes is placed afresh at the group's committed
 * offset (another member may have moved it), and one it gave up or lost is dropped. Each cursor placed is
 * {@link ConsumerMeters#held held} in the consumer's meters, each dropped {@link ConsumerMeters#released released}.
 */
public final class Assignment {

    private static final Logger LOG = LoggerFactory.getLogger(Assignment.class);

    /** How often a consumer of every partition looks for new ones. */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KliteLog log;
    private final String topic;
    private final String group;
    private final List<Integer> listed;
    private final boolean latest;
    private final KliteConfiguration configuration;
    /** The consumer's current membership of its group across processes (with groupCoordination; null before it joins). */
    private final Supplier<GroupMember> member;
    /** The failing partitions, for the health check: those the consumer no longer delivers are dropped from it. */
    private final FailingPartitions failing;
    /** Told of each partition whose cursor is placed or dropped: the lag gauges follow what the consumer holds. */
    private final ConsumerMeters meters;
    private final Map<Integer, PartitionCursor> cursors = new TreeMap<>();
    /** With a member: the take of the partition each cursor was placed for. */
    private final Map<Integer, Long> placedFor = new TreeMap<>();
    private long refreshedAt;

    public Assignment(KliteLog log, KliteConfiguration configuration, Supplier<GroupMember> member,
                      FailingPartitions failing, ConsumerMeters meters) {
        this.member = member;
        this.failing = failing;
        this.meters = meters;
        this.log = log;
        this.topic = configuration.getTopic();
        this.group = configuration.getGroup();
        this.listed = configuration.partitions();
        this.latest = configuration.startsAtLatest();
        this.configuration = configuration;
    }

    /**
     * Checks the listed partitions against the topic, creates the topic where it does not exist (Kafka's
     * auto-create), and places every cursor. Nothing is written where a listed partition is out of range.
     *
     * @throws InvalidPartitionException where a listed partition is beyond the topic's (or the new topic's) count
     */
    public void start(long nowNanos) {
        int existing = log.partitionCount(topic);
        configuration.checkPartitionsFit(existing, "consumer");
        int count = existing > 0 ? existing : log.createTopicIfAbsent(topic, configuration.getPartitionCount());
        configuration.checkPartitionsFit(count, "consumer");
        String warning = configuration.fewerPartitionsWarning(count, "the consumer of group '" + group + "'");
        if (warning != null) {
            LOG.warn(warning);
        }
        List<OptionalLong> committed = range(count).stream().map(p -> log.committed(group, topic, p)).toList();
        // latest is for a group new to the topic: a group that committed on some partition before has not seen
        // the partitions it has no commit on, which were added since, so it reads them from their start
        boolean newToTopic = latest && committed.stream().noneMatch(OptionalLong::isPresent);
        List<Integer> mine = listed.isEmpty() ? range(count) : listed;
        if (configuration.isGroupCoordination()) {
            // cursors come with leases, placed when taken; a new group's start is committed now, where no other member
            // committed first
            if (newToTopic) {
                mine.forEach(partition -> log.commitEndIfAbsent(group, topic, partition));
            }
        } else {
            for (int partition : mine) {
                cursors.put(partition, place(partition, committed.get(partition), newToTopic));
                meters.held(partition);
            }
            resumeFailures(cursors);
        }
        refreshedAt = nowNanos;
    }

    /**
     * Goes on with the failures the file holds for the group on the newly placed cursors: their count of attempts
     * goes on (the first row per partition that the group has not committed past is the one being retried).
     */
    private void resumeFailures(Map<Integer, PartitionCursor> placed) {
        Set<Integer> resumed = new HashSet<>();
        for (DeliveryAttempts row : log.deliveryAttempts(group, topic)) {
            PartitionCursor cursor = placed.get(row.partition());
            if (cursor != null && row.firstOffset() > cursor.position() && resumed.add(row.partition())) {
                cursor.resume(row.firstOffset(), row.lastOffset(), row.attempts(), !configuration.isBatching());
                // the health check goes on from the file's count and first failure too
                failing.resumed(row, cursor.attempt(row.firstOffset()) - 1);
            }
        }
    }

    /**
     * The cursors to poll: with a {@link GroupMember}, those of the partitions it may deliver now; else every
     * partition's, after adding partitions created since the last look.
     */
    public Collection<PartitionCursor> cursors(long nowNanos) {
        if (configuration.isGroupCoordination()) {
            GroupMember current = member.get();
            Map<Integer, Long> deliverable = current == null ? Map.of() : current.deliverable(nowNanos);
            // a partition given up, lost, or lost and taken again since its cursor was placed
            cursors.keySet().removeIf(partition -> {
                boolean dropped = !placedFor.get(partition).equals(deliverable.get(partition));
                if (dropped) {
                    meters.released(partition);
                }
                return dropped;
            });
            placedFor.keySet().retainAll(cursors.keySet());
            failing.retainOnly(cursors.keySet());
            Map<Integer, PartitionCursor> placed = new TreeMap<>();
            deliverable.forEach((partition, take) -> {
                if (!cursors.containsKey(partition)) {
                    placed.put(partition, place(partition, log.committed(group, topic, partition), false));
                    placedFor.put(partition, take);
                }
            });
            if (!placed.isEmpty()) {
                resumeFailures(placed);
                cursors.putAll(placed);
                placed.keySet().forEach(meters::held);
            }
            return cursors.values();
        }
        if (listed.isEmpty() && nowNanos - refreshedAt >= REFRESH_NANOS) {
            refreshedAt = nowNanos;
            int count = log.partitionCount(topic);
            for (int partition = cursors.size(); partition < count; partition++) {
                cursors.put(partition, place(partition, log.committed(group, topic, partition), false));
                meters.held(partition);
            }
        }
        return cursors.values();
    }

    /** A cursor at the group's committed offset, or where {@code autoOffsetReset} puts a group without one. */
    private PartitionCursor place(int partition, OptionalLong committed, boolean atEnd) {
        if (committed.isPresent()) {
            PartitionCursor cursor = new PartitionCursor(partition, committed.getAsLong());
            resetIfBeyondEnd(cursor);
            return cursor;
        }
        if (!latest) {
            return new PartitionCursor(partition, 0);
        }
        if (atEnd) {
            return new PartitionCursor(partition, log.commitEndIfAbsent(group, topic, partition));
        }
        log.commit(group, topic, partition, 0);
        return new PartitionCursor(partition, log.committed(group, topic, partition).orElse(0));
    }

    /**
     * Moves a cursor that stands beyond its partition's end (another program dropped and recreated the table, so
     * offsets started again at 1) to where {@code autoOffsetReset} says, and resets the group's committed offset
     * there, as Kafka does with an offset out of range; otherwise new messages would be skipped up to the old offset.
     *
     * @return whether the cursor was moved
     */
    public boolean resetIfBeyondEnd(PartitionCursor cursor) {
        long end = log.endOffset(topic, cursor.partition());
        if (cursor.position() <= end) {
            return false;
        }
        long target = latest ? end : 0;
        LOG.warn("Group '{}' stands at offset {} of topic '{}' partition {}, beyond the partition's end {} (its table"
                + " was recreated?); moving the group to offset {} (autoOffsetReset={})", group, cursor.position(),
                topic, cursor.partition(), end, target, latest ? KliteConfiguration.LATEST : KliteConfiguration.EARLIEST);
        log.resetOffset(group, topic, cursor.partition(), target);
        cursor.resetTo(target);
        failing.forget(cursor.partition());
        return true;
    }

    private static List<Integer> range(int count) {
        return IntStream.range(0, count).boxed().toList();
    }
}
