package io.klite.log;

import java.time.Duration;
import java.util.Objects;

/**
 * What makes a send safe to retry: the caller's key for the send, a fingerprint of what it sends, and how long the
 * key is remembered. A send with a key the file remembers, within its window, writes nothing and answers the first
 * send's result where the fingerprints match, and is refused ({@link IdempotencyKeyReusedException}) where they
 * differ. The HTTP API's {@code Idempotency-Key} header, and the {@code CamelKliteIdempotencyKey} header of a
 * {@code klite:} producer.
 *
 * @param key         1 to {@value #MAX_LENGTH} printable ASCII characters (space to {@code ~}), unique per send
 * @param fingerprint a digest of the send (topic, partition asked for, key, headers, payloads), 1 to
 *                    {@value #MAX_LENGTH} characters: two sends with the same key are the same send where it matches
 * @param window      how long the key is remembered: at least 1 ms, at most {@link TopicConfig#MAX_RETENTION_AGE}
 */
public record IdempotencyKey(String key, String fingerprint, Duration window) {

    /** The longest key and fingerprint. */
    public static final int MAX_LENGTH = 255;
    /** How long a key is remembered where nothing else is said: a day, as the HTTP API's default. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    public IdempotencyKey {
        validateKey(key);
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (fingerprint.isEmpty() || fingerprint.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Invalid idempotency fingerprint of " + fingerprint.length()
                    + " characters: use 1 to " + MAX_LENGTH);
        }
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 1 || window.compareTo(TopicConfig.MAX_RETENTION_AGE) > 0) {
            throw new IllegalArgumentException("Invalid idempotency window " + window + ": use 1 ms to "
                    + TopicConfig.MAX_RETENTION_AGE.toDays() + " days");
        }
    }

    /**
     * Checks an idempotency key: 1 to {@value #MAX_LENGTH} characters, each printable ASCII (space to {@code ~}).
     *
     * @return the key, for chaining
     * @throws IllegalArgumentException naming the value (cut short where long) and the rule
     */
    public static String validateKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            String shown = key == null ? "null" : "'" + (key.length() > 40 ? key.substring(0, 40) + "...' ("
                    + key.length() + " characters)" : key + "'");
            throw new IllegalArgumentException("Invalid idempotency key " + shown.replaceAll("[^\\x20-\\x7e]", "?")
                    + ": use 1 to " + MAX_LENGTH + " printable ASCII characters (letters, digits, - _ . : and the"
                    + " like), such as a UUID, one per message or batch");
        }
        return key;
    }
}
