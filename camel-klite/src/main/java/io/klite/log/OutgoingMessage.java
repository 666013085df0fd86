package io.klite.log;

import java.util.Map;
import java.util.Objects;

/**
 * One message of {@link KliteLog#sendMessages}, with its own key and headers: what a copy from another log (a Kafka
 * topic's records) appends, where each record has its own.
 *
 * @param key     the message key, or null
 * @param headers names and values, none of them null; null or empty for none
 * @param payload the bytes to store
 */
public record OutgoingMessage(String key, Map<String, String> headers, byte[] payload) {

    public OutgoingMessage {
        Objects.requireNonNull(payload, "payload");
    }
}
