package io.klite.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.klite.runtime.admin.IsoTimes;
import io.klite.runtime.admin.OffsetReset;
import io.klite.runtime.admin.OffsetReset.Earliest;
import io.klite.runtime.admin.OffsetReset.Latest;
import io.klite.runtime.admin.OffsetReset.Offset;
import io.klite.runtime.admin.OffsetReset.Time;
import io.klite.runtime.admin.OffsetReset.To;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code POST /groups/{group}/reset}:
 * {@code {"topic": "orders", "partition": 0, "to": "earliest", "execute": false, "force": false}}, where
 * {@code partition} (all of the topic's where left out), {@code execute} and {@code force} (false where left out) are
 * optional, and {@code to} is {@code "earliest"}, {@code "latest"}, a whole number (the next offset to deliver, as
 * {@code kafka-consumer-groups --to-offset}) or an ISO-8601 instant with {@code Z} or an offset (the first message
 * written at or after it). Invariant: a body reads whole into a request, or is refused naming the field, the value and
 * what is allowed. What {@code to} means is {@link OffsetReset}'s, shared with the admin CLI.
 */
record ResetRequest(String topic, Integer partition, To to, boolean execute, boolean force) {

    static final String EXAMPLE = "{\"topic\": \"orders\", \"to\": \"earliest\", \"execute\": true}";
    private static final String TO_FORMS = "\"earliest\", \"latest\", a whole number (the next offset to deliver,"
            + " such as 42) or an ISO-8601 instant with Z or an offset (such as \"2026-12-01T10:00:00Z\" or"
            + " \"2026-12-01T11:00:00+01:00\")";
    private static final List<String> FIELDS = List.of("topic", "partition", "to", "execute", "force");

    /**
     * The request a body gives.
     *
     * @throws ApiException 400, naming the field, the value and what is allowed
     */
    static ResetRequest read(byte[] body) {
        JsonNode root = JsonBody.object(body, FIELDS, "the reset", EXAMPLE);
        JsonNode topic = root.get("topic");
        if (topic == null || !topic.isTextual()) {
            throw new ApiException(400, (topic == null ? "The field topic is missing" : "Invalid topic "
                    + JsonBody.describe(topic) + ": not a string") + "; give the topic whose offsets to reset, such as " + EXAMPLE);
        }
        JsonNode partition = root.get("partition");
        if (partition != null && !partition.isNull() && !(partition.isIntegralNumber() && partition.canConvertToInt()
                                                          && partition.intValue() >= 0)) {
            throw new ApiException(400, "Invalid partition " + JsonBody.describe(partition) + ": a whole number from 0 is"
                    + " expected, or leave it out to reset every partition of the topic");
        }
        return new ResetRequest(topic.asText(), partition == null || partition.isNull() ? null : partition.intValue(),
                to(root.get("to")), flag(root, "execute"), flag(root, "force"));
    }

    private static To to(JsonNode to) {
        if (to == null || to.isNull()) {
            throw new ApiException(400, "The field to is missing; give " + TO_FORMS);
        }
        if (to.isIntegralNumber() && to.canConvertToLong()) {
            return new Offset(to.longValue());
        }
        if (to.isTextual()) {
            String text = to.asText();
            if (text.equals("earliest")) {
                return new Earliest();
            }
            if (text.equals("latest")) {
                return new Latest();
            }
            Optional<Instant> time = IsoTimes.parse(text);
            if (time.isPresent()) {
                return new Time(time.get());
            }
        }
        boolean quotedNumber = to.isTextual() && to.asText().matches("-?[0-9]+");
        throw new ApiException(400, "Invalid to " + JsonBody.describe(to) + ": allowed are " + TO_FORMS
                + (quotedNumber ? "; an offset goes without quotes" : ""));
    }

    private static boolean flag(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ApiException(400, "Invalid " + field + " " + JsonBody.describe(value) + ": allowed are true or false");
        }
        return value.booleanValue();
    }

}
