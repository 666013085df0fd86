package io.klite.camel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What makes two writes with one idempotency key the same write: SHA-256, in hex, of the topic, the partition the
 * {@code CamelKliteOverridePartition} header asked for (not the one round-robin chose, which a retry may not get
 * again), the key and whether it chooses the partition, the endpoint's {@code partition} option, the stored headers
 * in name order and each payload, every field with its length so that no two different writes run together into the
 * same bytes.
 */
final class SendFingerprint {

    private SendFingerprint() {
    }

    /**
     * @param asked   what the message asks for (its topic, override partition and key)
     * @param headers the headers stored with the message, or null for none
     * @param payload a payload ({@code byte[]} or {@code String}) or a List of them (a batch)
     */
    static String of(PartitionChooser.Request asked, Map<String, String> headers, Object payload) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
        field(digest, asked.topic());
        field(digest, asked.partition());
        field(digest, asked.key());
        field(digest, asked.keyWins() ? "key chooses" : "partition option chooses");
        field(digest, asked.fixedPartition());
        for (Map.Entry<String, String> header : new TreeMap<>(headers == null ? Map.of() : headers).entrySet()) {
            field(digest, header.getKey());
            field(digest, header.getValue());
        }
        if (payload instanceof List<?> payloads) {
            field(digest, "batch of " + payloads.size());
            payloads.forEach(element -> field(digest, element));
        } else {
            field(digest, "message");
            field(digest, payload);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One field: -1 for null, else its byte length and bytes (a String as UTF-8). */
    private static void field(MessageDigest digest, Object value) {
        byte[] bytes = value == null ? null
                : value instanceof byte[] raw ? raw : value.toString().getBytes(StandardCharsets.UTF_8);
        int length = bytes == null ? -1 : bytes.length;
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
        if (bytes != null) {
            digest.update(bytes);
        }
    }
}
