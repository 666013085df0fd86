package io.klite.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.InvalidPartitionException;
import io.klite.log.KliteLog;
import io.klite.log.Limits;
import io.klite.log.PartitionInfo;
import io.klite.log.TopicInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic as {@code PUT /topics/{topic}} reads it, {@code {"partitions": 3}}, and as {@code GET} and {@code PUT}
 * answer it, {@code {"topic":"orders","partitions":[{"partition":0,"startOffset":1,"endOffset":0}]}} ({@code GET /topics}
 * answers a list of those, each with its {@code retention} too). Invariant: a
 * body reads into a partition count the log accepts, or is refused naming the field, the value and what is allowed.
 */
public final class TopicJson {

    static final String EXAMPLE = "{\"partitions\": 3}";

    private static final List<String> FIELDS = List.of("partitions", "topic");

    private TopicJson() {
    }

    /**
     * The partition count a {@code PUT /topics/{topic}} body asks for.
     *
     * @throws ApiException 400, naming the field, the value and what is allowed
     */
    static int partitions(String topic, byte[] body) {
        JsonNode root = JsonBody.object(body, FIELDS, "the topic's partition count", EXAMPLE);
        JsonNode named = root.get("topic");
        if (named != null && !(named.isTextual() && named.asText().equals(topic))) {
            throw new ApiException(400, "The body's topic " + JsonBody.describe(named) + " is not the topic of"
                    + " the path, '" + topic + "'; leave it out or give the same");
        }
        JsonNode partitions = root.get("partitions");
        String where = "Invalid partitions for topic '" + topic + "': ";
        if (partitions == null || partitions.isNull()) {
            throw new ApiException(400, where + "the body has none; send the partition count, 1 to "
                    + Limits.MAX_PARTITIONS + ", such as " + EXAMPLE);
        }
        if (!partitions.isIntegralNumber() || !partitions.canConvertToInt()) {
            throw new ApiException(400, where + JsonBody.describe(partitions) + " is not a partition count;"
                    + " allowed: a whole number from 1 to " + Limits.MAX_PARTITIONS + ", such as " + EXAMPLE);
        }
        try {
            return Limits.partitionCount(where, partitions.intValue());
        } catch (InvalidPartitionException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    /**
     * Every topic as {@code GET /topics} answers it, by name: the answer for one topic, its partitions' offsets read
     * at one moment ({@link KliteLog#topics}), with its {@code retention} as {@code GET /topics/{topic}/config}
     * answers it ({@link TopicConfigJson#retention}).
     */
    public static List<Map<String, Object>> list(KliteLog log) {
        List<Map<String, Object>> topics = new ArrayList<>();
        for (TopicInfo topic : log.topics()) {
            List<Map<String, Object>> partitions = new ArrayList<>(topic.partitions().size());
            for (PartitionInfo partition : topic.partitions()) {
                partitions.add(partition(partition.partition(), partition.startOffset(), partition.endOffset()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", topic.topic());
            json.put("partitions", partitions);
            json.put("retention", TopicConfigJson.retention(log.topicConfig(topic.topic())));
            topics.add(json);
        }
        return topics;
    }

    /**
     * The answer for a topic of {@code count} partitions: each with its start offset (the oldest still stored, or
     * the end + 1 where none is) and its end offset, all read at one moment ({@link KliteLog#topic}).
     */
    public static Map<String, Object> answer(KliteLog log, String topic, int count) {
        List<PartitionInfo> read = log.topic(topic).map(TopicInfo::partitions).orElse(List.of());
        List<Map<String, Object>> partitions = new ArrayList<>(count);
        for (int partition = 0; partition < count; partition++) {
            PartitionInfo info = partition < read.size() ? read.get(partition) : new PartitionInfo(partition, 1, 0);
            partitions.add(partition(partition, info.startOffset(), info.endOffset()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("partitions", partitions);
        return json;
    }

    private static Map<String, Object> partition(int partition, long startOffset, long endOffset) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partition", partition);
        json.put("startOffset", startOffset);
        json.put("endOffset", endOffset);
        return json;
    }
}
