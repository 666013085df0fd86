package io.klite.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's settings as {@code /topics/{topic}/config} reads and answers them:
 * {@code {"topic":"orders","retention":{"age":"7d","messages":1000000,"keepUnconsumed":true}}}, the age in the
 * largest unit that holds it exactly, {@code null} for no age or count limit. A request body has the same
 * {@code retention} object, and may have the {@code topic} of the path (so that an answer can be sent back changed);
 * a field it leaves out, or gives as {@code null}, is none (or false). Invariant: a body reads whole into settings {@link TopicConfig} accepts, or is refused naming the field, the
 * value and what is allowed.
 */
public final class TopicConfigJson {

    static final String EXAMPLE = "{\"retention\": {\"age\": \"7d\", \"messages\": 1000000, \"keepUnconsumed\": true}}";

    private static final List<String> BODY_FIELDS = List.of("topic", "retention");
    private static final List<String> RETENTION_FIELDS = List.of("age", "messages", "keepUnconsumed");

    private TopicConfigJson() {
    }

    /** The answer for a topic's settings. */
    public static Map<String, Object> answer(String topic, TopicConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("retention", retention(config));
        return json;
    }

    /** The answer's {@code retention} object: {@code {"age","messages","keepUnconsumed"}}. */
    static Map<String, Object> retention(TopicConfig config) {
        Map<String, Object> retention = new LinkedHashMap<>();
        retention.put("age", config.retentionAge() == null ? null : Limits.formatRetentionAge(config.retentionAge()));
        retention.put("messages", config.retentionMessages());
        retention.put("keepUnconsumed", config.keepUnconsumed());
        return retention;
    }

    /**
     * The settings a request body gives for the topic.
     *
     * @throws ApiException 400, naming the field, the value and what is allowed
     */
    static TopicConfig read(String topic, byte[] body) {
        JsonNode root = JsonBody.object(body, BODY_FIELDS, "the topic's settings", EXAMPLE);
        JsonNode named = root.get("topic");
        if (named != null && !(named.isTextual() && named.asText().equals(topic))) {
            throw new ApiException(400, "The body's topic " + JsonBody.describe(named) + " is not the topic of the path, '"
                    + topic + "'; leave it out or give the same");
        }
        JsonNode retention = root.get("retention");
        if (absent(retention)) {
            return TopicConfig.KEEP_EVERYTHING;
        }
        if (!retention.isObject()) {
            throw new ApiException(400, "Invalid retention for topic '" + topic + "': " + JsonBody.describe(retention)
                    + " is not an object; give {\"age\": ..., \"messages\": ..., \"keepUnconsumed\": ...}, such as "
                    + EXAMPLE);
        }
        JsonBody.onlyFields(retention, "retention.", RETENTION_FIELDS, EXAMPLE);
        try {
            JsonNode age = retention.get("age");
            Duration retentionAge = absent(age) ? null
                    : Limits.retentionAge(where(topic, "age"), age.isTextual() ? age.asText() : age.toString());
            JsonNode messages = retention.get("messages");
            Long retentionMessages = absent(messages) ? null : Limits.retentionMessages(where(topic, "messages"),
                    messages.isIntegralNumber() ? messages.asText() : messages.toString());
            JsonNode keep = retention.get("keepUnconsumed");
            if (!absent(keep) && !keep.isBoolean()) {
                throw new ApiException(400, where(topic, "keepUnconsumed") + "'" + keep + "' is not a boolean;"
                        + " allowed: true or false");
            }
            return new TopicConfig(retentionAge, retentionMessages, !absent(keep) && keep.booleanValue());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }


    private static String where(String topic, String field) {
        return "Invalid retention." + field + " for topic '" + topic + "': ";
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }


}
