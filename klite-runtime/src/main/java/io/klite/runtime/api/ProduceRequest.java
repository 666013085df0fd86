package io.klite.runtime.api;

import io.klite.log.IdempotencyKey;
import io.klite.log.InvalidTopicException;
import io.klite.log.TopicPartition;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Where a POST asks its messages to go: the topic from the request's path, and {@code partition} or {@code key} from
 * its query string. Read from the request line only, never from request headers (which Camel puts beside query
 * parameters), and each at most once; any other query parameter is refused, so a typo never passes unnoticed. The
 * {@code Idempotency-Key} request header, where sent once, makes the POST safe to retry.
 */
record ProduceRequest(String topic, Integer partition, String key, String idempotencyKey) {

    /** The request header that makes a produce safe to retry (IETF draft "The Idempotency-Key HTTP Header Field"). */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static ProduceRequest of(Exchange exchange) {
        String topic = topic(exchange);
        Map<String, String> query = query(exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class));
        String partitionText = query.get("partition");
        String key = query.get("key");
        if (partitionText != null && key != null) {
            throw new ApiException(400, "Give either partition or key, not both (partition " + partitionText
                    + ", key '" + key + "')");
        }
        if (key != null && key.isEmpty()) {
            throw new ApiException(400, "The key is empty; give a non-empty key, or none for round-robin");
        }
        Integer partition = null;
        if (partitionText != null) {
            try {
                partition = Integer.valueOf(partitionText);
            } catch (NumberFormatException e) {
                throw new ApiException(400, "Invalid partition '" + partitionText + "': a whole number from 0 is expected");
            }
        }
        return new ProduceRequest(topic, partition, key, idempotencyKey(exchange));
    }

    /**
     * The {@code Idempotency-Key} header, or null where none was sent. Its value is the key as sent: a quoted
     * structured-field string ({@code "abc"}, as the IETF draft writes it) and a bare token ({@code abc}) are taken
     * as they come, since a retry sends the same bytes. (Where the header is sent twice, the server keeps the last.)
     */
    private static String idempotencyKey(Exchange exchange) {
        String value = exchange.getIn().getHeader(IDEMPOTENCY_KEY, String.class);
        if (value == null) {
            return null;
        }
        try {
            return IdempotencyKey.validateKey(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage().replace("Invalid idempotency key", "Invalid "
                    + IDEMPOTENCY_KEY));
        }
    }

    /** The topic of a {@code /topics/{topic}...} request, decoded from the path and checked. */
    static String topic(Exchange exchange) {
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        String[] segments = path == null ? new String[0] : path.split("/");
        String topic = segments.length > 2 ? URLDecoder.decode(segments[2], StandardCharsets.UTF_8) : "";
        try {
            return TopicPartition.validateTopic(topic);
        } catch (InvalidTopicException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private static Map<String, String> query(String query) {
        Map<String, String> parameters = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (!name.equals("partition") && !name.equals("key")) {
                throw new ApiException(400, "Unknown query parameter '" + name + "'; a POST takes partition or key");
            }
            if (parameters.put(name, value) != null) {
                throw new ApiException(400, "The query parameter " + name + " is given twice; give it once");
            }
        }
        return parameters;
    }
}
