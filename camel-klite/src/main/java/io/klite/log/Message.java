package io.klite.log;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * One message read from a partition. Two messages are equal when all fields are, the payload compared by content.
 *
 * @param offset  its offset: the row id, strictly increasing within the partition
 * @param payload the stored bytes (a row another program wrote as TEXT reads back as its UTF-8 bytes)
 * @param key     the message key, or {@code null}
 * @param created the row's {@code created} value exactly as stored, normally SQLite's UTC
 *                {@code YYYY-MM-DD HH:MM:SS}; {@code null} where the writer stored none
 * @param headers the message's string headers, in the order stored; empty (never null) where it has none
 */
public record Message(long offset, byte[] payload, String key, String created, Map<String, String> headers) {

    /** The shape of SQLite's {@code CURRENT_TIMESTAMP}, {@code 0} standing for a digit. */
    private static final String PLAIN_TIME = "0000-00-00 00:00:00";
    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    public Message {
        Objects.requireNonNull(payload, "payload");
        headers = headers == null || headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(headers);
    }

    /** A message without headers. */
    public Message(long offset, byte[] payload, String key, String created) {
        this(offset, payload, key, created, Map.of());
    }

    /**
     * The {@code created} time as an instant, read as UTC like SQLite's {@code CURRENT_TIMESTAMP}; {@code null}
     * where there is none or it is not in SQLite's date-time format.
     */
    public Instant timestamp() {
        if (created == null) {
            return null;
        }
        if (isPlainSqliteTime(created) && !created.startsWith("0000")) {
            // what CURRENT_TIMESTAMP stores, read without the formatter, which costs more than the rest of a fetch;
            // year 0 and values out of range (a 30th of February) take the formatter's path and its rules
            try {
                return LocalDateTime.of(digits(0, 4), digits(5, 2), digits(8, 2), digits(11, 2), digits(14, 2),
                        digits(17, 2)).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException outOfRange) {
                // below
            }
        }
        try {
            return LocalDateTime.parse(created.replace('T', ' '), SQLITE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notSqliteTime) {
            return null;
        }
    }

    /** {@code YYYY-MM-DD HH:MM:SS} exactly, with digits where digits belong. */
    private static boolean isPlainSqliteTime(String text) {
        if (text.length() != PLAIN_TIME.length()) {
            return false;
        }
        for (int i = 0; i < PLAIN_TIME.length(); i++) {
            char pattern = PLAIN_TIME.charAt(i);
            char c = text.charAt(i);
            if (pattern == '0' ? c < '0' || c > '9' : c != pattern) {
                return false;
            }
        }
        return true;
    }

    private int digits(int from, int count) {
        return Integer.parseInt(created, from, from + count, 10);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message m && offset == m.offset && Arrays.equals(payload, m.payload)
                && Objects.equals(key, m.key) && Objects.equals(created, m.created) && headers.equals(m.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, Arrays.hashCode(payload), key, created, headers);
    }

    @Override
    public String toString() {
        return "Message[offset=" + offset + ", key=" + key + ", created=" + created + ", headers=" + headers + ", "
                + payload.length + " bytes]";
    }
}
