package io.klite.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /topics/{topic}/dead-letters/redrive}: {@code {}} for every dead letter not redriven yet, of
 * every partition, or {@code {"partition": 0, "fromOffset": 1, "toOffset": 5}} for one partition's, where
 * {@code fromOffset} (default: the first not redriven yet) and {@code toOffset} (default: the partition's end) are
 * optional and need {@code partition}. Invariant: a body reads whole into a request, or is refused naming the field,
 * the value and what is allowed.
 */
record RedriveRequest(Integer partition, Long fromOffset, Long toOffset) {

    static final String EXAMPLE = "{\"partition\": 0, \"fromOffset\": 1, \"toOffset\": 5}";
    static final String WHAT_TO_SEND = "send {} to redrive every dead letter not redriven yet, or one partition's"
            + " range, such as " + EXAMPLE;
    private static final List<String> FIELDS = List.of("partition", "fromOffset", "toOffset");

    /**
     * The request a body gives.
     *
     * @throws ApiException 400, naming the field, the value and what is allowed
     */
    static RedriveRequest read(byte[] body) {
        JsonNode root = JsonBody.object(body, FIELDS, "{} or a partition's range", EXAMPLE);
        JsonNode partition = root.get("partition");
        if (!absent(partition) && !(partition.isIntegralNumber() && partition.canConvertToInt()
                                    && partition.intValue() >= 0)) {
            throw new ApiException(400, "Invalid partition " + JsonBody.describe(partition) + ": a whole number from 0"
                    + " is expected, or leave it out to redrive every partition's dead letters not redriven yet");
        }
        Long from = offset(root, "fromOffset", "the first dead letter not redriven yet");
        Long to = offset(root, "toOffset", "the partition's end");
        if (absent(partition) && (from != null || to != null)) {
            throw new ApiException(400, "fromOffset and toOffset need partition: offsets are a partition's; give"
                    + " them with it, such as " + EXAMPLE + ", or send {} to redrive every partition");
        }
        if (from != null && to != null && from > to) {
            throw new ApiException(400, "fromOffset " + from + " is after toOffset " + to + ": the range runs from"
                    + " fromOffset to toOffset, so fromOffset must not be greater");
        }
        return new RedriveRequest(absent(partition) ? null : partition.intValue(), from, to);
    }

    /** An offset field: a whole number from 1, or null where left out. */
    private static Long offset(JsonNode root, String field, String fallback) {
        JsonNode offset = root.get(field);
        if (absent(offset)) {
            return null;
        }
        if (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.longValue() < 1) {
            throw new ApiException(400, "Invalid " + field + " " + JsonBody.describe(offset) + ": an offset, a whole"
                    + " number from 1 (a partition's first offset is 1), is expected, or leave it out for "
                    + fallback);
        }
        return offset.longValue();
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
