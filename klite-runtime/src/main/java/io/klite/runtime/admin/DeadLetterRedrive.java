package io.klite.runtime.admin;

import io.klite.log.KliteLog;
import io.klite.log.RedriveResult;
import io.klite.log.TopicPartition;
import io.klite.log.UnknownTopicException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A redrive of a dead-letter topic, as the admin CLI's {@code dlq redrive} and the HTTP API's
 * {@code POST /topics/{topic}/dead-letters/redrive} do it: every dead letter not redriven yet, of every partition
 * ({@link KliteLog#redriveAll}), or those of one partition from {@code fromOffset} (default: the first not redriven
 * yet) to {@code toOffset} (default: the partition's end) ({@link KliteLog#redrive}). Each caller checks its own
 * input first, words its own refusals and words where to give offsets. Invariants: a default never makes the range run
 * backwards; a dead letter is copied back once, and a redrive never skips one not redriven yet; a refused redrive
 * wrote nothing.
 *
 * @param partitions what the redrive did, by partition
 */
public record DeadLetterRedrive(String topic, List<RedriveResult> partitions) {

    /**
     * Redrives the topic's dead letters: every partition's pending ones where {@code partition} is null, else those
     * of the partition from {@code fromOffset} to {@code toOffset}, each null for its default.
     *
     * @param fromOffset 1 or more, and not above {@code toOffset}; null where {@code partition} is
     * @param toOffset   1 or more; null where {@code partition} is
     * @throws UnknownTopicException                    where the topic does not exist
     * @throws io.klite.log.InvalidPartitionException   where the partition is beyond the topic's count
     * @throws IllegalArgumentException                 where a dead letter before {@code fromOffset} was not
     *                                                  redriven yet ({@link KliteLog#redrive}); nothing is written
     * @throws io.klite.log.InvalidDeadLetterException  where a dead letter to redrive, of any partition, cannot go
     *                                                  back (its headers name no topic and partition it can go to);
     *                                                  every one is checked first, so nothing is written
     * @throws io.klite.log.RedriveFailedException      where a write fails after the check, saying what was redriven
     *                                                  before it
     */
    public static DeadLetterRedrive run(KliteLog log, String topic, Integer partition, Long fromOffset,
                                        Long toOffset) {
        int count = log.partitionCount(topic);
        if (count == 0) {
            throw new UnknownTopicException("Topic '" + topic + "' does not exist");
        }
        if (partition == null) {
            return new DeadLetterRedrive(topic, log.redriveAll(topic));
        }
        if (partition >= count) {
            throw new TopicPartition(topic, partition).outOfRange(true, count);
        }
        long end = log.endOffset(topic, partition);
        long next = log.committed(KliteLog.REDRIVE_GROUP, topic, partition).orElse(0) + 1;
        // a default never makes the range run backwards: those before the first pending one are redriven
        long last = toOffset != null ? toOffset : Math.max(end, fromOffset != null ? fromOffset : next);
        long first = fromOffset != null ? fromOffset : Math.min(next, last);
        return new DeadLetterRedrive(topic, List.of(log.redrive(topic, partition, first, last)));
    }

    /** For a log line: {@code partition 0 offsets 1..2 (2), partition 1 none}. */
    public String describe() {
        List<String> done = new ArrayList<>();
        for (RedriveResult result : partitions) {
            done.add("partition " + result.partition() + (result.messages() == 0 ? " none" : " offsets "
                    + result.firstOffset() + ".." + result.lastOffset() + " (" + result.messages() + ")"));
        }
        return String.join(", ", done);
    }

    /**
     * The redrive as {@code dlq redrive --output json} prints it and the API answers it:
     * {@code {"topic","partitions":[{"partition","messages","firstOffset","lastOffset"}]}}, the offsets {@code null}
     * where the partition had none to redrive.
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> rows = new ArrayList<>(partitions.size());
        for (RedriveResult result : partitions) {
            boolean any = result.messages() > 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partition", result.partition());
            row.put("messages", result.messages());
            row.put("firstOffset", any ? result.firstOffset() : null);
            row.put("lastOffset", any ? result.lastOffset() : null);
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("partitions", rows);
        return json;
    }
}
