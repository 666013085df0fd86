package io.klite.runtime.admin;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Message;
import io.klite.log.TopicPartition;
import io.klite.log.UnknownTopicException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters of a dead-letter topic as the admin CLI's {@code dlq list} and the HTTP API's
 * {@code GET /topics/{topic}/dead-letters} show them: partition by partition (or one partition), oldest first, those
 * not redriven yet (or, with {@code all}, every one still stored), from an offset where one is given, at most
 * {@code limit} and {@link #MAX_BYTES} of payload in all. How far a partition was redriven is the
 * {@value KliteLog#REDRIVE_GROUP} group's committed offset there, 0 where it has none. Invariants: a listing only
 * reads; it holds at least one dead letter where there is one to show, so paging always moves; a partition's
 * {@code nextOffset} is where its next page starts, so that paging with it shows each dead letter once; {@code more}
 * is true exactly where a dead letter it would show is left out (past the limit or the payload budget).
 *
 * @param partitions every partition of the topic (or the one asked for), in order, each with what is listed of it
 * @param more       whether dead letters are left out
 */
public record DeadLetterList(String topic, List<Partition> partitions, boolean more) {

    /** The payload bytes one listing holds at most, over every partition; at least one dead letter where there is one. */
    public static final long MAX_BYTES = Limits.DEFAULT_MAX_BATCH_BYTES;

    /**
     * A partition's part of the listing.
     *
     * @param redrivenOffset the last offset redriven, 0 where none was
     * @param messages       the dead letters listed, in offset order
     * @param nextOffset     the offset its next page starts at: after the last listed, else where this one started
     */
    public record Partition(int partition, long redrivenOffset, List<Message> messages, long nextOffset) {

        /** Whether the dead letter was redriven already. */
        public boolean redriven(Message message) {
            return message.offset() <= redrivenOffset;
        }
    }

    /**
     * Lists the topic's dead letters.
     *
     * @param partition the one partition to list, or null for every partition
     * @param from      the first offset to list (needs {@code partition}), or null for the first not redriven yet
     *                  (with {@code all}: the first still stored)
     * @param all       also those redriven already
     * @param limit     the most dead letters to list, at least 1
     * @throws UnknownTopicException                  where the topic does not exist
     * @throws io.klite.log.InvalidPartitionException where the partition is beyond the topic's count
     */
    public static DeadLetterList read(KliteLog log, String topic, Integer partition, Long from, boolean all,
                                      int limit) {
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new UnknownTopicException("Topic '" + topic + "' does not exist");
        }
        if (partition != null && partition >= count) {
            throw new TopicPartition(topic, partition).outOfRange(true, count);
        }
        List<Partition> partitions = new ArrayList<>(count);
        int left = limit;
        long bytesLeft = MAX_BYTES;
        boolean listed = false;
        boolean more = false;
        for (int p = partition == null ? 0 : partition; p < (partition == null ? count : partition + 1); p++) {
            long redriven = log.committed(KliteLog.REDRIVE_GROUP, topic, p).orElse(0);
            long after = Math.max(all ? 0 : redriven, from == null ? 0 : from - 1);
            List<Message> messages = left == 0 || (listed && bytesLeft <= 0) ? List.of()
                    : log.read(topic, p, after, left, listed ? bytesLeft : MAX_BYTES);
            if (listed && !messages.isEmpty() && messages.get(0).payload().length > bytesLeft) {
                // a read takes one message past its budget; only the listing's first may pass it
                messages = List.of();
            }
            long last = messages.isEmpty() ? after : messages.get(messages.size() - 1).offset();
            // the start offset read before the end, so that the two never cross
            long next = Math.max(last + 1, log.startOffset(topic, p));
            more |= next <= log.endOffset(topic, p);
            left -= messages.size();
            for (Message message : messages) {
                bytesLeft -= message.payload().length;
            }
            listed |= !messages.isEmpty();
            partitions.add(new Partition(p, redriven, messages, next));
        }
        return new DeadLetterList(topic, List.copyOf(partitions), more);
    }

    /**
     * The listing as {@code dlq list --output json} prints it and the API answers it:
     * {@code {"topic","partitions":[{"partition","redrivenOffset","messages":[...],"nextOffset"}],"more"}}, each
     * message as {@link MessageJson} writes it.
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> rows = new ArrayList<>(partitions.size());
        for (Partition partition : partitions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", partition.partition());
            row.put("redrivenOffset", partition.redrivenOffset());
            row.put("messages", partition.messages().stream().map(MessageJson::new).toList());
            row.put("nextOffset", partition.nextOffset());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("partitions", rows);
        json.put("more", more);
        return json;
    }
}
