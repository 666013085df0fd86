package io.klite.runtime.admin;

import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.Message;
import io.klite.log.UnknownTopicException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters of a dead-letter topic as the admin CLI's {@code dlq list} and the HTTP API's
 * {@code GET /topics/{topic}/dead-letters} show them: partition by partition, oldest first, those not redriven yet
 * (or, with {@code all}, every one still stored), at most {@code limit} in all. How far a partition was redriven is the
 * {@value KliteLog#REDRIVE_GROUP} group's committed offset there, 0 where it has none. Invariants: a listing only
 * reads; {@code more} is true exactly where a dead letter it would show is left out (past the limit, or past the
 * payload one read of a partition takes, {@link Limits#DEFAULT_MAX_BATCH_BYTES}, of which it shows at least one).
 *
 * @param partitions every partition of the topic, in order, each with what is listed of it
 * @param more       whether dead letters are left out
 */
public record DeadLetterList(String topic, List<Partition> partitions, boolean more) {

    /**
     * A partition's part of the listing.
     *
     * @param redrivenOffset the last offset redriven, 0 where none was
     * @param messages       the dead letters listed, in offset order
     */
    public record Partition(int partition, long redrivenOffset, List<Message> messages) {

        /** Whether the dead letter was redriven already. */
        public boolean redriven(Message message) {
            return message.offset() <= redrivenOffset;
        }
    }

    /**
     * Lists the topic's dead letters.
     *
     * @param all   also those redriven already
     * @param limit the most dead letters to list, at least 1
     * @throws UnknownTopicException where the topic does not exist
     */
    public static DeadLetterList read(KliteLog log, String topic, boolean all, int limit) {
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new UnknownTopicException("Topic '" + topic + "' does not exist");
        }
        List<Partition> partitions = new ArrayList<>(count);
        int left = limit;
        boolean more = false;
        for (int p = 0; p < count; p++) {
            long redriven = log.committed(KliteLog.REDRIVE_GROUP, topic, p).orElse(0);
            long from = all ? 0 : redriven;
            List<Message> messages = left == 0 ? List.of()
                    : log.read(topic, p, from, left, Limits.DEFAULT_MAX_BATCH_BYTES);
            long after = messages.isEmpty() ? from : messages.get(messages.size() - 1).offset();
            // the start offset read before the end, so that the two never cross
            more |= Math.max(after + 1, log.startOffset(topic, p)) <= log.endOffset(topic, p);
            left -= messages.size();
            partitions.add(new Partition(p, redriven, messages));
        }
        return new DeadLetterList(topic, List.copyOf(partitions), more);
    }

    /**
     * The listing as {@code dlq list --output json} prints it and the API answers it:
     * {@code {"topic","partitions":[{"partition","redrivenOffset","messages":[...]}],"more"}}, each message as
     * {@link MessageJson} writes it.
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> rows = new ArrayList<>(partitions.size());
        for (Partition partition : partitions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", partition.partition());
            row.put("redrivenOffset", partition.redrivenOffset());
            row.put("messages", partition.messages().stream().map(MessageJson::new).toList());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("partitions", rows);
        json.put("more", more);
        return json;
    }
}
