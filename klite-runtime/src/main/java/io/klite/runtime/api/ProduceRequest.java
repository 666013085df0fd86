package io.klite.runtime.api;

import io.klite.log.IdempotencyKey;
import io.klite.log.InvalidTopicException;
import io.klite.log.TopicPartition;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Where a POST asks its messages to go: the topic from the request's path, and {@code partition} or {@code key} from
 * its query string ({@link QueryParameters}: each at most once, and no other). The {@code Idempotency-Key} request
 * header, where sent, makes the POST safe to retry.
 */
record ProduceRequest(String topic, Integer partition, String key, String idempotencyKey) {

    /** The request header that makes a produce safe to retry (IETF draft "The Idempotency-Key HTTP Header Field"). */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static ProduceRequest of(Exchange exchange) {
        String topic = topic(exchange);
        Map<String, String> query = QueryParameters.of(exchange, List.of("partition", "key"),
                "a POST takes partition or key");
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
        String topic = ApiExchange.pathSegment(exchange, 2);
        try {
            return TopicPartition.validateTopic(topic);
        } catch (InvalidTopicException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
