package io.klite.log;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code headers} column of a partition table: a message's string headers as one JSON object of strings, or
 * NULL where the message has none.
 *
 * <p>Invariants: Klite writes either NULL (no headers, or an empty map) or a JSON object whose values are all
 * strings; a map with a null name or value is refused before anything is written. Reading never fails a fetch over a
 * value another program wrote: in a JSON object, numbers and booleans read as their JSON text and members whose
 * value is null, an array or an object are left out; a value that is not a JSON object at all (malformed JSON, an
 * array, a number, a string) reads as no headers. Either way the message is still delivered, and one WARN names
 * the table and the offset.
 */
final class Headers {

    private static final Logger LOG = LoggerFactory.getLogger(Headers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Headers() {
    }

    /**
     * The column value for these headers: null where there are none.
     *
     * @throws IllegalArgumentException where a name or a value is null
     */
    static String toColumn(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() == null || header.getValue() == null) {
                throw new IllegalArgumentException("Invalid header " + (header.getKey() == null ? "name null"
                        : "'" + header.getKey() + "' with value null") + ": message headers are names and values"
                        + " that are not null; nothing was written");
            }
        }
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write headers as JSON: " + e.getMessage(), e);
        }
    }

    /** The headers of a column value that is not NULL; see the class comment for values other programs wrote. */
    static Map<String, String> fromColumn(String json, TopicPartition tp, long offset) {
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder skipped = null;
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return unreadable(tp, offset, first == null ? "are empty text, not JSON"
                        : "are a JSON " + kind(first) + ", not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    // a number keeps its text as written: 1.50 stays 1.50
                    headers.put(name, parser.getText());
                } else {
                    parser.skipChildren();
                    skipped = (skipped == null ? new StringBuilder() : skipped.append(", ")).append(name);
                }
            }
            if (parser.nextToken() != null) {
                return unreadable(tp, offset, "are not JSON (text follows the object)");
            }
        } catch (IOException e) {
            return unreadable(tp, offset, "are not JSON (" + (e instanceof JsonProcessingException parsing
                    ? parsing.getOriginalMessage() : e.getMessage()) + ")");
        }
        if (skipped != null) {
            LOG.warn("Headers of the message at offset {} in table \"{}\" hold members that are not strings,"
                    + " numbers or booleans; read without them: {}", offset, tp.tableName(), skipped);
        }
        return headers;
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name().toLowerCase(Locale.ROOT) : token.asString();
        };
    }

    private static Map<String, String> unreadable(TopicPartition tp, long offset, String why) {
        LOG.warn("Headers of the message at offset {} in table \"{}\" {}; the message is read without headers",
                offset, tp.tableName(), why);
        return Map.of();
    }
}
