package io.klite.runtime.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.klite.log.Limits;
import io.klite.log.TopicConfig;
import java.io.IOException;
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
final class TopicConfigJson {

    static final String EXAMPLE = "{\"retention\": {\"age\": \"7d\", \"messages\": 1000000, \"keepUnconsumed\": true}}";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final List<String> BODY_FIELDS = List.of("topic", "retention");
    private static final List<String> RETENTION_FIELDS = List.of("age", "messages", "keepUnconsumed");

    private TopicConfigJson() {
    }

    /** The answer for a topic's settings. */
    static Map<String, Object> answer(String topic, TopicConfig config) {
        Map<String, Object> retention = new LinkedHashMap<>();
        retention.put("age", config.retentionAge() == null ? null : Limits.formatRetentionAge(config.retentionAge()));
        retention.put("messages", config.retentionMessages());
        retention.put("keepUnconsumed", config.keepUnconsumed());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("topic", topic);
        json.put("retention", retention);
        return json;
    }

    /**
     * The settings a request body gives for the topic.
     *
     * @throws ApiException 400, naming the field, the value and what is allowed
     */
    static TopicConfig read(String topic, byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "The body is not valid JSON: " + e.getOriginalMessage() + where(e)
                    + "; send the topic's settings, such as " + EXAMPLE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read a request body held in memory", e);
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "The body must be a JSON object such as " + EXAMPLE + ", not "
                    + describe(root));
        }
        onlyFields(root, "", BODY_FIELDS);
        JsonNode named = root.get("topic");
        if (named != null && !(named.isTextual() && named.asText().equals(topic))) {
            throw new ApiException(400, "The body's topic " + describe(named) + " is not the topic of the path, '"
                    + topic + "'; leave it out or give the same");
        }
        JsonNode retention = root.get("retention");
        if (absent(retention)) {
            return TopicConfig.KEEP_EVERYTHING;
        }
        if (!retention.isObject()) {
            throw new ApiException(400, "Invalid retention for topic '" + topic + "': " + describe(retention)
                    + " is not an object; give {\"age\": ..., \"messages\": ..., \"keepUnconsumed\": ...}, such as "
                    + EXAMPLE);
        }
        onlyFields(retention, "retention.", RETENTION_FIELDS);
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

    /**
     * Where in the body reading failed, {@code " (at byte 12)"}; nothing where Jackson does not say (a limit such as
     * the nesting depth).
     */
    static String where(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getByteOffset() < 0 ? ""
                : " (at byte " + e.getLocation().getByteOffset() + ")";
    }

    private static String where(String topic, String field) {
        return "Invalid retention." + field + " for topic '" + topic + "': ";
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    /** Refuses a field of the object that is not one of {@code allowed}, naming it. */
    private static void onlyFields(JsonNode object, String path, List<String> allowed) {
        object.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new ApiException(400, "Unknown field " + path + name + " (value " + describe(object.get(name))
                        + "); allowed" + (path.isEmpty() ? "" : " in " + path.substring(0, path.length() - 1))
                        + ": " + String.join(", ", allowed) + ", such as " + EXAMPLE);
            }
        });
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
