package io.klite.camel;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.klite.log.Message;
import java.util.List;

/**
 * The body of a consumed exchange with {@code batching=true}: the messages one poll fetched from one partition, in
 * offset order (at least one). Marshals to JSON (camel-jackson, or any ObjectMapper) as
 * {@code {"topic":"orders","partition":0,"messages":[{"offset":7,"data":<payload>,"created":"2026-11-26 10:00:00"}]}},
 * where {@code data} is the payload as a JSON value where it parses as JSON, else a JSON string of its UTF-8 text,
 * else base64 text with {@code "encoding":"base64"} on that message.
 */
@JsonSerialize(using = KliteBatchSerializer.class)
public record KliteBatch(String topic, int partition, List<Message> messages) {

    public KliteBatch {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("A batch holds at least one message");
        }
        messages = List.copyOf(messages);
    }

    public long firstOffset() {
        return messages.get(0).offset();
    }

    public long lastOffset() {
        return messages.get(messages.size() - 1).offset();
    }

    public int size() {
        return messages.size();
    }
}
